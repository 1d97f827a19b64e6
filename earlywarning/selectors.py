"""Reads of the early warning (docs/early-warning.md), each a fixed number of queries.

- ``district_params(district)``: the district's ``Params`` and settings revision (defaults: 0);
- ``school_results``: the flagged students of a school (watch or high), with their classroom
  this year, for the school's list (optionally one level, some classrooms);
- ``student_result`` and ``student_trend``: one student's result and weekly levels;
- ``school_counts``: watch and high per school, for network and district pages (no names);
  ``school_rows``: the same as rows with their totals, high risk first;
- ``case_record``: how the warning did against a place's own dropout cases (figures only);
- ``annotate_warning``: the class list's column as Subquery annotations (no extra query; what
  the next step depends on is ``extensions.step_facts``, subqueries too);
- ``week_of``: the Monday a weekly snapshot is keyed by.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django_scopes import scopes_disabled

from dropouts.models import DropoutCase
from earlywarning.model import LEVEL_HIGH, LEVEL_WATCH, Params
from earlywarning.models import WarningResult, WarningSettings, WarningSnapshot
from students.models import Enrolment

FLAGGED = (LEVEL_WATCH, LEVEL_HIGH)
# The case record looks back as far as the simulated cohort's horizon (docs/early-warning.md,
# "What is counted"), over the cases reported in the last year.
HINDSIGHT = datetime.timedelta(weeks=12)
RECORD_PERIOD = datetime.timedelta(days=365)


def district_settings(district) -> WarningSettings | None:
    return WarningSettings.objects.filter(district=district).first()


def district_params(district) -> tuple[Params, int]:
    """The params the district's students are evaluated with, and their revision (0: the
    defaults, no settings saved)."""
    row = WarningSettings.objects.filter(district_id=getattr(district, "pk", district)).first()
    if row is None:
        return Params(), 0
    return Params.from_dict(row.params), row.revision


def _classroom_of(academic_year, field: str):
    return Subquery(
        Enrolment.objects.filter(student=OuterRef("student"), academic_year=academic_year).values(
            field
        )[:1]
    )


def school_results(
    *, school, academic_year, level: str | None = None, classroom_ids=None
) -> QuerySet[WarningResult]:
    """The flagged students of ``school`` (``level``: "watch" or "high", else both), highest
    score first, each with ``student`` and ``classroom_id`` (this academic year's); only those
    in ``classroom_ids`` when given (a homeroom teacher's own classrooms)."""
    qs = (
        WarningResult.objects.filter(school=school, level__in=[level] if level else FLAGGED)
        .select_related("student")
        .annotate(classroom_id=_classroom_of(academic_year, "classroom_id"))
        .order_by("-score", "student__first_name", "student__last_name", "pk")
    )
    if classroom_ids is not None:
        qs = qs.filter(classroom_id__in=list(classroom_ids))
    return qs


def student_result(*, student) -> WarningResult | None:
    return WarningResult.objects.filter(student=student).first()


def student_trend(*, student, weeks: int = 12) -> list[WarningSnapshot]:
    """The student's last ``weeks`` weekly levels, oldest first."""
    rows = list(WarningSnapshot.objects.filter(student=student).order_by("-week")[:weeks])
    return rows[::-1]


def school_counts(*, school_ids) -> dict[int, dict[str, int]]:
    """{school_id: {"watch": n, "high": n}} for the schools given (every one, zeros included):
    figures only, for network and district staff."""
    counts = {sid: {LEVEL_WATCH: 0, LEVEL_HIGH: 0} for sid in school_ids}
    with scopes_disabled():  # the schools were chosen by the caller through the access layer
        rows = (
            WarningResult.objects.filter(school_id__in=list(counts), level__in=FLAGGED)
            .values("school_id", "level")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            counts[row["school_id"]][row["level"]] = row["n"]
    return counts


def school_rows(schools) -> tuple[list[dict], dict]:
    """Each of ``schools`` with its students on watch and at high risk and both together
    (``flagged``), high risk first (then the most flagged; otherwise the order given), and the
    totals: the district's and network's counts page and the district report. One query."""
    counts = school_counts(school_ids=[s.pk for s in schools])
    rows = [
        {
            "school": s,
            "watch": counts[s.pk][LEVEL_WATCH],
            "high": counts[s.pk][LEVEL_HIGH],
            "flagged": counts[s.pk][LEVEL_WATCH] + counts[s.pk][LEVEL_HIGH],
        }
        for s in schools
    ]
    rows.sort(key=lambda r: (-r["high"], -r["flagged"]))
    total = {key: sum(r[key] for r in rows) for key in ("watch", "high", "flagged")}
    return rows, total


@dataclass(frozen=True)
class CaseRecord:
    """How the warning did against the dropout cases a place reported itself: the real check
    that the simulated cohort stands in for until a district has its own year."""

    cases: int  # about enrolled students of the place's schools, reported in the period
    counted: int  # of which the warning had a week of the student in the 12 weeks before
    flagged: int  # of those, watch or high on a week that ended before the report
    high: int  # of those, high on such a week
    lead_weeks: float | None  # the median weeks from the first such flag to the report
    since: datetime.date

    @property
    def not_counted(self) -> int:
        return self.cases - self.counted

    @property
    def flagged_share(self) -> float | None:
        """Flagged before the report, in percent of the cases counted."""
        return 100 * self.flagged / self.counted if self.counted else None

    @property
    def flagged_percent(self) -> int | None:
        return round(self.flagged_share) if self.counted else None


def case_record(*, district, school_ids, today: datetime.date) -> CaseRecord:
    """The dropout cases about students of ``school_ids`` reported in the year up to ``today``,
    and whether the warning flagged each on a week that had ended before the report (a week's
    snapshot holds its last night's level, so the report's own week does not count), looking
    back 12 weeks. A case whose student has no week in that window (reported before the
    warning ran) is left out of the figures and counted apart. Two queries, figures only."""
    since = today - RECORD_PERIOD
    with scopes_disabled():  # the schools were chosen by the caller through the access layer
        cases = list(
            DropoutCase.objects.filter(
                district=district,
                student__isnull=False,
                student__school_id__in=list(school_ids),
                reported_on__gte=since,
                reported_on__lte=today,
            ).values_list("student_id", "reported_on")
        )
        if not cases:
            return CaseRecord(0, 0, 0, 0, None, since)
        weeks = defaultdict(list)
        snapshots = WarningSnapshot.objects.filter(
            student_id__in={student for student, _day in cases},
            week__gte=min(day for _student, day in cases) - HINDSIGHT,
        ).values_list("student_id", "week", "level")
        for student, week, level in snapshots:
            weeks[student].append((week, level))
    counted = flagged = high = 0
    leads = []
    for student, reported_on in cases:
        before = [
            (week, level)
            for week, level in weeks[student]
            if reported_on - HINDSIGHT <= week <= reported_on - datetime.timedelta(days=7)
        ]
        if not before:
            continue
        counted += 1
        flags = sorted(week for week, level in before if level in FLAGGED)
        if flags:
            flagged += 1
            high += any(level == LEVEL_HIGH for _week, level in before)
            leads.append((reported_on - flags[0]).days // 7)
    lead = statistics.median(leads) if leads else None
    return CaseRecord(len(cases), counted, flagged, high, lead, since)


def annotate_warning(qs: QuerySet, *, student_ref: str = "student") -> QuerySet:
    """``warning_level``, ``warning_score`` and ``warning_reasons`` on each row of ``qs`` (rows
    about a student, e.g. the class list's enrolments), as Subquery annotations of the same
    query: the column adds no query."""
    result = WarningResult.objects.filter(student=OuterRef(student_ref))
    return qs.annotate(
        warning_level=Subquery(result.values("level")[:1]),
        warning_score=Subquery(result.values("score")[:1]),
        warning_reasons=Subquery(result.values("reasons")[:1]),
    )


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week: the key of a weekly snapshot."""
    return day - datetime.timedelta(days=day.weekday())
