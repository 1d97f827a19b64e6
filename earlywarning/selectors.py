"""Reads of the early warning (docs/early-warning.md), each a fixed number of queries.

- ``district_params(district)``: the district's ``Params`` and settings revision (defaults: 0);
- ``school_results``: the flagged students of a school (watch or high), with their classroom
  this year, for the school's list (optionally one level, some classrooms);
- ``student_result`` and ``student_trend``: one student's result and weekly levels;
- ``school_counts``: watch and high per school, for network and district pages (no names);
- ``annotate_warning``: the class list's column as Subquery annotations (no extra query; what
  the next step depends on is ``extensions.step_facts``, subqueries too);
- ``week_of``: the Monday a weekly snapshot is keyed by.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django_scopes import scopes_disabled

from earlywarning.model import LEVEL_HIGH, LEVEL_WATCH, Params
from earlywarning.models import WarningResult, WarningSettings, WarningSnapshot
from students.models import Enrolment

FLAGGED = (LEVEL_WATCH, LEVEL_HIGH)


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
