"""Reads of attendance, each with a fixed number of queries (docs/attendance.md, "API").

For other apps (the parent's portal, the dashboards):
- ``student_attendance_summary(student, term, today=None) -> rules.Summary`` (3 queries)
- ``student_absences(student, since) -> list[Mark]``: the days the student was not simply present
  (absent, late, on leave), newest first (1 query)
- ``classroom_rate(classroom, term, today=None) -> float | None`` (4 queries)
- ``school_rates(school, term, today=None) -> SchoolRates`` (4 queries, whatever the number of
  classrooms)
- ``flags_for_school(school, state="open")``, ``flags_for_classroom(classroom, state="open")``
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from attendance import rules
from attendance.models import (
    AttendanceFlag,
    AttendanceSettings,
    LeaveKind,
    Mark,
    MarkChange,
    Roll,
    SchoolHoliday,
    Status,
)
from schools.models import Classroom, School, Term
from students.models import Enrolment, Student


# --- the school's rules and calendar -----------------------------------------------------------
def school_settings(school: School) -> AttendanceSettings:
    """The school's settings, or the defaults (unsaved) when it has set none."""
    found = AttendanceSettings.objects.filter(school=school).first()
    return found or AttendanceSettings(school=school)


def holidays(school: School, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """The school's days without school between two dates (one query)."""
    ranges = SchoolHoliday.objects.filter(school=school, start__lte=end, end__gte=start)
    return rules.expand_holidays(ranges.values_list("start", "end"))


def term_of(day: datetime.date) -> Term | None:
    return Term.objects.select_related("academic_year").filter(start__lte=day, end__gte=day).first()


def term_days(school: School, term: Term, today: datetime.date | None = None):
    """(teaching days of the term so far, teaching days of the whole term): one query."""
    today = today or timezone.localdate()
    off = holidays(school, term.start, term.end)
    whole = rules.teaching_days(term.start, term.end, off)
    return [d for d in whole if d <= today], whole


def is_teaching_day(school: School, day: datetime.date) -> bool:
    return day.weekday() < 5 and not holidays(school, day, day)


# --- one student -------------------------------------------------------------------------------
def _daily_marks(**filters):
    return Mark.objects.filter(period=0, **filters)


def student_attendance_summary(
    student: Student, term: Term, today: datetime.date | None = None
) -> rules.Summary:
    """The student's attendance in ``term`` up to ``today``: counts, rate, streaks."""
    settings = school_settings(student.school)
    so_far, whole = term_days(student.school, term, today)
    days = set(so_far)
    statuses: dict[datetime.date, str] = {}
    counts: Counter = Counter()
    marks = _daily_marks(student=student, date__gte=term.start, date__lte=term.end)
    for day, status, kind in marks.values_list("date", "status", "leave_kind"):
        if day not in days:
            continue
        statuses[day] = status
        counts[kind or status] += 1
    last = so_far[-1] if so_far else term.start
    return rules.Summary(
        teaching_days=len(so_far),
        term_days=len(whole),
        present=counts[Status.PRESENT],
        late=counts[Status.LATE],
        absent=counts[Status.ABSENT],
        sick=counts[LeaveKind.SICK],
        personal=counts[LeaveKind.PERSONAL],
        activity=counts[LeaveKind.ACTIVITY],
        unmarked=len(days - statuses.keys()),
        streak=rules.streak_ending(so_far, statuses, last)[0],
        longest_streak=rules.longest_streak(so_far, statuses),
        threshold=settings.threshold,
    )


def student_absences(student: Student, since: datetime.date) -> list[Mark]:
    """The days since ``since`` on which the student was absent, late or on leave (the daily
    roll), newest first, with the roll's classroom."""
    return list(
        _daily_marks(student=student, date__gte=since)
        .exclude(status=Status.PRESENT)
        .select_related("roll__classroom")
        .order_by("-date")
    )


def student_corrections(student: Student) -> list[MarkChange]:
    return list(
        MarkChange.objects.filter(mark__student=student)
        .select_related("mark", "changed_by")
        .order_by("-changed_at", "-pk")
    )


# --- classrooms and the school -----------------------------------------------------------------
def _missed_q() -> Q:
    return Q(status=Status.ABSENT) | Q(
        status=Status.LEAVE, leave_kind__in=[LeaveKind.SICK, LeaveKind.PERSONAL]
    )


def _on_teaching_days(marks, so_far: list[datetime.date]):
    """Marks on the given teaching days (weekends and days without school left out)."""
    if not so_far:
        return marks.none()
    off = set(rules.teaching_days(so_far[0], so_far[-1], set())) - set(so_far)
    return marks.filter(date__gte=so_far[0], date__lte=so_far[-1]).exclude(date__in=off)


@dataclass
class RoomRate:
    classroom: Classroom
    students: int
    missed: int
    days: int

    @property
    def rate(self) -> float | None:
        return rules.rate(self.students * self.days - self.missed, self.students * self.days)


@dataclass
class SchoolRates:
    days: int
    rooms: list[RoomRate] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        students = sum(r.students for r in self.rooms)
        missed = sum(r.missed for r in self.rooms)
        return rules.rate(students * self.days - missed, students * self.days)


def school_rates(
    school: School,
    term: Term,
    today: datetime.date | None = None,
    classroom_ids: list[int] | None = None,
) -> SchoolRates:
    """The attendance rate of each classroom of the term's year (``classroom_ids``: only
    those) and of the school: class days attended / (students x teaching days so far)."""
    so_far, _whole = term_days(school, term, today)
    rooms = Classroom.objects.filter(school=school, academic_year_id=term.academic_year_id)
    if classroom_ids is not None:
        rooms = rooms.filter(pk__in=classroom_ids)
    rooms = list(rooms.annotate(students=Count("enrolments")).order_by("grade", "room"))
    missed = dict(
        _on_teaching_days(
            _daily_marks(school=school, roll__classroom__in=[r.pk for r in rooms]), so_far
        )
        .filter(_missed_q())
        .values("roll__classroom")
        .annotate(n=Count("pk"))
        .values_list("roll__classroom", "n")
    )
    return SchoolRates(
        days=len(so_far),
        rooms=[RoomRate(r, r.students, missed.get(r.pk, 0), len(so_far)) for r in rooms],
    )


def classroom_rate(
    classroom: Classroom, term: Term, today: datetime.date | None = None
) -> float | None:
    rates = school_rates(classroom.school, term, today, classroom_ids=[classroom.pk])
    return rates.rooms[0].rate if rates.rooms else None


# --- flags -------------------------------------------------------------------------------------
def _flags(state: str | None, **filters):
    flags = AttendanceFlag.objects.filter(**filters).select_related(
        "student", "term__academic_year", "closed_by"
    )
    return list(flags.filter(state=state) if state else flags)


def flags_for_school(school: School, state: str | None = AttendanceFlag.State.OPEN):
    return _flags(state, school=school)


def flags_for_student(student: Student, state: str | None = AttendanceFlag.State.OPEN):
    return _flags(state, student=student)


def flags_for_classroom(classroom: Classroom, state: str | None = AttendanceFlag.State.OPEN):
    students = Enrolment.objects.filter(classroom=classroom).values("student_id")
    return _flags(state, school_id=classroom.school_id, student_id__in=students)


def open_flags_by_student(student_ids) -> dict[int, list[AttendanceFlag]]:
    found: dict[int, list[AttendanceFlag]] = {}
    for flag in AttendanceFlag.objects.filter(
        student_id__in=student_ids, state=AttendanceFlag.State.OPEN
    ):
        found.setdefault(flag.student_id, []).append(flag)
    return found


# --- the roll and the month --------------------------------------------------------------------
def roll_of(classroom: Classroom, day: datetime.date, period: int = 0) -> Roll | None:
    return (
        Roll.objects.filter(classroom=classroom, date=day, period=period)
        .select_related("taken_by", "changed_by")
        .first()
    )


def marks_of(roll: Roll | None) -> dict[int, Mark]:
    if roll is None:
        return {}
    return {m.student_id: m for m in roll.marks.annotate(corrections=Count("changes"))}


def month_grid(classroom: Classroom, first: datetime.date, last: datetime.date):
    """{student id: {date: status or leave kind}} of the daily roll, and the dates with a roll
    (two queries)."""
    marks = _daily_marks(roll__classroom=classroom, date__gte=first, date__lte=last)
    grid: dict[int, dict[datetime.date, str]] = {}
    for student_id, day, status, kind in marks.values_list(
        "student_id", "date", "status", "leave_kind"
    ):
        grid.setdefault(student_id, {})[day] = kind or status
    rolled = set(
        Roll.objects.filter(
            classroom=classroom, period=0, date__gte=first, date__lte=last
        ).values_list("date", flat=True)
    )
    return grid, rolled


def flag_case_text(student: Student) -> str:
    """What the student's open flags say, for the description of a dropout-risk case opened
    from them (dropouts' report form, ``?reason=attendance``)."""
    from django.utils.translation import gettext as _

    from carecore.dates import format_date

    parts = []
    for flag in _flags(AttendanceFlag.State.OPEN, student=student):
        if flag.kind == AttendanceFlag.Kind.STREAK:
            parts.append(
                _("Absent %(n)s school days in a row since %(since)s.")
                % {"n": flag.value, "since": format_date(flag.since)}
            )
        else:
            parts.append(
                _("Attendance %(n)s%% this term, under the threshold.") % {"n": flag.value}
            )
    return " ".join(parts)
