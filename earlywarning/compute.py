"""Computing the early warning (docs/early-warning.md): facts out of the records, the model, and
the results and weekly snapshots written back.

- ``extract_facts(school_ids, period)`` -> {student_id: (school_id, Facts)} for the students
  enrolled at those schools this academic year, in ``EXTRACT_QUERIES`` queries whatever the
  number of schools and students: grouped aggregates and window functions, never a query per
  student or per school (``extract_facts_for_school``: one school's);
- ``recompute_schools(schools, period, params)``: evaluates them and writes what changed, in
  bulk, in one transaction: results (``WarningResult``, every row's ``computed_at`` touched)
  and this week's snapshots (``WarningSnapshot``); results of students no longer enrolled
  there are removed. ``recompute_school`` is one school, ``recompute_district`` every school of
  a district in chunks of ``CHUNK`` schools (the nightly job, and after the settings change);
  both tell the homeroom teachers of students who reached high risk (EARLY_WARNING_HIGH).

The record windows: attendance counts the daily roll (period 0) on teaching days only; "the
last 4 weeks" is the 28 calendar days ending today, "the last 8 weeks" 56. Grades, care groups
and home visits count from the previous academic year on (older ones say little about now).
Every record counts only if dated on or before ``period.today`` (a past Monday, when the demo
back-fills the weeks, sees what the school knew then): incidents and corrections by their
date, home visits by the visit's date, term results once their term has ended (they carry no
date of their own: ``updated_at`` moves with every correction), care groups once their term
has begun.
Moves are other school records of the same child (national ID) created in the last 12 months.

Callers run outside any request: the functions disable the scopes themselves (the schools were
chosen by the caller).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from attendance import rules as attendance_rules
from attendance.models import LeaveKind, Mark, SchoolHoliday, Status
from behaviour.models import Correction, Incident, Kind
from behaviour.selectors import conduct_score
from carecore.models import Notification
from carecore.notifications import notify
from earlywarning.model import LEVEL_HIGH, LEVEL_WATCH, VERSION, Facts, Params, evaluate
from earlywarning.models import WarningResult, WarningSnapshot
from earlywarning.selectors import district_params, week_of
from schools.models import AcademicYear, HomeroomAssignment, School, Term
from schools.selectors import current_academic_year, current_term
from screening.models import CareGroup
from students.models import Enrolment, FamilyRecord, Student, TermResult
from visits.models import HomeVisit

WINDOW_ABSENT = 28  # days: "in 4 weeks"
WINDOW_DEDUCTIONS = 56  # days: "in 8 weeks"
WINDOW_MOVES = 365  # days: "in 12 months"
# The queries of ``extract_facts`` once the year and term are known: students with their family
# record, incidents grouped, corrections grouped, days without school, marks grouped, term
# results, the latest care groups, the latest home visits, moves.
EXTRACT_QUERIES = 9
# Schools per transaction in a district's run (25,000 students in 200 schools: four).
CHUNK = 50
BATCH = 2000  # rows per INSERT statement


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


def _students(school_ids: list[int], year: AcademicYear) -> list[tuple]:
    """The schools' students enrolled this year with their family record (one query)."""
    return list(
        Student.objects.filter(school_id__in=school_ids, enrolments__academic_year=year)
        .order_by()
        .values_list(
            "pk",
            "school_id",
            "national_id",
            "record_family__lives_with",
            "record_family__income_per_month",
            "record_family__household_size",
            "record_family__welfare_card",
        )
    )


def _conduct(school_ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """{student_id: (conduct score this year, incidents taking points off in 8 weeks)} for the
    students with an incident this year (two queries: incidents and corrections grouped; the
    score by behaviour's rule, ``behaviour.selectors.conduct_score``)."""
    year = period.academic_year
    recent = Q(kind=Kind.BAD, date__gte=_days_ago(period.today, WINDOW_DEDUCTIONS))
    incidents = (
        Incident.objects.filter(
            school_id__in=school_ids,
            academic_year=year,
            cancelled_at__isnull=True,
            date__lte=period.today,
        )
        .order_by()
        .values("student_id")
        .annotate(
            deducted=Sum("points", filter=Q(kind=Kind.BAD), default=0),
            added=Sum("points", filter=Q(kind=Kind.GOOD), default=0),
            recent=Count("pk", filter=recent),
        )
        .values_list("student_id", "deducted", "added", "recent")
    )
    restored = dict(
        Correction.objects.filter(
            school_id__in=school_ids, academic_year=year, date__lte=period.today
        )
        .order_by()
        .values("student_id")
        .annotate(points=Sum("points"))
        .values_list("student_id", "points")
    )
    return {
        sid: (conduct_score(deducted=bad, added=good, restored=restored.get(sid, 0)), n)
        for sid, bad, good, n in incidents
    }


def _attendance(
    school_ids: list[int], period: Period
) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """({student_id: (absent days in 4 weeks, class days missed this term)}, {school_id: the
    term's teaching days so far}): two queries (the days without school, the marks grouped by
    student, on teaching days only)."""
    today, term = period.today, period.term
    start = _days_ago(today, WINDOW_ABSENT)
    first = min(start, term.start) if term else start
    off: dict[int, list] = defaultdict(list)
    for school_id, *dates in SchoolHoliday.objects.filter(
        school_id__in=school_ids, start__lte=today, end__gte=first
    ).values_list("school_id", "start", "end"):
        off[school_id].append(dates)
    days = {
        sid: len(
            attendance_rules.teaching_days(
                term.start, min(today, term.end), attendance_rules.expand_holidays(off[sid])
            )
        )
        if term
        else 0
        for sid in school_ids
    }
    in_term = Q(date__gte=term.start, date__lte=term.end) if term else Q(date__gt=today)
    day_off = SchoolHoliday.objects.filter(
        school_id=OuterRef("school_id"), start__lte=OuterRef("date"), end__gte=OuterRef("date")
    )
    rows = (
        Mark.objects.filter(school_id__in=school_ids, period=0, date__gte=first, date__lte=today)
        .filter(Q(status=Status.ABSENT) | Q(status=Status.LEAVE))
        .exclude(date__week_day__in=[1, 7])  # Sunday, Saturday
        .exclude(Exists(day_off))
        .order_by()
        .values("student_id")
        .annotate(
            absent=Count("pk", filter=Q(status=Status.ABSENT, date__gte=start)),
            missed=Count("pk", filter=_missed() & in_term),
        )
        .values_list("student_id", "absent", "missed")
    )
    return {sid: (absent, missed) for sid, absent, missed in rows}, days


def _ended_terms(period: Period) -> Q:
    """The ``TermResult`` rows of terms that had ended by ``period.today``: every term before
    the current one, and the current one once it is over (a result has no date of its own)."""
    term = period.term
    if term is None:
        return Q(year__lt=period.academic_year.year)
    year = term.academic_year.year
    ended = Q(year__lt=year) | Q(year=year, term__lt=term.number)
    if term.end <= period.today:
        ended |= Q(year=year, term=term.number)
    return ended


def _grades(school_ids: list[int], since_year: int, period: Period) -> dict[int, list[tuple]]:
    """{student_id: [(gpa, failed + incomplete), ...]} newest first (two at most), from
    ``since_year`` on, of the terms ended by ``period.today``."""
    rows = (
        TermResult.objects.filter(student__school_id__in=school_ids, year__gte=since_year)
        .filter(_ended_terms(period))
        .order_by("student_id", "-year", "-term")
        .values_list("student_id", "gpa", "failed_subjects", "incomplete_subjects")
    )
    grades: dict[int, list[tuple]] = defaultdict(list)
    for sid, gpa, failed, incomplete in rows:
        if len(grades[sid]) < 2:
            grades[sid].append((gpa, len(failed or ()) + len(incomplete or ())))
    return grades


def _latest(qs, field: str, order: str) -> dict:
    """{student_id: ``field`` of the student's latest row of ``qs`` by ``order``} (a window
    function, so that SQLite, the demo's database, runs it too)."""
    latest = qs.annotate(
        nth=Window(
            RowNumber(), partition_by=[F("student_id")], order_by=[F(order).desc(), F("pk").desc()]
        )
    ).filter(nth=1)
    return dict(latest.order_by().values_list("student_id", field))


def _moves(school_ids: list[int], today: datetime.date) -> dict[str, int]:
    """{national_id: changes of school in the last 12 months} of the schools' children: their
    school records (the same national ID, any school) created in the window, each child's
    first record left out (one query: a child who moved in the window has a record at one of
    these schools created in it)."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(_days_ago(today, WINDOW_MOVES), datetime.time.min)
    )
    recent = Student.objects.filter(school_id__in=school_ids, created__gte=cutoff).values(
        "national_id"
    )
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


def extract_facts(school_ids: list[int], period: Period) -> dict[int, tuple[int, Facts]]:
    """{student_id: (school_id, Facts)} for the students enrolled at ``school_ids`` this
    academic year, in ``EXTRACT_QUERIES`` queries."""
    year = period.academic_year
    if year is None or not school_ids:
        return {}
    school_ids = list(school_ids)
    since = year.year - 1
    with scopes_disabled():
        students = _students(school_ids, year)
        conduct = _conduct(school_ids, period)
        attendance, days = _attendance(school_ids, period)
        grades = _grades(school_ids, since, period)
        care = _latest(
            CareGroup.objects.filter(
                school_id__in=school_ids,
                term__academic_year__year__gte=since,
                term__start__lte=period.today,
            ),
            "level",
            "term__start",
        )
        visits = _latest(
            HomeVisit.objects.filter(
                school_id__in=school_ids,
                status=HomeVisit.Status.DONE,
                academic_year__year__gte=since,
                date__lte=period.today,
            ),
            "problems",
            "date",
        )
        moves = _moves(school_ids, period.today)

    facts = {}
    none_yet = [(None, 0), (None, 0)]
    for sid, school_id, nid, lives_with, income, household, welfare in students:
        absent, missed = attendance.get(sid, (0, 0))
        (gpa_now, failed_now), (gpa_before, _failed) = (grades.get(sid, []) + none_yet)[:2]
        score, recent = conduct.get(sid, (None, 0))
        school_days = days[school_id]
        family = FamilyRecord(income_per_month=income, household_size=household)
        facts[sid] = (
            school_id,
            Facts(
                absent_days_4w=absent,
                attendance_rate=(
                    (school_days - missed) / school_days
                    if school_days >= attendance_rules.MIN_DAYS_FOR_RATE
                    else None
                ),
                conduct_score=score,
                deductions_8w=recent,
                gpa_now=gpa_now,
                gpa_before=gpa_before,
                failed_now=failed_now,
                care_level=care.get(sid, ""),
                lives_with=lives_with or "",
                income_per_person=family.income_per_person,
                welfare_card=welfare,
                visit_problems=tuple(visits.get(sid) or ()),
                moves_12m=moves.get(nid, 0),
            ),
        )
    return facts


def extract_facts_for_school(
    school: School, today: datetime.date | None = None, *, period: Period | None = None
) -> dict[int, Facts]:
    """{student_id: Facts} for the students enrolled at ``school`` this academic year, in
    ``EXTRACT_QUERIES`` queries (plus the year and term when ``period`` is not given)."""
    period = period or Period.of(today)
    return {sid: facts for sid, (_school, facts) in extract_facts([school.pk], period).items()}


@dataclass
class Run:
    schools: int = 0
    students: int = 0
    watch: int = 0
    high: int = 0
    written: int = 0  # results inserted or changed
    newly_high: int = 0  # students who reached high in this run (their teachers are told)
    seconds: float = 0.0

    def add(self, other: Run) -> None:
        self.schools += other.schools
        self.students += other.students
        self.watch += other.watch
        self.high += other.high
        self.written += other.written
        self.newly_high += other.newly_high


def recompute_schools(
    school_ids: list[int], period: Period, params: tuple[Params, int], *, tell: bool = False
) -> Run:
    """Evaluate every student of ``school_ids`` with ``params`` (the district's params and
    revision) and write, in one transaction: the results that are new or changed (every
    result's ``computed_at`` set), the removal of results of students no longer enrolled, and
    this week's snapshots that are new or changed. Rows that did not change are not rewritten:
    a night's run writes little beyond the timestamp. ``tell``: the homeroom teachers of the
    students who reached high risk in this run are notified (the live runs; not a past Monday
    the demo back-fills)."""
    params, revision = params
    school_ids = list(school_ids)
    facts = extract_facts(school_ids, period)
    run = Run(schools=len(school_ids), students=len(facts))
    week = week_of(period.today)
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        stored = {
            sid: [school_id, level, score, reasons, version, stored_revision]
            for sid, school_id, level, score, reasons, version, stored_revision in (
                WarningResult.objects.filter(school_id__in=school_ids)
                .order_by()
                .values_list(
                    "student_id",
                    "school_id",
                    "level",
                    "score",
                    "reasons",
                    "version",
                    "settings_revision",
                )
            )
        }
        this_week = {
            sid: [school_id, level, score]
            for sid, school_id, level, score in WarningSnapshot.objects.filter(
                school_id__in=school_ids, week=week
            ).values_list("student_id", "school_id", "level", "score")
        }
        results, snapshots, newly_high = [], [], []
        for sid, (school_id, student_facts) in facts.items():
            result = evaluate(student_facts, params)
            run.watch += result.level == LEVEL_WATCH
            run.high += result.level == LEVEL_HIGH
            if result.level == LEVEL_HIGH and (stored.get(sid) or [None, None])[1] != LEVEL_HIGH:
                newly_high.append(sid)
            reasons = [r.as_dict() for r in result.reasons]
            row = [school_id, result.level, result.score, reasons, VERSION, revision]
            if stored.get(sid) != row:
                results.append(
                    WarningResult(
                        student_id=sid,
                        school_id=school_id,
                        level=result.level,
                        score=result.score,
                        reasons=reasons,
                        version=VERSION,
                        settings_revision=revision,
                        computed_at=now,
                    )
                )
            if this_week.get(sid) != [school_id, result.level, result.score]:
                snapshots.append(
                    WarningSnapshot(
                        student_id=sid,
                        school_id=school_id,
                        week=week,
                        level=result.level,
                        score=result.score,
                    )
                )
        gone = [sid for sid in stored if sid not in facts]
        if gone:
            WarningResult.objects.filter(student_id__in=gone).delete()
        WarningResult.objects.filter(school_id__in=school_ids).update(computed_at=now)
        WarningResult.objects.bulk_create(
            results,
            batch_size=BATCH,
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
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["student", "week"],
            update_fields=["school", "level", "score"],
        )
        if newly_high and tell:
            _tell_homeroom_teachers(newly_high, period.academic_year)
    run.written = len(results)
    run.newly_high = len(newly_high)
    return run


def _tell_homeroom_teachers(student_ids: list[int], academic_year: AcademicYear) -> None:
    """One notification to each homeroom teacher of the classrooms of ``student_ids`` (students
    who reached high risk in this run), leading to the school's list at high risk: the kind and
    the school only, never a child (docs/notifications.md). One query and the notifications."""
    rooms = Enrolment.objects.filter(
        student_id__in=student_ids, academic_year=academic_year
    ).values("classroom_id")
    teachers = defaultdict(list)  # (school code, school name) -> teachers
    for assignment in HomeroomAssignment.objects.filter(classroom_id__in=rooms).select_related(
        "teacher", "classroom__school"
    ):
        school = assignment.classroom.school
        teachers[(school.code, school.name)].append(assignment.teacher)
    for (code, name), users in teachers.items():
        url = reverse("earlywarning:school_list", kwargs={"school_code": code})
        notify(
            users=users,
            kind=Notification.Kind.EARLY_WARNING_HIGH,
            url=f"{url}?level={LEVEL_HIGH}",
            place=name,
        )


def recompute_school(
    school: School,
    today: datetime.date | None = None,
    *,
    period: Period | None = None,
    params: tuple[Params, int] | None = None,
) -> Run:
    """One school; ``params``: the district's (params, revision), looked up when not given."""
    started = time.perf_counter()
    period = period or Period.of(today)
    with scopes_disabled():
        run = recompute_schools(
            [school.pk], period, params or district_params(school.district_id), tell=True
        )
    run.seconds = time.perf_counter() - started
    return run


def recompute_district(district, today: datetime.date | None = None) -> Run:
    """Every school of ``district`` (a District or its id), ``CHUNK`` schools at a time; its
    params and the day's year and term looked up once."""
    started = time.perf_counter()
    period = Period.of(today)
    run = Run()
    with scopes_disabled():
        params = district_params(district)
        ids = list(
            School.objects.filter(district=district).order_by("pk").values_list("pk", flat=True)
        )
        for i in range(0, len(ids), CHUNK):
            run.add(recompute_schools(ids[i : i + CHUNK], period, params, tell=True))
    run.seconds = time.perf_counter() - started
    return run
