"""Reads of home visits: each student's visit this year, and progress per classroom and school.

A student counts as visited in an academic year when they have a visit marked done in that year
(a draft does not count). Every function here runs a fixed number of queries, whatever the size
of the classroom or school.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from schools.models import Classroom
from students.models import Enrolment
from visits.models import HomeVisit


def _done_visits(academic_year, student_ref: str = "student_id") -> QuerySet[HomeVisit]:
    return HomeVisit.objects.filter(
        student_id=OuterRef(student_ref),
        academic_year=academic_year,
        status=HomeVisit.Status.DONE,
    )


def with_visit_status(enrolments: QuerySet[Enrolment], academic_year) -> QuerySet[Enrolment]:
    """Annotate each enrolment with its student's latest done visit this year (date, mode, id)
    and whether a draft is waiting: part of the same query, so a list stays one query."""
    done = _done_visits(academic_year).order_by("-date", "-pk")
    drafts = HomeVisit.objects.filter(
        student_id=OuterRef("student_id"),
        academic_year=academic_year,
        status=HomeVisit.Status.DRAFT,
    )
    return enrolments.annotate(
        visit_date=Subquery(done.values("date")[:1]),
        visit_mode=Subquery(done.values("mode")[:1]),
        visit_id=Subquery(done.values("pk")[:1]),
        visit_draft_id=Subquery(drafts.order_by("-modified").values("pk")[:1]),
    )


class _Share:
    """The share of students visited, of a classroom or of the school."""

    @property
    def share(self) -> float:
        return self.visited / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        # Rounded down: 100% only when every student was visited.
        return int(self.share * 100)


@dataclass
class ClassroomProgress(_Share):
    classroom: Classroom
    total: int
    visited: int
    drafts: int
    remote: int = 0
    behind: bool = False

    @property
    def not_visited(self) -> int:
        return self.total - self.visited


@dataclass
class SchoolProgress(_Share):
    rows: list[ClassroomProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)

    @property
    def visited(self) -> int:
        return sum(r.visited for r in self.rows)

    @property
    def drafts(self) -> int:
        return sum(r.drafts for r in self.rows)

    @property
    def behind(self) -> list[ClassroomProgress]:
        return [r for r in self.rows if r.behind]


def school_progress(*, school, academic_year, classroom_ids=None) -> SchoolProgress:
    """Visits per classroom of the year (one query). A classroom is *behind* when its share of
    students visited is below the school's share (docs/visits.md)."""
    classrooms = Classroom.objects.filter(school=school, academic_year=academic_year)
    if classroom_ids is not None:
        classrooms = classrooms.filter(pk__in=classroom_ids)
    done = Q(
        enrolments__student__home_visits__academic_year=academic_year,
        enrolments__student__home_visits__status=HomeVisit.Status.DONE,
    )
    draft = Q(
        enrolments__student__home_visits__academic_year=academic_year,
        enrolments__student__home_visits__status=HomeVisit.Status.DRAFT,
    )
    remote = done & ~Q(enrolments__student__home_visits__mode=HomeVisit.Mode.HOME)
    rows = [
        ClassroomProgress(
            classroom=c,
            total=c.total,
            visited=c.visited,
            drafts=c.drafts,
            remote=c.remote,
        )
        for c in classrooms.annotate(
            # distinct: the join to the visits repeats an enrolment once per visit.
            total=Count("enrolments", distinct=True),
            visited=Count("enrolments__student", filter=done, distinct=True),
            drafts=Count("enrolments__student", filter=draft, distinct=True),
            remote=Count("enrolments__student", filter=remote, distinct=True),
        ).order_by("grade", "room")
    ]
    progress = SchoolProgress(rows=rows)
    for r in rows:
        r.behind = r.total > 0 and r.share < progress.share
    return progress


def student_visits(*, student) -> QuerySet[HomeVisit]:
    return (
        HomeVisit.objects.filter(student=student)
        .select_related("academic_year", "classroom", "recorded_by", "updated_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-date", "-pk")
    )


def last_visit_facts(request, student) -> dict:
    """For the student's page: the latest finished home visit of this academic year."""
    last_visit = (
        HomeVisit.objects.filter(
            student=student, academic_year=request.academic_year, status=HomeVisit.Status.DONE
        )
        .order_by("-date")
        .first()
    )
    return {"last_visit": last_visit}
