"""Care coverage: of each care group, the share of its students who received the care their
group calls for in a term (docs/care.md, "Coverage").

For a term T of the academic year Y, a student enrolled in a classroom of Y is

- in the group of their ``CareGroup`` for T; without one, of the latest earlier term of Y (the
  school screens once a year, in term 1, and the group holds for term 2 until screened again);
  without any, **not screened** (shown apart, in no share);
- **special** as well when that group has the special flag: special is counted as its own group
  in addition to the student's level;

and is **cared for** in T when

- normal, and special: at least one promotion activity in T (homeroom session, classroom parent
  meeting, talent development);
- risk: at least one prevention activity in T (buddy pairs, remedial teaching, activity in or
  outside class, counselling, contact with parents), or a care plan open during T (opened by the
  end of T and not closed before T began: status open or in progress, or closed within T);
- problem: a care plan with at least one follow-up that counts for T: the plan was opened in T
  (``CarePlan.term``) or the follow-up is dated within T; or a referral sent during T
  (``referred``, inside or outside the school).

The overall share counts each screened student once, by their level.

Every function runs a fixed number of queries whatever the number of students or schools (one
query with EXISTS subqueries per figure set), because the district dashboards call them across
hundreds of schools.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value

from care.models import ActivityParticipant, CarePlan, CarePlanFollowUp, Category
from schools.models import Classroom, Term
from screening.models import CareGroup
from students.models import Enrolment

LEVELS = ("normal", "risk", "problem")
GROUPS = ("normal", "risk", "problem", "special")
OPEN_PLAN_STATUSES = (CarePlan.Status.OPEN, CarePlan.Status.IN_PROGRESS)


# Step 5 sits above this app: the referrals app registers how to find the referrals sent in a
# term (``register_referrals`` in its AppConfig.ready), and a referral then counts as care for the
# problem group. Without it nobody counts as referred.
_referrals_in_term: Callable[[Term], QuerySet] | None = None


def register_referrals(rows_in_term: Callable[[Term], QuerySet]) -> None:
    """``rows_in_term(term)``: the referrals sent during ``term`` (rows with a ``student``)."""
    global _referrals_in_term
    _referrals_in_term = rows_in_term


def _referred(student, term: Term):
    if _referrals_in_term is None:
        return Value(False)
    return Exists(_referrals_in_term(term).filter(student=student))


# --- the annotated rows -------------------------------------------------------------------------
def annotate_coverage(enrolments: QuerySet[Enrolment], term: Term) -> QuerySet[Enrolment]:
    """Enrolments with ``level``, ``special`` and the facts that decide coverage in ``term``:
    ``promoted``, ``prevented``, ``plan_open``, ``followed`` and ``referred`` (all in the same
    query)."""
    student = OuterRef("student_id")
    groups = CareGroup.objects.filter(
        student=student,
        term__academic_year_id=term.academic_year_id,
        term__number__lte=term.number,
    ).order_by("-term__number")
    taking_part = ActivityParticipant.objects.filter(student=student, activity__term=term)
    plans_open = CarePlan.objects.filter(student=student, opened_on__lte=term.end).filter(
        Q(status__in=OPEN_PLAN_STATUSES) | Q(closed_on__gte=term.start)
    )
    follow_ups = CarePlanFollowUp.objects.filter(plan__student=student).filter(
        Q(plan__term=term) | Q(date__gte=term.start, date__lte=term.end)
    )
    return enrolments.annotate(
        level=Subquery(groups.values("level")[:1]),
        special=Subquery(groups.values("special")[:1]),
        promoted=Exists(taking_part.filter(activity__category=Category.PROMOTION)),
        prevented=Exists(taking_part.filter(activity__category=Category.PREVENTION)),
        plan_open=Exists(plans_open),
        followed=Exists(follow_ups),
        referred=_referred(student, term),
    )


# --- figures ------------------------------------------------------------------------------------
@dataclass
class Figure:
    """Students of one group, and how many of them were cared for."""

    total: int = 0
    cared: int = 0

    @property
    def not_yet(self) -> int:
        return self.total - self.cared

    @property
    def share(self) -> float | None:
        """Percent cared for, None when the group is empty."""
        return round(100 * self.cared / self.total, 2) if self.total else None


@dataclass
class StudentRow:
    enrolment: Enrolment
    level: str | None
    special: bool
    promoted: bool
    prevented: bool
    plan_open: bool
    followed: bool
    referred: bool = False

    @property
    def student(self):
        return self.enrolment.student

    @property
    def screened(self) -> bool:
        return self.level is not None

    def cared_as(self, group: str) -> bool:
        if group in ("normal", "special"):
            return self.promoted
        if group == "risk":
            return self.prevented or self.plan_open
        if group == "problem":
            return self.followed or self.referred
        return False

    @property
    def cared(self) -> bool:
        """Cared for as their level asks (False when not screened)."""
        return self.screened and self.cared_as(self.level)

    @property
    def groups(self) -> list[str]:
        return ([self.level] if self.level else []) + (["special"] if self.special else [])


@dataclass
class Coverage:
    """Figures over a set of students: per group, overall (each screened student once, by level),
    and how many are not screened."""

    groups: dict[str, Figure] = field(default_factory=lambda: {g: Figure() for g in GROUPS})
    overall: Figure = field(default_factory=Figure)
    students: int = 0
    not_screened: int = 0

    def add(self, row: StudentRow) -> None:
        self.students += 1
        if not row.screened:
            self.not_screened += 1
            return
        for group in row.groups:
            figure = self.groups[group]
            figure.total += 1
            figure.cared += row.cared_as(group)
        self.overall.total += 1
        self.overall.cared += row.cared

    def merge(self, other: Coverage) -> None:
        self.students += other.students
        self.not_screened += other.not_screened
        for group in GROUPS:
            self.groups[group].total += other.groups[group].total
            self.groups[group].cared += other.groups[group].cared
        self.overall.total += other.overall.total
        self.overall.cared += other.overall.cared

    def group_rows(self) -> list[tuple[str, Figure]]:
        return [(g, self.groups[g]) for g in GROUPS]


@dataclass
class ClassroomCoverage:
    classroom: Classroom
    rows: list[StudentRow] = field(default_factory=list)
    figures: Coverage = field(default_factory=Coverage)

    def students_in(self, group: str, *, cared: bool) -> list[StudentRow]:
        return [r for r in self.rows if group in r.groups and r.cared_as(group) == cared]

    def not_screened(self) -> list[StudentRow]:
        return [r for r in self.rows if not r.screened]

    def by_group(self) -> list[dict]:
        return [
            {
                "group": g,
                "figure": self.figures.groups[g],
                "cared": self.students_in(g, cared=True),
                "not_yet": self.students_in(g, cared=False),
            }
            for g in GROUPS
        ]


@dataclass
class SchoolCoverage:
    classrooms: list[ClassroomCoverage]
    totals: Coverage

    def not_yet_by_group(self) -> list[tuple[str, list[StudentRow]]]:
        """The students not yet cared for, per group (a special student may be in two)."""
        out = []
        for group in GROUPS:
            rows = [
                (c.classroom, r)
                for c in self.classrooms
                for r in c.rows
                if group in r.groups and not r.cared_as(group)
            ]
            out.append((group, rows))
        return out


def _rows(enrolments: QuerySet[Enrolment], term: Term) -> list[StudentRow]:
    return [
        StudentRow(
            enrolment=e,
            level=e.level,
            special=bool(e.special),
            promoted=e.promoted,
            prevented=e.prevented,
            plan_open=e.plan_open,
            followed=e.followed,
            referred=e.referred,
        )
        for e in annotate_coverage(enrolments, term).select_related("student")
    ]


def coverage_for_classroom(*, classroom: Classroom, term: Term) -> ClassroomCoverage:
    """Every student of the classroom with what decides their coverage (one query)."""
    result = ClassroomCoverage(classroom=classroom)
    result.rows = _rows(Enrolment.objects.filter(classroom=classroom).order_by("number"), term)
    for row in result.rows:
        result.figures.add(row)
    return result


def coverage_for_school(
    *, school, term: Term, classroom_ids: list[int] | None = None
) -> SchoolCoverage:
    """Per classroom of the term's academic year (only ``classroom_ids`` if given), with the
    school's totals over them (two queries: the classrooms, then every student's row)."""
    classrooms = Classroom.objects.filter(school=school, academic_year_id=term.academic_year_id)
    if classroom_ids is not None:
        classrooms = classrooms.filter(pk__in=classroom_ids)
    per_room = {c.pk: ClassroomCoverage(classroom=c) for c in classrooms.order_by("grade", "room")}
    enrolments = Enrolment.objects.filter(
        classroom__school=school, academic_year_id=term.academic_year_id
    ).order_by("classroom_id", "number")
    if classroom_ids is not None:
        enrolments = enrolments.filter(classroom_id__in=classroom_ids)
    totals = Coverage()
    for row in _rows(enrolments, term):
        room = per_room.get(row.enrolment.classroom_id)
        if room is None:
            continue
        room.rows.append(row)
        room.figures.add(row)
        totals.add(row)
    return SchoolCoverage(classrooms=list(per_room.values()), totals=totals)


def coverage_counts_for_schools(*, school_ids: Iterable[int], term: Term) -> dict[int, Coverage]:
    """Per school, the figures of every group (no student rows): one query for any number of
    schools, counted in the database. Schools without students are missing from the result."""
    school_ids = list(school_ids)
    conditions = {
        "normal": Q(promoted=True),
        "risk": Q(prevented=True) | Q(plan_open=True),
        "problem": Q(followed=True) | Q(referred=True),
    }
    aggregates = {"students": Count("pk"), "screened": Count("pk", filter=Q(level__isnull=False))}
    for level in LEVELS:
        aggregates[f"{level}_total"] = Count("pk", filter=Q(level=level))
        aggregates[f"{level}_cared"] = Count("pk", filter=Q(level=level) & conditions[level])
    aggregates["special_total"] = Count("pk", filter=Q(special=True))
    aggregates["special_cared"] = Count("pk", filter=Q(special=True, promoted=True))
    enrolments = Enrolment.objects.filter(
        classroom__school_id__in=school_ids, academic_year_id=term.academic_year_id
    )
    rows = (
        annotate_coverage(enrolments, term)
        .values("classroom__school_id")
        .annotate(**aggregates)
        .order_by()
    )
    result: dict[int, Coverage] = {}
    for row in rows:
        coverage = Coverage(
            students=row["students"], not_screened=row["students"] - row["screened"]
        )
        for group in GROUPS:
            coverage.groups[group] = Figure(row[f"{group}_total"], row[f"{group}_cared"])
        for level in LEVELS:
            coverage.overall.total += row[f"{level}_total"]
            coverage.overall.cared += row[f"{level}_cared"]
        result[row["classroom__school_id"]] = coverage
    return result
