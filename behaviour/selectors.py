"""Reads of behaviour and conduct points (docs/behaviour.md): the public API the portal and the
dashboards use.

The score rule (``conduct_score``): a student starts each academic year with 100 points;
misconduct takes its points off, good deeds add theirs, and behaviour-correction activities give
back points, never more than were taken off that year (so they alone never carry the score above
100; good deeds may). The score never goes below 0. Cancelled incidents count for nothing.
The score counts every incident, sensitive ones too (it is the school's one score); lists show
the sensitive ones only to the roles that see them.

Every function runs a fixed number of queries, whatever the size of the classroom or school;
call them inside the school's scope (``django_scopes.scope(school=...)``), as views are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth

from behaviour.models import Category, Correction, Incident, Kind
from schools.models import AcademicYear, Classroom
from students.models import Enrolment, Student

START_POINTS = 100
# Below LOW_SCORE a student needs a behaviour-correction activity and the parents are called in;
# below WATCH_SCORE the homeroom teacher keeps an eye on them (the usual bands of Thai schools'
# rules; the summaries count the students in each).
LOW_SCORE = 60
WATCH_SCORE = 80


def conduct_score(*, deducted: int, added: int, restored: int) -> int:
    """The rule, in Python (the same as ``_score_expression`` in SQL)."""
    return max(0, START_POINTS - deducted + min(restored, deducted) + added)


@dataclass(frozen=True)
class Conduct:
    deducted: int = 0
    added: int = 0
    restored: int = 0

    @property
    def restored_counted(self) -> int:
        return min(self.restored, self.deducted)

    @property
    def restorable(self) -> int:
        """Points a correction activity may still give back this year."""
        return self.deducted - self.restored_counted

    @property
    def score(self) -> int:
        return conduct_score(deducted=self.deducted, added=self.added, restored=self.restored)

    @property
    def band(self) -> str:
        return band(self.score)


def band(score: int) -> str:
    """ "low" (under LOW_SCORE), "watch" (under WATCH_SCORE) or "good"."""
    if score < LOW_SCORE:
        return "low"
    if score < WATCH_SCORE:
        return "watch"
    return "good"


# --- the score in SQL --------------------------------------------------------------------------
def _per_student(model, figure, academic_year, student_ref: str, **filters):
    """``figure`` (a sum, a count) over the student's rows of ``model`` in the academic year
    that match ``filters``, as a subquery of the row naming the student; 0 when there are none."""
    rows = (
        model.objects.filter(student_id=OuterRef(student_ref), academic_year=academic_year)
        .filter(**filters)
        .order_by()
        .values("student_id")
        .annotate(figure=figure)
        .values("figure")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_conduct(qs: QuerySet, academic_year, *, student_ref: str = "pk", see_sensitive=True):
    """Annotate students (or rows naming one through ``student_ref``) with their year's
    ``deducted``, ``added``, ``restored`` and ``score``, and the counts of bad and good
    incidents (``bad_count`` leaves out sensitive ones unless ``see_sensitive``): part of the
    same query."""
    live = {"cancelled_at__isnull": True}
    bad_filter = (
        {"kind": Kind.BAD} if see_sensitive else {"kind": Kind.BAD, "category__sensitive": False}
    )

    def of_year(model, figure, **filters):
        return _per_student(model, figure, academic_year, student_ref, **filters)

    qs = qs.annotate(
        deducted=of_year(Incident, Sum("points"), kind=Kind.BAD, **live),
        added=of_year(Incident, Sum("points"), kind=Kind.GOOD, **live),
        restored=of_year(Correction, Sum("points")),
        bad_count=of_year(Incident, Count("pk"), **bad_filter, **live),
        good_count=of_year(Incident, Count("pk"), kind=Kind.GOOD, **live),
    )
    return qs.annotate(
        score=Greatest(
            Value(START_POINTS) - F("deducted") + Least(F("restored"), F("deducted")) + F("added"),
            Value(0),
        )
    )


# --- one student -------------------------------------------------------------------------------
def student_conduct(student: Student, academic_year) -> Conduct:
    """The student's points in ``academic_year`` (one query)."""
    row = (
        with_conduct(Student.objects.filter(pk=student.pk), academic_year)
        .values("deducted", "added", "restored")
        .first()
    )
    return Conduct(**row) if row else Conduct()


@dataclass
class StudentBehaviour:
    conduct: Conduct
    incidents: list[Incident]
    corrections: list[Correction]
    # Sensitive incidents the user may not see: how many, and the points they took off.
    hidden_count: int = 0
    hidden_points: int = 0


def student_behaviour(
    *, student: Student, academic_year, visible: QuerySet[Incident]
) -> StudentBehaviour:
    """A student's year: their points, the incidents in ``visible`` (the user's, from
    ``behaviour.access.visible_incidents``; cancelled ones too, struck out), the correction
    activities, and what the hidden ones took off (four queries)."""
    incidents = list(
        visible.filter(student=student, academic_year=academic_year).select_related(
            "category", "recorded_by", "cancelled_by"
        )
    )
    hidden = (
        Incident.objects.filter(
            student=student, academic_year=academic_year, cancelled_at__isnull=True
        )
        .exclude(pk__in=visible.filter(student=student).values("pk"))
        .aggregate(n=Count("pk"), points=Sum("points", filter=Q(kind=Kind.BAD)))
    )
    corrections = list(
        Correction.objects.filter(student=student, academic_year=academic_year).select_related(
            "approved_by"
        )
    )
    return StudentBehaviour(
        conduct=student_conduct(student, academic_year),
        incidents=incidents,
        corrections=corrections,
        hidden_count=hidden["n"] or 0,
        hidden_points=hidden["points"] or 0,
    )


def student_years(student: Student, *, current=None) -> list[AcademicYear]:
    """The academic years the student has incidents or correction activities in, and
    ``current``, newest first (one query)."""
    with_entries = Q(
        pk__in=Incident.objects.filter(student=student).values("academic_year_id")
    ) | Q(pk__in=Correction.objects.filter(student=student).values("academic_year_id"))
    if current is not None:
        with_entries |= Q(pk=current.pk)
    return list(AcademicYear.objects.filter(with_entries).order_by("-year"))


def parent_notices(student: Student, academic_year) -> QuerySet[Incident]:
    """The incidents the student's parents are shown (their portal): those of a category that
    tells the parent, never a sensitive one (the counsellor tells the parent in person), not
    cancelled. A parent page shows the date, the category, good or bad, and the points, never
    the teacher's note (it may name other children)."""
    return (
        Incident.objects.filter(
            student=student,
            academic_year=academic_year,
            cancelled_at__isnull=True,
            category__tell_parent=True,
            category__sensitive=False,
        )
        .select_related("category")
        .order_by("-date", "-pk")
    )


# --- a classroom ---------------------------------------------------------------------------------
def classroom_summary(*, classroom: Classroom, see_sensitive: bool) -> list[Enrolment]:
    """The classroom's students in number order, each with their points and counts (one
    query)."""
    return list(
        with_conduct(
            Enrolment.objects.filter(classroom=classroom).select_related("student"),
            classroom.academic_year_id,
            student_ref="student_id",
            see_sensitive=see_sensitive,
        ).order_by("number")
    )


# --- a school ----------------------------------------------------------------------------------
@dataclass
class ClassroomFigures:
    classroom: Classroom
    students: int = 0
    bad: int = 0
    good: int = 0
    low: int = 0
    watch: int = 0
    score_total: int = 0

    @property
    def average(self) -> float | None:
        return self.score_total / self.students if self.students else None


@dataclass
class SchoolSummary:
    rows: list[ClassroomFigures]
    total: ClassroomFigures
    # (category, number of incidents this year), bad then good; sensitive ones only for
    # those who see them.
    categories: list[tuple[Category, int]] = field(default_factory=list)


def school_summary(
    *, school, academic_year, classroom_ids: list[int] | None = None, see_sensitive: bool
) -> SchoolSummary:
    """Per classroom of the year (all, or ``classroom_ids``): students, incidents bad and good,
    students under LOW_SCORE and under WATCH_SCORE, the average score; and the year's
    incidents per category (two queries)."""
    enrolments = Enrolment.objects.filter(
        classroom__school=school, academic_year=academic_year
    ).select_related("classroom")
    if classroom_ids is not None:
        enrolments = enrolments.filter(classroom_id__in=classroom_ids)
    annotated = with_conduct(
        enrolments, academic_year, student_ref="student_id", see_sensitive=see_sensitive
    ).order_by("classroom__grade", "classroom__room")
    by_room: dict[int, ClassroomFigures] = {}
    total = ClassroomFigures(classroom=None)
    for e in annotated:
        row = by_room.setdefault(e.classroom_id, ClassroomFigures(classroom=e.classroom))
        for figures in (row, total):
            figures.students += 1
            figures.bad += e.bad_count
            figures.good += e.good_count
            figures.low += e.score < LOW_SCORE
            figures.watch += LOW_SCORE <= e.score < WATCH_SCORE
            figures.score_total += e.score
    incidents = Incident.objects.filter(
        school=school, academic_year=academic_year, cancelled_at__isnull=True
    )
    if classroom_ids is not None:
        incidents = incidents.filter(classroom_id__in=classroom_ids)
    categories = Category.objects.filter(school=school).annotate(
        n=Count("incidents", filter=Q(incidents__in=incidents))
    )
    if not see_sensitive:
        categories = categories.filter(sensitive=False)
    return SchoolSummary(
        rows=list(by_room.values()),
        total=total,
        categories=[(c, c.n) for c in categories if c.n],
    )


def monthly_counts(*, school, academic_year) -> list[dict]:
    """The year's incidents per month, bad and good (sensitive ones counted, no detail): for
    the dashboards' trends (one query). Each: {"month": date, "bad": n, "good": n}."""
    rows = (
        Incident.objects.filter(
            school=school, academic_year=academic_year, cancelled_at__isnull=True
        )
        .annotate(month=TruncMonth("date"))
        .order_by("month")
        .values("month")
        .annotate(
            bad=Count("pk", filter=Q(kind=Kind.BAD)), good=Count("pk", filter=Q(kind=Kind.GOOD))
        )
    )
    return [
        {
            "month": r["month"] if isinstance(r["month"], datetime.date) else r["month"].date(),
            "bad": r["bad"],
            "good": r["good"],
        }
        for r in rows
    ]


def schools_figures(*, school_ids: list[int], academic_year) -> dict[int, dict]:
    """For rolled-up dashboards (district, network): per school, the year's incidents bad and
    good and the students under LOW_SCORE (two queries)."""
    figures: dict[int, dict] = defaultdict(lambda: {"bad": 0, "good": 0, "low": 0})
    for row in (
        Incident.objects.filter(
            school_id__in=school_ids, academic_year=academic_year, cancelled_at__isnull=True
        )
        .order_by()
        .values("school_id")
        .annotate(
            bad=Count("pk", filter=Q(kind=Kind.BAD)), good=Count("pk", filter=Q(kind=Kind.GOOD))
        )
    ):
        figures[row["school_id"]].update(bad=row["bad"], good=row["good"])
    # Only a student with points taken off can be under LOW_SCORE.
    penalised = Incident.objects.filter(
        school_id__in=school_ids, academic_year=academic_year, kind=Kind.BAD
    ).values("student_id")
    low = (
        with_conduct(Student.objects.filter(pk__in=penalised), academic_year)
        .filter(score__lt=LOW_SCORE)
        .order_by()
        .values("school_id")
        .annotate(n=Count("pk"))
    )
    for row in low:
        figures[row["school_id"]]["low"] = row["n"]
    return {school_id: dict(figures[school_id]) for school_id in school_ids}
