"""The rolled-up figures of a district's or a network's schools (docs/dashboards.md): the
district and network dashboards and the district report read them from here.

Everything comes from the per-school rollups (``rollups.figures_for_schools``), never from the
students' records, and no student is ever named. The main entry points:

- ``district_overview(district, term)`` / ``network_overview(network, term)`` -> ``Overview``:
  the total (a ``figures.View``), one ``NetworkRow`` per network, one ``SchoolRow`` per school
  (its view, OBEC size band and target marks), the targets, how many schools meet each target,
  and the oldest "as of" time of the rows with how many are being updated (stale). A fixed
  number of queries whatever the number of schools.
- ``COLUMNS`` (every figure of the school table), ``sort_rows`` and ``filter_rows``: the school
  table sorted by any column and filtered by network, size band and "below target".
- ``trend_terms(term)`` and ``trend(school_ids, terms)``: the figures of the terms of this and
  the previous academic year, for the trend chart and table.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from behaviour import selectors as behaviour_selectors
from carecore.thai import thai_sort_key
from dashboards import figures, rollups
from dashboards.figures import View
from dashboards.models import DistrictTargets, SchoolFigures
from schools.models import School, Term
from screening.labels import LEVEL_LABELS


def _view(counts: dict) -> View:
    """A View of ``counts`` that always has its ``students`` (a school without classrooms has
    none counted, and ``View.students`` reads the key)."""
    return View({"students": 0, **counts})


# --- targets -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetFigure:
    """A figure the district sets a target for: ``key`` is the DistrictTargets field, ``share``
    the ``View`` property giving the school's percent."""

    key: str
    label: str
    share: str

    def value(self, view: View) -> float | None:
        return getattr(view, self.share)


TARGET_FIGURES: tuple[TargetFigure, ...] = (
    TargetFigure("screened", _("Screened"), "screened_share"),
    TargetFigure("visited", _("Home visits"), "visited_share"),
    TargetFigure("profiles", _("Profiles complete"), "profile_share"),
    TargetFigure("cared", _("Suitably helped"), "cared_share"),
    TargetFigure("plans", _("Problem group with a care plan"), "plan_share"),
)
TARGET_KEYS = tuple(t.key for t in TARGET_FIGURES)


def district_targets(district) -> DistrictTargets:
    """The district's targets (one query); an unsaved row with the defaults when it set none."""
    found = DistrictTargets.objects.filter(district=district).first()
    return found or DistrictTargets(district=district)


@dataclass(frozen=True)
class Mark:
    """A figure against its target: ``met`` is None when there is nothing to count (no
    students, nobody screened, nobody in the problem group)."""

    key: str
    label: str
    share: float | None
    target: int

    @property
    def met(self) -> bool | None:
        if self.share is None:
            return None
        return self.share >= self.target


def marks_for(view: View, targets: DistrictTargets) -> dict[str, Mark]:
    """Each target figure of ``view`` against ``targets``, in the order of TARGET_FIGURES."""
    return {
        t.key: Mark(t.key, t.label, t.value(view), getattr(targets, t.key)) for t in TARGET_FIGURES
    }


# --- OBEC size bands -----------------------------------------------------------------------------
# (band, most students) in order; the last band has no upper bound.
SIZE_BANDS: tuple[tuple[str, int | None], ...] = (
    (School.Size.SMALL, 120),
    (School.Size.MEDIUM, 600),
    (School.Size.LARGE, 1500),
    (School.Size.EXTRA_LARGE, None),
)
SIZE_LABELS = dict(School.Size.choices)


def size_band(students: int) -> str:
    """The OBEC size band of a school of ``students`` students (School.Size values)."""
    for band, most in SIZE_BANDS:
        if most is None or students <= most:
            return band
    return School.Size.EXTRA_LARGE  # pragma: no cover


# --- rows ----------------------------------------------------------------------------------------
@dataclass
class SchoolRow:
    school: School
    network: object | None  # districts.Network, or None for a school outside any network
    view: View
    size_band: str
    marks: dict[str, Mark]
    computed: datetime.datetime | None = None
    stale: bool = False

    @property
    def size_label(self) -> str:
        return SIZE_LABELS[self.size_band]


@dataclass
class NetworkRow:
    """A network's schools added up (``network`` None: the schools outside any network)."""

    network: object | None
    view: View
    school_count: int
    marks: dict[str, Mark]


@dataclass
class Overview:
    term: Term
    targets: DistrictTargets
    total: View
    total_marks: dict[str, Mark]
    networks: list[NetworkRow]
    schools: list[SchoolRow]
    # How many schools meet each target (key -> count).
    met_counts: dict[str, int] = field(default_factory=dict)
    # The oldest ``computed`` among the rows, and how many rows are being updated.
    as_of: datetime.datetime | None = None
    stale_count: int = 0

    @property
    def school_count(self) -> int:
        return len(self.schools)


def overview(*, schools: Iterable[School], term: Term, targets: DistrictTargets) -> Overview:
    """The rolled-up figures of ``schools`` (with ``network`` selected) for ``term``: one query
    for the rollups when they exist (those missing are computed once, in a fixed number)."""
    schools = list(schools)
    stored = rollups.figures_for_schools(school_ids=[s.pk for s in schools], term=term)
    rows: list[SchoolRow] = []
    by_network: dict[int | None, list[SchoolRow]] = {}
    for school in schools:
        rollup = stored.get(school.pk)
        view = _view(rollup.counts if rollup is not None else {})
        row = SchoolRow(
            school=school,
            network=school.network,
            view=view,
            size_band=size_band(view.students),
            marks=marks_for(view, targets),
            computed=rollup.computed if rollup is not None else None,
            stale=bool(rollup is not None and rollup.stale),
        )
        rows.append(row)
        by_network.setdefault(school.network_id, []).append(row)
    rows.sort(key=lambda r: thai_sort_key(r.school.name))

    networks = []
    for members in by_network.values():
        view = _view(figures.total_of(r.view.counts for r in members))
        networks.append(
            NetworkRow(members[0].network, view, len(members), marks_for(view, targets))
        )
    # Networks by name, the schools outside any network last.
    networks.sort(
        key=lambda n: (n.network is None, thai_sort_key(n.network.name if n.network else ""))
    )

    total = _view(figures.total_of(r.view.counts for r in rows))
    computed = [r.computed for r in rows if r.computed is not None]
    return Overview(
        term=term,
        targets=targets,
        total=total,
        total_marks=marks_for(total, targets),
        networks=networks,
        schools=rows,
        met_counts={k: sum(1 for r in rows if r.marks[k].met) for k in TARGET_KEYS},
        as_of=min(computed) if computed else None,
        stale_count=sum(1 for r in rows if r.stale),
    )


def district_overview(district, term: Term, *, targets: DistrictTargets | None = None) -> Overview:
    """The district's schools (three queries: targets, schools, rollups)."""
    targets = targets or district_targets(district)
    schools = School.objects.filter(district=district).select_related("network")
    return overview(schools=schools, term=term, targets=targets)


def network_overview(network, term: Term, *, targets: DistrictTargets | None = None) -> Overview:
    """The network's schools against its district's targets."""
    targets = targets or district_targets(network.district)
    schools = School.objects.filter(network=network).select_related("network")
    return overview(schools=schools, term=term, targets=targets)


# --- the school table: columns, sorting, filtering ---------------------------------------------
@dataclass(frozen=True)
class Column:
    """A figure column of the school table. ``kind``: "share" (percent, one decimal), "count"
    or "baht"; ``target``: the TARGET_FIGURES key it is marked against, if any.

    The tables show one COLUMN_SETS part at a time (``part``; None: every part), so they fit a
    laptop's screen: ``short`` is the header (the full ``label`` in its title and the legend),
    ``band`` the grouped header above it."""

    key: str
    label: str
    value: Callable[[View], float | int | None]
    kind: str = "count"
    target: str | None = None
    short: str | None = None
    part: str | None = None
    band: str | None = None

    @property
    def header(self) -> str:
        return self.short or self.label


def _share(name: str) -> Callable[[View], float | None]:
    return lambda view: getattr(view, name)


def _group(group: str) -> Callable[[View], float | None]:
    return lambda view: view.group_share(group)


def _count(key: str) -> Callable[[View], int]:
    return lambda view: view[key]


TARGETS, GROUPS, FOLLOW_UP, CONDUCT = "targets", "groups", "follow_up", "conduct"
_TARGETS_BAND = _("Target figures, %")
_GROUPS_BAND = _("Care groups, % of the screened")
_PLANS_BAND, _REFERRALS_BAND = _("Care plans"), _("Referrals")
_DROPOUT_BAND, _SUPPORT_BAND = _("Dropout and out-of-school"), _("Support given")


def _target(key, label, share, short):
    return Column(key, label, _share(share), "share", key, short, TARGETS, _TARGETS_BAND)


def _follow_up(key, label, short, band, kind="count"):
    return Column(key, label, _count(key), kind, None, short, FOLLOW_UP, band)


def _conduct_columns() -> tuple[Column, ...]:
    """Attendance and behaviour of the term (dashboards/conduct_figures.py)."""
    attendance, behaviour = _("Attendance this term"), _("Behaviour this term")
    low = lazy(
        lambda: gettext("Conduct score under %(n)s") % {"n": behaviour_selectors.LOW_SCORE}, str
    )()

    under = lazy(
        lambda: (
            pgettext("short column header", "Under %(n)s") % {"n": behaviour_selectors.LOW_SCORE}
        ),
        str,
    )()

    def column(key, label, short, band, kind="count"):
        value = _share(key) if kind == "share" else _count(key)
        if isinstance(short, str):
            short = pgettext_lazy("short column header", short)
        return Column(key, label, value, kind, short=short, part=CONDUCT, band=band)

    return (
        column("attendance_rate", _("Attendance rate"), "Rate", attendance, "share"),
        column("att_missed", _("Days missed"), "Days missed", attendance),
        column("att_flagged", _("Students flagged (open)"), "Flagged", attendance),
        column("beh_bad", _("Misconduct incidents"), "Misconduct", behaviour),
        column("beh_good", _("Good deeds"), None, behaviour),
        column("beh_low", low, under, behaviour),
    )


COLUMNS: tuple[Column, ...] = (
    Column("students", _("Students"), _count("students")),
    _target(
        "screened",
        _("Screened"),
        "screened_share",
        pgettext_lazy("short column header", "Screened"),
    ),
    _target(
        "visited",
        _("Home visits"),
        "visited_share",
        pgettext_lazy("short column header", "Visited"),
    ),
    _target(
        "profiles",
        _("Profiles complete"),
        "profile_share",
        pgettext_lazy("short column header", "Records"),
    ),
    _target(
        "cared", _("Suitably helped"), "cared_share", pgettext_lazy("short column header", "Helped")
    ),
    _target(
        "plans",
        _("Problem group with a care plan"),
        "plan_share",
        pgettext_lazy("short column header", "Plans"),
    ),
    *(
        Column(g, LEVEL_LABELS[g], _group(g), "share", part=GROUPS, band=_GROUPS_BAND)
        for g in figures.LEVELS
    ),
    Column("special", _("Special"), _group("special"), "share", part=GROUPS, band=_GROUPS_BAND),
    Column(
        "not_screened",
        _("Not screened"),
        lambda view: view.not_screened,
        short=pgettext_lazy("short column header", "Not screened"),
        part=GROUPS,
    ),
    _follow_up(
        "plans_open", _("Plans open"), pgettext_lazy("short column header", "Open"), _PLANS_BAND
    ),
    _follow_up(
        "plans_overdue",
        _("Plans overdue"),
        pgettext_lazy("short column header", "Overdue"),
        _PLANS_BAND,
    ),
    _follow_up(
        "referrals_open",
        _("Referrals open"),
        pgettext_lazy("short column header", "Open"),
        _REFERRALS_BAND,
    ),
    _follow_up(
        "referrals_overdue",
        _("Referrals overdue"),
        pgettext_lazy("short column header", "Overdue"),
        _REFERRALS_BAND,
    ),
    _follow_up(
        "dropout_open",
        _("Dropout cases open"),
        pgettext_lazy("short column header", "Open"),
        _DROPOUT_BAND,
    ),
    _follow_up(
        "dropout_late",
        _("Dropout cases late"),
        pgettext_lazy("short column header", "Overdue"),
        _DROPOUT_BAND,
    ),
    _follow_up(
        "support_students",
        _("Students supported"),
        pgettext_lazy("short column header", "Students"),
        _SUPPORT_BAND,
    ),
    _follow_up(
        "support_amount",
        _("Support (baht)"),
        pgettext_lazy("short column header", "Baht"),
        _SUPPORT_BAND,
        "baht",
    ),
    *_conduct_columns(),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

# The parts of the figures the tables show one at a time (the first by default).
COLUMN_SETS: tuple[tuple[str, str], ...] = (
    (TARGETS, _("Targets")),
    (GROUPS, _("Care groups")),
    (FOLLOW_UP, _("Follow-up")),
    (CONDUCT, _("Attendance and behaviour")),
)


def columns_of(part: str) -> tuple[Column, ...]:
    """The columns the tables show for ``part`` (a COLUMN_SETS key): its own and the shared."""
    return tuple(c for c in COLUMNS if c.part in (None, part))


# Sort keys: the school's name, its network, or any column.
SORT_KEYS = ("name", "network", *COLUMNS_BY_KEY)
DEFAULT_SORT = "name"


def _name_key(row: SchoolRow) -> str:
    return thai_sort_key(row.school.name)


def sort_rows(rows: Iterable[SchoolRow], key: str, *, descending: bool = False) -> list[SchoolRow]:
    """The rows sorted by ``key`` (SORT_KEYS; an unknown key sorts by name). Schools without a
    value (a share of nothing) come last either way; ties go by name."""
    rows = sorted(rows, key=_name_key)  # stable sorts: name breaks ties
    if key == "network":
        return sorted(
            rows,
            key=lambda r: (r.network is None, thai_sort_key(r.network.name if r.network else "")),
            reverse=descending,
        )
    column = COLUMNS_BY_KEY.get(key)
    if column is None:
        return rows[::-1] if descending else rows
    valued = [(column.value(r.view), r) for r in rows]
    present = [(v, r) for v, r in valued if v is not None]
    present.sort(key=lambda pair: pair[0], reverse=descending)
    return [r for _v, r in present] + [r for v, r in valued if v is None]


def filter_rows(
    rows: Iterable[SchoolRow],
    *,
    network_id: int | None = None,
    size: str | None = None,
    below: str | None = None,
) -> list[SchoolRow]:
    """The rows of one network (``network_id``; 0 for the schools outside any network), one size
    band (``size``), and/or below the target of ``below`` (a TARGET_KEYS key: schools with a
    figure under the target; a school with nothing to count is not below)."""
    out = list(rows)
    if network_id is not None:
        out = [r for r in out if (r.school.network_id or 0) == network_id]
    if size:
        out = [r for r in out if r.size_band == size]
    if below in TARGET_KEYS:
        out = [r for r in out if r.marks[below].met is False]
    return out


# --- trends --------------------------------------------------------------------------------------
@dataclass
class TrendPoint:
    term: Term
    view: View


def trend_terms(term: Term) -> list[Term]:
    """The terms of ``term``'s academic year and of the year before, up to ``term``, oldest
    first (one query)."""
    year = term.academic_year.year
    return list(
        Term.objects.filter(academic_year__year__in=(year - 1, year), start__lte=term.start)
        .select_related("academic_year")
        .order_by("academic_year__year", "number")
    )


def trend(school_ids: Iterable[int], terms: Iterable[Term]) -> list[TrendPoint]:
    """The schools' figures added up per term, in the order of ``terms``: one query for the
    stored rollups of every term; the rows missing (a past term never computed, a new school)
    are computed once and stored."""
    school_ids = list(school_ids)
    terms = list(terms)
    counts: dict[int, dict[int, dict]] = {t.pk: {} for t in terms}
    stored = SchoolFigures.objects.filter(
        term_id__in=[t.pk for t in terms], school_id__in=school_ids
    ).values_list("term_id", "school_id", "counts")
    for term_id, school_id, c in stored:
        counts[term_id][school_id] = c
    for t in terms:
        missing = [pk for pk in school_ids if pk not in counts[t.pk]]
        if missing:
            for row in rollups.refresh(school_ids=missing, term=t):
                counts[t.pk][row.school_id] = row.counts
    return [TrendPoint(t, _view(figures.total_of(counts[t.pk].values()))) for t in terms]


# The shares the trend chart and table show (label, View -> percent).
TREND_SERIES: tuple[tuple[str, str, Callable[[View], float | None]], ...] = (
    ("screened", _("Screened"), _share("screened_share")),
    ("visited", _("Home visits"), _share("visited_share")),
    ("cared", _("Suitably helped"), _share("cared_share")),
    *((g, LEVEL_LABELS[g], _group(g)) for g in figures.LEVELS),
    ("special", _("Special"), _group("special")),
)
