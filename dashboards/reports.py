"""The reports by job (docs/dashboards.md): the district report as PDF and XLSX, and the school
report as PDF for its director. Figures only, never a student's name.

- ``district_report_pdf`` / ``district_report_xlsx``: the district's schools for a term, read
  from the rollups (``selectors.district_overview``): a cover, a summary in words and figures
  against the district's targets, charts drawn as SVG (dashboards.charts), then per network its
  totals and a table of its schools with the marks against the targets;
- ``school_report_pdf``: one school, computed live (``figures.compute``), per grade and per
  classroom.

Callers choose the language (``translation.override``) and run inside the schools' scope (the
jobs of dashboards/jobs.py do both). WeasyPrint is imported only when a PDF is rendered.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from behaviour import selectors as behaviour_selectors
from carecore.dates import format_date, format_datetime, to_thai_digits
from carecore.spreadsheets import xlsx_bytes, xlsx_row, xlsx_table
from dashboards import charts, figures, selectors
from dashboards.figures import View
from districts.fund import selectors as fund_selectors
from earlywarning import selectors as warning_selectors
from schools.models import Classroom, Grade
from screening.aspects import ASPECT_LABELS
from screening.labels import LEVEL_LABELS

Progress = Callable[[int], None]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _no_progress(value: int) -> None:
    pass


# --- numbers as text -----------------------------------------------------------------------------
class Paper:
    """Numbers and dates on the paper: Buddhist Era years, thousands separators, one decimal for
    percents, "—" for a share of nothing, Thai digits when the school asks for them."""

    def __init__(self, thai_digits: bool = False):
        self.thai_digits = thai_digits

    def _digits(self, text: str) -> str:
        return to_thai_digits(text) if self.thai_digits else text

    def n(self, value) -> str:
        return self._digits(f"{int(value or 0):,}")

    def pct(self, value: float | None, sign: bool = True) -> str:
        if value is None:
            return "—"
        return self._digits(f"{value:.1f}%" if sign else f"{value:.1f}")

    def target(self, value: int) -> str:
        return self._digits(f"{value}%")

    def baht(self, value) -> str:
        return self._digits(f"{int(value or 0):,}")

    def text(self, value) -> str:
        return self._digits(str(value))

    def date(self, value, style: str = "long") -> str:
        return format_date(value, style, thai_digits=self.thai_digits)


def term_text(term) -> str:
    return _("Term %(number)s/%(year)s") % {"number": term.number, "year": term.academic_year.year}


def file_name(*parts, extension: str) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p) + f".{extension}"


def district_report_title() -> str:
    # รายงานผลการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน
    return _("Report on the operation of the student care and support system")


# --- the figures of a table row ------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """A column of the report's tables: a share marked against a target, or a count."""

    key: str
    header: str
    value: Callable[[View], float | int | None]
    share: bool = True
    target: str | None = None


def _key_figures() -> list[Figure]:
    """The five target figures, with the short headers of the tables."""
    headers = {
        "screened": _("Screened (%)"),
        "visited": _("Home visits (%)"),
        "profiles": _("Profiles complete (%)"),
        "cared": _("Suitably helped (%)"),
        "plans": _("Problem group with a plan (%)"),
    }
    return [Figure(t.key, headers[t.key], t.value, True, t.key) for t in selectors.TARGET_FIGURES]


def _count(key: str) -> Callable[[View], int]:
    return lambda view: view[key]


def _cells(view: View, columns: list[Figure], targets, paper: Paper) -> list[dict]:
    cells = []
    for column in columns:
        value = column.value(view)
        below = (
            column.target is not None
            and value is not None
            and value < getattr(targets, column.target)
        )
        text = paper.pct(value, sign=False) if column.share else paper.n(value)
        cells.append({"text": text, "below": below})
    return cells


def _row(label, view: View, columns, targets, paper: Paper, **extra) -> dict:
    return {
        "label": label,
        "students": paper.n(view.students),
        "cells": _cells(view, columns, targets, paper),
        **extra,
    }


def meets_every_target(view: View, marks: dict[str, selectors.Mark]) -> bool:
    """A school with students whose figures reach every target (a figure with nothing to count,
    such as plans in a school without a problem group, does not hold it back)."""
    return view.students > 0 and all(m.met is not False for m in marks.values())


def _targets_met_text(marks: dict[str, selectors.Mark], paper: Paper) -> str:
    met = sum(1 for m in marks.values() if m.met)
    counted = sum(1 for m in marks.values() if m.met is not None)
    return f"{paper.n(met)}/{paper.n(counted)}"


# --- words ---------------------------------------------------------------------------------------
def _summary_sentences(
    view: View, targets, paper: Paper, *, schools: int | None = None, met_all: int | None = None
) -> list[str]:
    """A few sentences on the figures (for a district, ``schools`` and ``met_all``)."""
    values = {
        "students": paper.n(view.students),
        "screened": paper.pct(view.screened_share),
        "visited": paper.pct(view.visited_share),
        "profiles": paper.pct(view.profile_share),
    }
    if schools is not None:
        values["schools"] = paper.n(schools)
        first = ngettext(
            "Of %(students)s students in %(schools)s school, %(screened)s were screened and "
            "%(visited)s were visited at home; %(profiles)s have a complete profile.",
            "Of %(students)s students in %(schools)s schools, %(screened)s were screened and "
            "%(visited)s were visited at home; %(profiles)s have a complete profile.",
            schools,
        )
    else:
        first = _(
            "Of %(students)s students, %(screened)s were screened and %(visited)s were visited "
            "at home; %(profiles)s have a complete profile."
        )
    sentences = [first % values]
    sentences.append(
        _(
            "Of the screened students, %(normal)s are in the normal group, %(risk)s at risk and "
            "%(problem)s have problems; %(special)s students are special (also counted in their "
            "group). %(not_screened)s students are not screened yet."
        )
        % {
            "normal": paper.pct(view.group_share("normal")),
            "risk": paper.pct(view.group_share("risk")),
            "problem": paper.pct(view.group_share("problem")),
            "special": paper.n(view["special"]),
            "not_screened": paper.n(view.not_screened),
        }
    )
    sentences.append(
        _(
            "%(cared)s of the screened students were suitably helped (target %(cared_target)s), "
            "and %(plans)s of the problem group have a care plan (target %(plans_target)s)."
        )
        % {
            "cared": paper.pct(view.cared_share),
            "cared_target": paper.target(targets.cared),
            "plans": paper.pct(view.plan_share),
            "plans_target": paper.target(targets.plans),
        }
    )
    sentences.append(
        _(
            "Care plans open: %(plans_open)s (%(plans_overdue)s overdue). Referrals sent this "
            "term: %(sent)s (%(external)s outside the school), %(referrals_open)s open. Dropout "
            "cases open: %(dropout_open)s; back in education this year: %(dropout_back)s. "
            "Support given to %(support_students)s students (%(support_amount)s baht)."
        )
        % {
            "plans_open": paper.n(view["plans_open"]),
            "plans_overdue": paper.n(view["plans_overdue"]),
            "sent": paper.n(view["referrals_sent"]),
            "external": paper.n(view["referrals_external"]),
            "referrals_open": paper.n(view["referrals_open"]),
            "dropout_open": paper.n(view["dropout_open"]),
            "dropout_back": paper.n(view["dropout_back"]),
            "support_students": paper.n(view["support_students"]),
            "support_amount": paper.baht(view["support_amount"]),
        }
    )
    if schools is not None and met_all is not None:
        sentences.append(
            ngettext(
                "%(met)s school of %(schools)s met every target.",
                "%(met)s schools of %(schools)s met every target.",
                met_all,
            )
            % {"met": paper.n(met_all), "schools": paper.n(schools)}
        )
    return sentences


def _key_figure_rows(
    view: View, targets, paper: Paper, met_counts: dict[str, int] | None = None
) -> list[dict]:
    """The key figures table: each target figure, its value, the target, met or not (and for a
    district how many schools reach it)."""
    rows = []
    for mark in selectors.marks_for(view, targets).values():
        rows.append(
            {
                "label": mark.label,
                "value": paper.pct(mark.share),
                "target": paper.target(mark.target),
                "met": mark.met,
                "schools": paper.n(met_counts[mark.key]) if met_counts is not None else "",
            }
        )
    return rows


# --- charts --------------------------------------------------------------------------------------
def _group_segments() -> list[charts.Segment]:
    return [
        charts.Segment("normal", str(LEVEL_LABELS["normal"]), charts.NORMAL),
        charts.Segment("risk", str(LEVEL_LABELS["risk"]), charts.RISK),
        charts.Segment("problem", str(LEVEL_LABELS["problem"]), charts.PROBLEM),
        charts.Segment("not_screened", _("Not screened"), charts.NOT_SCREENED),
    ]


def _group_values(view: View) -> dict[str, int]:
    return {
        "normal": view["normal"],
        "risk": view["risk"],
        "problem": view["problem"],
        "not_screened": view.not_screened,
    }


def _groups_chart(rows: list[tuple[str, View]], total: View) -> str:
    return charts.stacked_bars(
        [(label, _group_values(view)) for label, view in rows],
        _group_segments(),
        title=_("Students by care group"),
        legend_counts=_group_values(total),
        extra_legend=[
            _("Special (also counted in a group): %(n)s students") % {"n": f"{total['special']:,}"}
        ],
    )


def _share_chart(rows: list[tuple[str, View]], figure: Figure, targets) -> str:
    target = getattr(targets, figure.target)
    return charts.share_bars(
        [(label, figure.value(view)) for label, view in rows],
        target=target,
        title=figure.header,
        target_label=_("Target %(target)s") % {"target": f"{target}%"},
        met_label=_("Reached the target"),
        below_label=_("Below the target"),
    )


TREND_KEYS = ("screened", "visited", "cared")
TREND_STYLE = {
    "screened": ("#1f4e79", "", "circle"),
    "visited": ("#b71c1c", "6 3", "square"),
    "cared": ("#2e7d32", "2 2", "triangle"),
}


def _trend(points: list[selectors.TrendPoint], paper: Paper) -> dict:
    """The trend chart and its table (the shares per term)."""
    series_defs = [s for s in selectors.TREND_SERIES if s[0] in TREND_KEYS]
    labels = [f"{p.term.number}/{p.term.academic_year.year}" for p in points]
    series = [
        charts.Series(str(label), [fn(p.view) for p in points], *TREND_STYLE[key])
        for key, label, fn in series_defs
    ]
    return {
        "chart": charts.trend_lines(labels, series, title=_("Trend over terms")),
        "terms": [paper.text(label) for label in labels],
        "rows": [
            {"label": label, "cells": [paper.pct(fn(p.view)) for p in points]}
            for _key, label, fn in selectors.TREND_SERIES
        ],
    }


def _chart_figures() -> list[Figure]:
    """The figures drawn as bars per network or grade."""
    return [f for f in _key_figures() if f.key in ("screened", "visited", "cared")]


# --- attendance and behaviour --------------------------------------------------------------------
def conduct_columns() -> list[tuple[str, str, Callable[[View], float | int | None], str]]:
    """The attendance and behaviour figures of the reports' tables and the spreadsheet: (key,
    header, value, kind: share or count). Figures only (dashboards/conduct_figures.py)."""
    low, watch = behaviour_selectors.LOW_SCORE, behaviour_selectors.WATCH_SCORE
    return [
        ("attendance_rate", _("Attendance rate (%)"), lambda v: v.attendance_rate, "share"),
        ("att_missed", _("Days missed"), _count("att_missed"), "count"),
        ("att_absent", _("Days absent"), _count("att_absent"), "count"),
        ("att_flagged", _("Students flagged (open)"), _count("att_flagged"), "count"),
        ("att_flagged_term", _("Students flagged this term"), _count("att_flagged_term"), "count"),
        ("beh_bad", _("Misconduct incidents"), _count("beh_bad"), "count"),
        ("beh_sensitive", _("of which sensitive"), _count("beh_sensitive"), "count"),
        ("beh_good", _("Good deeds"), _count("beh_good"), "count"),
        ("beh_low", _("Conduct score under %(n)s") % {"n": low}, _count("beh_low"), "count"),
        (
            "beh_watch",
            _("Conduct score %(low)s to under %(n)s") % {"low": low, "n": watch},
            _count("beh_watch"),
            "count",
        ),
    ]


def _conduct_sentences(view: View, paper: Paper) -> list[str]:
    return [
        _(
            "Attendance this term: %(rate)s of the school days counted (%(days)s days missed, "
            "%(absent)s of them absent without leave); %(flagged)s students have an attendance "
            "flag open, %(flagged_term)s were flagged this term."
        )
        % {
            "rate": paper.pct(view.attendance_rate),
            "days": paper.n(view["att_missed"]),
            "absent": paper.n(view["att_absent"]),
            "flagged": paper.n(view["att_flagged"]),
            "flagged_term": paper.n(view["att_flagged_term"]),
        },
        _(
            "Behaviour this term: %(bad)s misconduct incidents (%(sensitive)s in sensitive "
            "categories: drugs, sexual behaviour, violence), %(good)s good deeds. Conduct "
            "scores of the year: %(low)s students under %(low_score)s (a correction activity, "
            "the parents called in), %(watch)s from %(low_score)s to under %(watch_score)s."
        )
        % {
            "bad": paper.n(view["beh_bad"]),
            "sensitive": paper.n(view["beh_sensitive"]),
            "good": paper.n(view["beh_good"]),
            "low": paper.n(view["beh_low"]),
            "watch": paper.n(view["beh_watch"]),
            "low_score": paper.n(behaviour_selectors.LOW_SCORE),
            "watch_score": paper.n(behaviour_selectors.WATCH_SCORE),
        },
    ]


def conduct_section(
    rows: list[tuple[str, View]],
    total: View,
    paper: Paper,
    *,
    first_label: str,
    total_label: str,
    leave_out: tuple[str, ...] = ("att_absent", "att_flagged_term"),
    weeks_chart: str = "",
    per_school: bool = False,
) -> dict:
    """The reports' attendance and behaviour: sentences, the incidents per group of categories,
    and a table of the places (classrooms of a school, schools of a district) with their
    figures (``leave_out``: keys of ``conduct_columns`` not in the table)."""
    columns = [c for c in conduct_columns() if c[0] not in leave_out]

    def cells(view: View) -> list[str]:
        return [
            paper.pct(value(view), sign=False) if kind == "share" else paper.n(value(view))
            for _key, _header, value, kind in columns
        ]

    return {
        "sentences": _conduct_sentences(total, paper),
        "groups": [
            (_("Misconduct"), paper.n(total["beh_bad"] - total["beh_sensitive"])),
            (
                _("Sensitive (drugs, sexual behaviour, violence)"),
                paper.n(total["beh_sensitive"]),
            ),
            (_("Good deeds"), paper.n(total["beh_good"])),
        ],
        "headers": [header for _key, header, _value, _kind in columns],
        "first_label": first_label,
        "per_school": per_school,
        "total": {"label": total_label, "cells": cells(total)},
        "rows": [{"label": label, "cells": cells(view)} for label, view in rows],
        "weeks_chart": weeks_chart,
    }


# --- the district report -------------------------------------------------------------------------
def fund_section(*, district, term, paper: Paper) -> dict | None:
    """The district fund of the term's academic year (districts/fund): its budget, the students
    nominated, selected and paid, and the counts per school that nominated. Figures only: the
    nominated students are named on the fund's pages alone. None when the year has no fund."""
    fund = fund_selectors.fund_for_report(district=district, academic_year=term.academic_year)
    if fund is None:
        return None
    figures = fund_selectors.fund_figures(fund)
    rows = fund_selectors.school_rows(fund, only_with_nominations=True)

    def cells(f) -> list[str]:
        return [
            paper.n(f.nominated),
            paper.n(f.waiting),
            paper.n(f.selected),
            paper.n(f.declined),
            paper.n(f.paid_students),
            paper.baht(f.paid),
        ]

    return {
        "title": fund.title,
        "key": [
            (pgettext("fund", "Budget (baht)"), paper.baht(figures.budget)),
            (_("Amount per student (baht)"), paper.baht(figures.amount_per_student)),
            (_("Students nominated"), paper.n(figures.nominated)),
            (_("Students selected"), paper.n(figures.selected)),
            (_("Committed to the selected (baht)"), paper.baht(figures.committed)),
            (pgettext("fund", "Paid (baht)"), paper.baht(figures.paid)),
            (_("Remaining of the budget (baht)"), paper.baht(figures.remaining)),
        ],
        "headers": [
            pgettext("fund", "Nominated"),
            pgettext("fund", "Waiting"),
            pgettext("fund", "Selected"),
            pgettext("fund", "Not selected"),
            pgettext("fund", "Students paid"),
            pgettext("fund", "Paid (baht)"),
        ],
        "total": {"label": _("Whole district"), "cells": cells(figures)},
        "rows": [{"label": r.school.name, "cells": cells(r.figures)} for r in rows],
    }


def early_warning_section(*, district, schools, today: datetime.date, paper: Paper) -> dict:
    """The early warning as it stands on the report's day (docs/early-warning.md): the students
    at high risk and on watch, the schools with any, the warning against the district's own
    reported cases, and the schools with flagged students, high first. Figures only. Three
    queries (the counts; the cases and their weeks when there are cases)."""
    rows, total = warning_selectors.school_rows(schools)
    record = warning_selectors.case_record(
        district=district, school_ids=[s.pk for s in schools], today=today
    )
    flagged = [r for r in rows if r["flagged"]]
    key = [
        (_("Students at high risk"), paper.n(total["high"])),
        (_("Students on watch"), paper.n(total["watch"])),
        (_("Schools with a student at high risk"), paper.n(sum(1 for r in flagged if r["high"]))),
    ]
    if record.counted:
        key += [
            (_("Cases reported (in the last year, with weeks of the warning before)"),
             paper.n(record.counted)),
            (_("Flagged before the report"),
             f"{paper.n(record.flagged)} ({paper.pct(record.flagged_share)})"),
            (_("At high risk before the report"), paper.n(record.high)),
            (_("Weeks ahead (median)"),
             paper.text(f"{record.lead_weeks:g}") if record.lead_weeks is not None else "—"),
        ]  # fmt: skip
    return {
        "date": paper.date(today),
        "key": key,
        "total": {
            "label": _("Whole district"),
            "cells": [paper.n(total["high"]), paper.n(total["watch"])],
        },
        "rows": [
            {"label": r["school"].name, "cells": [paper.n(r["high"]), paper.n(r["watch"])]}
            for r in flagged
        ],
    }


def _network_label(network) -> str:
    return network.name if network is not None else str(_("Schools outside any network"))


def district_report_context(*, district, term, today: datetime.date | None = None) -> dict:
    paper = Paper()
    today = today or timezone.localdate()
    overview = selectors.district_overview(district, term)
    school_ids = [r.school.pk for r in overview.schools]
    points = selectors.trend(school_ids, selectors.trend_terms(term))
    targets = overview.targets
    columns = [
        *_key_figures(),
        Figure("risk", str(LEVEL_LABELS["risk"]), _count("risk"), share=False),
        Figure("problem", str(LEVEL_LABELS["problem"]), _count("problem"), share=False),
    ]
    met_all = sum(1 for r in overview.schools if meets_every_target(r.view, r.marks))

    rows_by_network: dict[int | None, list] = {}
    for row in overview.schools:
        rows_by_network.setdefault(row.school.network_id, []).append(row)
    networks = []
    for network_row in overview.networks:
        key = network_row.network.pk if network_row.network is not None else None
        schools = rows_by_network.get(key, [])
        networks.append(
            {
                "name": _network_label(network_row.network),
                "schools_text": ngettext(
                    "%(schools)s school, %(students)s students",
                    "%(schools)s schools, %(students)s students",
                    network_row.school_count,
                )
                % {
                    "schools": paper.n(network_row.school_count),
                    "students": paper.n(network_row.view.students),
                },
                "total": _row(
                    _("Network total"),
                    network_row.view,
                    columns,
                    targets,
                    paper,
                    met=_targets_met_text(network_row.marks, paper),
                ),
                "rows": [
                    _row(
                        r.school.name,
                        r.view,
                        columns,
                        targets,
                        paper,
                        met=_targets_met_text(r.marks, paper),
                    )
                    for r in schools
                ],
            }
        )

    network_views = [(_network_label(n.network), n.view) for n in overview.networks]
    group_rows = [(_("Whole district"), overview.total), *network_views]
    trend = _trend(points, paper)
    return {
        "paper": paper,
        "title": district_report_title(),
        "district": district,
        "term": term_text(term),
        "printed_on": paper.date(today),
        "as_of": format_datetime(overview.as_of) if overview.as_of else "",
        "school_count": paper.n(overview.school_count),
        "sentences": _summary_sentences(
            overview.total, targets, paper, schools=overview.school_count, met_all=met_all
        ),
        "key_figures": _key_figure_rows(overview.total, targets, paper, overview.met_counts),
        "groups_chart": _groups_chart(group_rows, overview.total),
        "share_charts": [
            {"title": f.header, "svg": _share_chart(network_views, f, targets)}
            for f in _chart_figures()
        ],
        "trend": trend,
        "columns": columns,
        "networks": networks,
        "total": _row(
            _("Whole district"),
            overview.total,
            columns,
            targets,
            paper,
            met=_targets_met_text(overview.total_marks, paper),
        ),
        "conduct": conduct_section(
            [(r.school.name, r.view) for r in overview.schools],
            overview.total,
            paper,
            first_label=_("School"),
            total_label=_("Whole district"),
            per_school=True,
        ),
        "fund": fund_section(district=district, term=term, paper=paper),
        "early_warning": early_warning_section(
            district=district,
            schools=[r.school for r in overview.schools],
            today=today,
            paper=paper,
        ),
        "_overview": overview,
    }


def _render(template: str, context: dict, *, school=None, progress: Progress, pages: int):
    """HTML, then PDF; the layout's progress from 10 to 99%."""
    from carecore.pdf import document_context, html_to_pdf

    html = render_to_string(template, {"pdf": document_context(school=school), **context})
    progress(10)
    return html_to_pdf(
        html,
        school=school,
        progress=lambda value: progress(10 + value * 89 // 100),
        pages=pages,
    )


def district_report_pdf(*, district, term, progress: Progress = _no_progress) -> bytes:
    context = district_report_context(district=district, term=term)
    progress(5)
    schools = len(context["_overview"].schools)
    pages = 4 + schools // 26 + len(context["networks"]) // 3
    return _render("dashboards/pdf/district_report.html", context, progress=progress, pages=pages)


# --- the school report ---------------------------------------------------------------------------
def school_report_context(*, school, term, today: datetime.date | None = None) -> dict:
    paper = Paper(thai_digits=school.document_thai_digits)
    today = today or timezone.localdate()
    targets = selectors.district_targets(school.district)
    counts = figures.compute(school_ids=[school.pk], term=term, today=today)[school.pk]
    points = selectors.trend([school.pk], selectors.trend_terms(term))
    total = View(counts.total)
    columns = [
        *_key_figures(),
        *(
            Figure(level, str(LEVEL_LABELS[level]), _count(level), share=False)
            for level in figures.LEVELS
        ),
        Figure("special", _("Special"), _count("special"), share=False),
        Figure("not_screened", _("Not screened"), lambda v: v.not_screened, share=False),
    ]
    grades = [(Grade(g).label, View(c)) for g, c in sorted(counts.grades.items())]
    rooms = {
        c.pk: c
        for c in Classroom.objects.filter(school=school, pk__in=list(counts.classrooms))
        .order_by("grade", "room")
        .only("pk", "grade", "room")
    }
    classrooms = [(str(room), View(counts.classrooms[pk])) for pk, room in rooms.items()]

    # The trend from the rollups, the report's own term as computed now.
    for point in points:
        if point.term.pk == term.pk:
            point.view = total
    return {
        "paper": paper,
        "title": _("Report on the student care and support system of the school"),
        "school": school,
        "term": paper.text(term_text(term)),
        "printed_on": paper.date(today),
        "sentences": _summary_sentences(total, targets, paper),
        "key_figures": _key_figure_rows(total, targets, paper),
        "groups_chart": _groups_chart([(_("Whole school"), total), *grades], total),
        "share_charts": [
            {"title": f.header, "svg": _share_chart(grades, f, targets)} for f in _chart_figures()
        ],
        "trend": _trend(points, paper),
        "columns": columns,
        "grades": [_row(label, view, columns, targets, paper) for label, view in grades],
        "classrooms": [_row(label, view, columns, targets, paper) for label, view in classrooms],
        "total": _row(_("Whole school"), total, columns, targets, paper),
        "aspects": [
            {
                "label": ASPECT_LABELS[aspect],
                "risk": paper.n(risk),
                "problem": paper.n(problem),
            }
            for aspect, risk, problem in total.aspects()
        ],
        "other": [
            *((label, paper.n(total[key])) for key, label, on_paper in _care_figures() if on_paper),
            (_("Support (baht)"), paper.baht(total["support_amount"])),
        ],
        "conduct": conduct_section(
            classrooms,
            total,
            paper,
            first_label=_("Classroom"),
            total_label=_("Whole school"),
            # Flags are counted per school, not per classroom.
            leave_out=("att_absent", "att_flagged", "att_flagged_term"),
            weeks_chart=_weeks_chart(school, term, today, total),
        ),
        "_rows": len(grades) + len(classrooms),
    }


def _weeks_chart(school, term, today, total: View) -> str:
    from dashboards.school_conduct import week_chart, weeks_of

    weeks = weeks_of(school.pk, term, today, total.students)
    return week_chart(weeks) if any(w.student_days for w in weeks) else ""


def school_report_pdf(*, school, term, progress: Progress = _no_progress) -> bytes:
    context = school_report_context(school=school, term=term)
    progress(5)
    return _render(
        "dashboards/pdf/school_report.html",
        context,
        school=school,
        progress=progress,
        pages=4 + context["_rows"] // 30,
    )


# --- the district report as a spreadsheet --------------------------------------------------------
@dataclass(frozen=True)
class SheetColumn:
    header: str
    value: Callable[[View], float | int | None]
    kind: str = "count"  # count, share (percent), baht


def _sheet_columns() -> list[SheetColumn]:
    """Every count, and each share beside what it counts."""

    def pct(label):
        return _("%(figure)s (%%)") % {"figure": label}

    columns = [SheetColumn(_("Students"), _count("students"))]
    for key, label, share in (
        ("screened", _("Screened"), lambda v: v.screened_share),
        ("visited", _("Home visits"), lambda v: v.visited_share),
        ("profile_done", _("Profiles complete"), lambda v: v.profile_share),
        ("cared", _("Suitably helped"), lambda v: v.cared_share),
    ):
        columns += [SheetColumn(label, _count(key)), SheetColumn(pct(label), share, "share")]
    columns.append(SheetColumn(_("Not screened"), lambda v: v.not_screened))
    for group in figures.GROUPS:
        label = LEVEL_LABELS[group] if group in LEVEL_LABELS else _("Special")
        columns += [
            SheetColumn(label, _count(group)),
            SheetColumn(pct(label), lambda v, g=group: v.group_share(g), "share"),
            SheetColumn(_("%(group)s: helped") % {"group": label}, _count(f"{group}_cared")),
            SheetColumn(
                _("%(group)s: helped (%%)") % {"group": label},
                lambda v, g=group: v.cared_share_of(g),
                "share",
            ),
        ]
    label = _("Problem group with a plan")
    columns += [
        SheetColumn(label, _count("problem_with_plan")),
        SheetColumn(pct(label), lambda v: v.plan_share, "share"),
    ]
    for form, label in (
        ("teacher", _("SDQ teacher")),
        ("parent", _("SDQ parent")),
        ("student", _("SDQ self-report")),
        ("eq", _("EQ")),
    ):
        columns += [
            SheetColumn(_("%(form)s: due") % {"form": label}, _count(f"{form}_due")),
            SheetColumn(_("%(form)s: done") % {"form": label}, _count(f"{form}_done")),
            SheetColumn(pct(label), lambda v, f=form: v.form_share(f), "share"),
        ]
    for key, label, _on_paper in _care_figures():
        columns.append(SheetColumn(label, _count(key)))
    columns.append(SheetColumn(_("Support (baht)"), _count("support_amount"), "baht"))
    columns += [SheetColumn(header, value, kind) for _key, header, value, kind in conduct_columns()]
    return columns


def _care_figures() -> list[tuple[str, str, bool]]:
    """The counts of care plans, referrals, dropout cases and support, in the order shown:
    (the figure's key, its label, whether the school's paper report shows it; the spreadsheet
    shows them all)."""
    return [
        ("plans_open", _("Care plans open"), True),
        ("plans_overdue", _("Care plans overdue"), True),
        ("plans_opened", _("Care plans opened this term"), True),
        ("plans_closed", _("Care plans closed this term"), True),
        ("referrals_sent", _("Referrals sent this term"), True),
        ("referrals_external", _("Referrals outside the school"), True),
        ("referrals_open", _("Referrals open"), True),
        ("referrals_overdue", _("Referrals overdue"), True),
        ("referrals_closed", _("Referrals closed this term"), False),
        ("dropout_open", _("Dropout cases open"), True),
        ("dropout_late", _("Dropout cases late"), False),
        ("dropout_back", _("Back in education this year"), True),
        ("support_students", _("Students supported"), True),
        ("support_records", _("Support records"), False),
    ]


def _xlsx_value(column: SheetColumn, view: View):
    value = column.value(view)
    if column.kind == "share":
        # A fraction shown as a percent by the cell's format (95.2% is 0.952).
        return None if value is None else round(value / 100, 4)
    return value


def _table(sheet, header: list[str], rows: list[list], formats: dict[int, str]) -> None:
    """A table from the sheet's first row (``xlsx_table``), its formatted columns 12 wide and its
    header row tall enough for the wrapped headers."""
    from openpyxl.utils import get_column_letter

    widths = {get_column_letter(index): 12 for index in formats}
    xlsx_table(sheet, header, rows, formats=formats, widths=widths)
    sheet.row_dimensions[1].height = 48


FORMATS = {"share": "0.0%", "count": "#,##0", "baht": "#,##0"}


def district_report_xlsx(*, district, term, progress: Progress = _no_progress) -> bytes:
    """Four sheets: the summary (key figures against the targets), one row per school (every
    count and share, with its network and size), one row per network and the district, and the
    early warning per school as it stands today (students at high risk and on watch)."""
    import openpyxl
    from openpyxl.styles import Font

    overview = selectors.district_overview(district, term)
    progress(30)
    targets = overview.targets
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)

    # Summary
    summary = workbook.create_sheet(_("Summary")[:31])
    header = [
        _("Figure"),
        _("Whole district"),
        _("Target"),
        _("Schools reaching the target"),
        _("Schools"),
    ]
    rows = []
    for mark in selectors.marks_for(overview.total, targets).values():
        rows.append(
            [
                str(mark.label),
                None if mark.share is None else round(mark.share / 100, 4),
                mark.target / 100,
                overview.met_counts[mark.key],
                overview.school_count,
            ]
        )
    _table(summary, header, rows, {2: FORMATS["share"], 3: "0%", 4: "#,##0", 5: "#,##0"})
    summary.column_dimensions["A"].width = 36
    summary.append([])
    met_all = sum(1 for r in overview.schools if meets_every_target(r.view, r.marks))
    for label, value in (
        (district.name, None),
        (term_text(term), None),
        (_("Schools meeting every target"), met_all),
        (_("Figures as of"), format_datetime(overview.as_of) if overview.as_of else ""),
        (_("Printed on"), format_date(timezone.localdate(), "long")),
    ):
        summary.append(xlsx_row(summary, [label, value]))
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)

    columns = _sheet_columns()
    figure_formats = {index: FORMATS[c.kind] for index, c in enumerate(columns, start=1)}

    # Schools
    schools = workbook.create_sheet(_("Schools")[:31])
    lead = [_("School code"), _("School"), _("Network"), _("Size")]
    rows = []
    for r in overview.schools:
        rows.append(
            [
                r.school.code,
                r.school.name,
                _network_label(r.network),
                str(r.size_label),
                *(_xlsx_value(c, r.view) for c in columns),
                sum(1 for m in r.marks.values() if m.met),
            ]
        )
    _table(
        schools,
        [*lead, *(c.header for c in columns), _("Targets met")],
        rows,
        {i + len(lead): f for i, f in figure_formats.items()},
    )
    schools.column_dimensions["B"].width = 36
    schools.column_dimensions["C"].width = 28
    progress(70)

    # Networks, then the whole district
    networks = workbook.create_sheet(_("Networks")[:31])
    rows = [
        [_network_label(n.network), n.school_count, *(_xlsx_value(c, n.view) for c in columns)]
        for n in overview.networks
    ]
    rows.append(
        [
            _("Whole district"),
            overview.school_count,
            *(_xlsx_value(c, overview.total) for c in columns),
        ]
    )
    _table(
        networks,
        [_("Network"), _("Schools"), *(c.header for c in columns)],
        rows,
        {i + 2: f for i, f in figure_formats.items()},
    )
    networks.cell(row=networks.max_row, column=1).font = Font(bold=True)
    networks.column_dimensions["A"].width = 36

    # The early warning as it stands today (not per term): every school, figures only.
    warning = workbook.create_sheet(_("Early warning")[:31])
    counts = warning_selectors.school_counts(school_ids=[r.school.pk for r in overview.schools])
    rows = [
        [
            r.school.code,
            r.school.name,
            _network_label(r.network),
            counts[r.school.pk]["high"],
            counts[r.school.pk]["watch"],
        ]
        for r in overview.schools
    ]
    rows.append(
        [
            None,
            _("Whole district"),
            None,
            sum(c["high"] for c in counts.values()),
            sum(c["watch"] for c in counts.values()),
        ]
    )
    _table(
        warning,
        [_("School code"), _("School"), _("Network"), _("High risk"), _("Watch")],
        rows,
        {4: FORMATS["count"], 5: FORMATS["count"]},
    )
    warning.cell(row=warning.max_row, column=2).font = Font(bold=True)
    warning.column_dimensions["B"].width = 36
    warning.column_dimensions["C"].width = 28
    return xlsx_bytes(workbook)
