"""Computing the early warning (docs/early-warning.md): facts out of the records, the model, and
the results and weekly snapshots written back.

- ``extract_facts_for_school(school, today)`` -> {student_id: Facts} for the students enrolled
  at the school this academic year, in a fixed number of queries whatever the school's size
  (``EXTRACT_QUERIES``): grouped aggregates and DISTINCT ON, never a query per student;
- ``recompute_school(school, today)``: evaluates them with the district's params and upserts
  every ``WarningResult`` and this week's ``WarningSnapshot`` in bulk; results of students no
  longer enrolled there are removed;
- ``recompute_district(district, today)``: every school of the district (the nightly job, and
  after the district's settings change).

The record windows: attendance counts the daily roll (period 0) on teaching days only; "the
last 4 weeks" is the 28 calendar days ending today, "the last 8 weeks" 56. Grades, care groups
and home visits count from the previous academic year on (older ones say little about now).
Moves are other school records of the same child (national ID) created in the last 12 months.

Callers run outside any request: the functions disable the scopes themselves (the school or
district was chosen by the caller).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from attendance import rules as attendance_rules
from attendance.models import LeaveKind, Mark, Status
from attendance.selectors import holidays
from behaviour.models import Incident, Kind
from behaviour.selectors import with_conduct
from earlywarning.model import VERSION, Facts, Params, evaluate
from earlywarning.models import WarningResult, WarningSnapshot
from earlywarning.selectors import district_params, week_of
from schools.models import AcademicYear, School, Term
from schools.selectors import current_academic_year, current_term
from screening.models import CareGroup
from students.models import FamilyRecord, Student, TermResult
from visits.models import HomeVisit

WINDOW_ABSENT = 28  # days: "in 4 weeks"
WINDOW_DEDUCTIONS = 56  # days: "in 8 weeks"
WINDOW_MOVES = 365  # days: "in 12 months"
# The queries of ``extract_facts_for_school`` once the year and term are known: students (with
# conduct, incidents and family), holidays, marks, term results, care groups, home visits, moves.
EXTRACT_QUERIES = 7


@dataclass(frozen=True)
class Period:
    """What every school of a run shares: the day, its academic year and term."""

    today: datetime.date
    academic_year: AcademicYear | None
    term: Term | None

    @classmethod
    def of(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today, current_academic_year(today), current_term(today))


def _days_ago(today: datetime.date, days: int) -> datetime.date:
    """The first day of a window of ``days`` calendar days ending ``today``."""
    return today - datetime.timedelta(days=days - 1)


def _missed() -> Q:
    """Class time missed (attendance.rules): absent, sick or personal leave."""
    return Q(status=Status.ABSENT) | Q(
        status=Status.LEAVE, leave_kind__in=[LeaveKind.SICK, LeaveKind.PERSONAL]
    )


def _students(school: School, period: Period) -> list[dict]:
    """The school's students enrolled this year, with their conduct this year, their incidents
    of the last 8 weeks and their family record (one query)."""
    year = period.academic_year
    students = Student.objects.filter(school=school, enrolments__academic_year=year)
    recent_incidents = (
        Incident.objects.filter(
            student_id=OuterRef("pk"),
            kind=Kind.BAD,
            cancelled_at__isnull=True,
            date__gte=_days_ago(period.today, WINDOW_DEDUCTIONS),
            date__lte=period.today,
        )
        .order_by()
        .values("student_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        with_conduct(students, year)
        .annotate(
            deductions_8w=Coalesce(
                Subquery(recent_incidents, output_field=IntegerField()), Value(0)
            )
        )
        .values(
            "pk",
            "national_id",
            "score",
            "bad_count",
            "good_count",
            "deductions_8w",
            "record_family__lives_with",
            "record_family__income_per_month",
            "record_family__household_size",
            "record_family__welfare_card",
        )
    )


def _attendance(school: School, period: Period) -> tuple[dict[int, tuple[int, int]], int]:
    """({student_id: (absent days in 4 weeks, class days missed this term)}, the term's teaching
    days so far): two queries (the holidays, the marks grouped by student)."""
    today, term = period.today, period.term
    start = _days_ago(today, WINDOW_ABSENT)
    first = min(start, term.start) if term else start
    off = holidays(school, first, today)
    so_far = attendance_rules.teaching_days(term.start, min(today, term.end), off) if term else []
    in_term = Q(date__gte=term.start, date__lte=term.end) if term else Q(date__gt=today)
    not_teaching = [
        d
        for d in (first + datetime.timedelta(days=i) for i in range((today - first).days + 1))
        if d.weekday() >= 5 or d in off
    ]
    rows = (
        Mark.objects.filter(school=school, period=0, date__gte=first, date__lte=today)
        .exclude(date__in=not_teaching)
        .values("student_id")
        .annotate(
            absent=Count("pk", filter=Q(status=Status.ABSENT, date__gte=start)),
            missed=Count("pk", filter=_missed() & in_term),
        )
        .filter(Q(absent__gt=0) | Q(missed__gt=0))
        .values_list("student_id", "absent", "missed")
    )
    return {sid: (absent, missed) for sid, absent, missed in rows}, len(so_far)


def _grades(school: School, since_year: int) -> dict[int, list[tuple]]:
    """{student_id: [(gpa, failed + incomplete), ...]} newest first, from ``since_year`` on."""
    rows = (
        TermResult.objects.filter(student__school=school, year__gte=since_year)
        .order_by("student_id", "-year", "-term")
        .values_list("student_id", "gpa", "failed_subjects", "incomplete_subjects")
    )
    grades: dict[int, list[tuple]] = defaultdict(list)
    for sid, gpa, failed, incomplete in rows:
        if len(grades[sid]) < 2:
            grades[sid].append((gpa, len(failed or ()) + len(incomplete or ())))
    return grades


def _latest(qs, field: str, order: str) -> dict:
    """{student_id: ``field`` of the student's latest row of ``qs``} (DISTINCT ON)."""
    latest = qs.order_by("student_id", order, "-pk").distinct("student_id")
    return dict(latest.values_list("student_id", field))


def _moves(school: School, today: datetime.date) -> dict[str, int]:
    """{national_id: changes of school in the last 12 months} of the school's children: their
    school records (the same national ID, any school) created in the window, each child's
    first record left out (one query: a child who moved in the window has a record here
    created in it)."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(_days_ago(today, WINDOW_MOVES), datetime.time.min)
    )
    recent = Student.objects.filter(school=school, created__gte=cutoff).values("national_id")
    records = defaultdict(list)
    for nid, created in (
        Student.objects.filter(national_id__in=recent)
        .order_by()
        .values_list("national_id", "created")
    ):
        records[nid].append(created)
    moves = {}
    for nid, created in records.items():
        created.sort()
        n = sum(1 for c in created[1:] if c >= cutoff)
        if n:
            moves[nid] = n
    return moves


def extract_facts_for_school(
    school: School, today: datetime.date | None = None, *, period: Period | None = None
) -> dict[int, Facts]:
    """{student_id: Facts} for the students enrolled at ``school`` this academic year, in
    ``EXTRACT_QUERIES`` queries (plus the year and term when ``period`` is not given)."""
    period = period or Period.of(today)
    if period.academic_year is None:
        return {}
    with scopes_disabled():
        students = _students(school, period)
        attendance, days = _attendance(school, period)
        since = period.academic_year.year - 1
        grades = _grades(school, since)
        care = _latest(
            CareGroup.objects.filter(school=school, term__academic_year__year__gte=since),
            "level",
            "-term__start",
        )
        visits = _latest(
            HomeVisit.objects.filter(
                school=school,
                status=HomeVisit.Status.DONE,
                academic_year__year__gte=since,
            ),
            "problems",
            "-date",
        )
        moves = _moves(school, period.today)

    rate_known = days >= attendance_rules.MIN_DAYS_FOR_RATE
    facts = {}
    for s in students:
        sid = s["pk"]
        absent, missed = attendance.get(sid, (0, 0))
        (gpa_now, failed_now), (gpa_before, _failed) = (grades.get(sid, []) + [(None, 0)] * 2)[:2]
        family = FamilyRecord(
            income_per_month=s["record_family__income_per_month"],
            household_size=s["record_family__household_size"],
        )
        facts[sid] = Facts(
            absent_days_4w=absent,
            attendance_rate=(days - missed) / days if rate_known else None,
            conduct_score=s["score"] if s["bad_count"] or s["good_count"] else None,
            deductions_8w=s["deductions_8w"],
            gpa_now=gpa_now,
            gpa_before=gpa_before,
            failed_now=failed_now,
            care_level=care.get(sid, ""),
            lives_with=s["record_family__lives_with"] or "",
            income_per_person=family.income_per_person,
            welfare_card=s["record_family__welfare_card"],
            visit_problems=tuple(visits.get(sid) or ()),
            moves_12m=moves.get(s["national_id"], 0),
        )
    return facts


@dataclass
class Run:
    schools: int = 0
    students: int = 0
    watch: int = 0
    high: int = 0
    seconds: float = 0.0

    def add(self, other: Run) -> None:
        self.schools += other.schools
        self.students += other.students
        self.watch += other.watch
        self.high += other.high


def recompute_school(
    school: School,
    today: datetime.date | None = None,
    *,
    period: Period | None = None,
    params: tuple[Params, int] | None = None,
) -> Run:
    """Evaluate every student of ``school`` and write the results and this week's snapshots
    in bulk (one transaction). ``params``: the district's (params, revision), looked up when
    not given."""
    started = time.perf_counter()
    period = period or Period.of(today)
    with scopes_disabled():
        params, revision = params or district_params(school.district_id)
        facts = extract_facts_for_school(school, period=period)
        now = timezone.now()
        week = week_of(period.today)
        results, snapshots = [], []
        run = Run(schools=1, students=len(facts))
        for sid, student_facts in facts.items():
            result = evaluate(student_facts, params)
            run.watch += result.level == "watch"
            run.high += result.level == "high"
            reasons = [r.as_dict() for r in result.reasons]
            results.append(
                WarningResult(
                    student_id=sid,
                    school_id=school.pk,
                    level=result.level,
                    score=result.score,
                    reasons=reasons,
                    version=VERSION,
                    settings_revision=revision,
                    computed_at=now,
                )
            )
            snapshots.append(
                WarningSnapshot(
                    student_id=sid,
                    school_id=school.pk,
                    week=week,
                    level=result.level,
                    score=result.score,
                )
            )
        with transaction.atomic():
            WarningResult.objects.filter(school=school).exclude(student_id__in=list(facts)).delete()
            WarningResult.objects.bulk_create(
                results,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["student"],
                update_fields=[
                    "school",
                    "level",
                    "score",
                    "reasons",
                    "version",
                    "settings_revision",
                    "computed_at",
                ],
            )
            WarningSnapshot.objects.bulk_create(
                snapshots,
                batch_size=2000,
                update_conflicts=True,
                unique_fields=["student", "week"],
                update_fields=["school", "level", "score"],
            )
    run.seconds = time.perf_counter() - started
    return run


def recompute_district(district, today: datetime.date | None = None) -> Run:
    """Every school of ``district`` (a District or its id; its params and the day's year and
    term looked up once)."""
    started = time.perf_counter()
    period = Period.of(today)
    run = Run()
    with scopes_disabled():
        params = district_params(district)
        for school in School.objects.filter(district=district).order_by("pk"):
            run.add(recompute_school(school, period=period, params=params))
    run.seconds = time.perf_counter() - started
    return run
