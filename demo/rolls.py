"""Demo attendance (issue 20): the daily roll of every classroom for each school day of the
current term so far (today's roll is left for the teacher to take), the school calendar's days
without school, and one student of teacher1's room absent the last three school days in a row,
whose flag is open.

Most children are present; each has their own habit (most miss a day or two a term, a few miss
more), with sick and personal leave, school activities and late mornings. Random absences never
run to three days in a row: the only run that should raise a flag is the one made on purpose.

Everything goes in with bulk inserts: seed_demo stays fast.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.urls import reverse

from attendance.models import AttendanceFlag, LeaveKind, Mark, Roll, SchoolHoliday, Status
from attendance.rules import expand_holidays, teaching_days
from carecore.models import Membership, Notification, Role, User
from schools.models import Classroom, Term
from students.models import Enrolment

BATCH = 2000
ONE_DAY = datetime.timedelta(days=1)
# Public holidays on a fixed date (month, day): the calendar of every demo school.
PUBLIC_HOLIDAYS = [
    (6, 3, "วันเฉลิมพระชนมพรรษาสมเด็จพระนางเจ้าฯ พระบรมราชินี"),
    (7, 28, "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"),
    (8, 12, "วันแม่แห่งชาติ"),
    (10, 13, "วันนวมินทรมหาราช"),
    (10, 23, "วันปิยมหาราช"),
    (12, 5, "วันพ่อแห่งชาติ"),
    (12, 10, "วันรัฐธรรมนูญ"),
    (12, 31, "วันสิ้นปี"),
    (1, 1, "วันขึ้นปีใหม่"),
    (1, 16, "วันครู"),
]
SCHOOL_DAY_OFF = "ครูอบรมเชิงปฏิบัติการ (งดการเรียนการสอน)"
STREAK = 3


@dataclass
class RollsResult:
    term: Term | None = None
    days: int = 0
    marks: int = 0
    flagged_student_id: int | None = None


def _days_off(term: Term, today: datetime.date) -> list[tuple[datetime.date, datetime.date, str]]:
    """The term's public holidays, and one day the school closes for teacher training (the
    Friday of its third week), never today (the demo's roll is taken today)."""
    rows = []
    for year in range(term.start.year, term.end.year + 1):
        for month, day, name in PUBLIC_HOLIDAYS:
            date = datetime.date(year, month, day)
            if term.start <= date <= term.end and date != today:
                rows.append((date, date, name))
    training = term.start + datetime.timedelta(days=14)
    training += datetime.timedelta(days=(4 - training.weekday()) % 7)
    if training <= term.end and training != today:
        rows.append((training, training, SCHOOL_DAY_OFF))
    return sorted(rows)


def _habit(rng: random.Random) -> tuple[float, float, float]:
    """A child's chances of being absent, on leave and late on a school day."""
    draw = rng.random()
    if draw < 0.8:
        return 0.008, 0.012, 0.02
    if draw < 0.95:
        return 0.03, 0.025, 0.05
    return 0.07, 0.03, 0.08


def _day_mark(rng: random.Random, habit, absent_before: int) -> tuple[str, str]:
    absent, leave, late = habit
    draw = rng.random()
    if draw < absent and absent_before < STREAK - 1:
        return Status.ABSENT, ""
    if draw < absent + leave:
        kind = rng.choices(
            [LeaveKind.SICK, LeaveKind.PERSONAL, LeaveKind.ACTIVITY], weights=[70, 20, 10]
        )[0]
        return Status.LEAVE, kind
    if draw < absent + leave + late:
        return Status.LATE, ""
    return Status.PRESENT, ""


def seed_rolls(
    *,
    academic_year,
    school_ids: list[int],
    recorders: dict[int, int],
    rng: random.Random,
    today: datetime.date,
    streak_classroom_id: int | None = None,
    keep_present: set[int] = frozenset(),
    marks_of: dict[int, dict[datetime.date, tuple[str, str]]] | None = None,
) -> RollsResult:
    """The rolls of the current term so far (run inside scopes_disabled). ``marks_of`` forces
    some students' marks on some days; ``keep_present`` students are never in the random run
    of absences; a student of ``streak_classroom_id`` is absent the last three school days."""
    result = RollsResult()
    term = (
        Term.objects.filter(academic_year=academic_year, start__lte=today)
        .order_by("-start")
        .first()
    )
    if term is None:
        return result
    result.term = term
    off = _days_off(term, today)
    SchoolHoliday.objects.bulk_create(
        [
            SchoolHoliday(school_id=school_id, start=start, end=end, name=name)
            for school_id in school_ids
            for start, end, name in off
        ],
        batch_size=BATCH,
    )
    days = teaching_days(
        term.start, min(term.end, today - ONE_DAY), expand_holidays((s, e) for s, e, _n in off)
    )
    result.days = len(days)
    if not days:
        return result
    rooms = list(
        Classroom.objects.filter(academic_year=academic_year, school_id__in=school_ids)
        .order_by("school_id", "grade", "room")
        .values_list("pk", "school_id")
    )
    pupils: dict[int, list[int]] = {}
    for classroom_id, student_id in (
        Enrolment.objects.filter(classroom__in=[pk for pk, _s in rooms])
        .order_by("classroom_id", "number")
        .values_list("classroom_id", "student_id")
    ):
        pupils.setdefault(classroom_id, []).append(student_id)
    forced = dict(marks_of or {})
    if streak_classroom_id and len(days) >= STREAK:
        candidates = [s for s in pupils.get(streak_classroom_id, []) if s not in keep_present]
        if candidates:
            flagged = candidates[len(candidates) // 2]
            forced[flagged] = {day: (Status.ABSENT, "") for day in days[-STREAK:]}
            if len(days) > STREAK:  # the run starts where it is flagged
                forced[flagged][days[-STREAK - 1]] = (Status.PRESENT, "")
            result.flagged_student_id = flagged
    for classroom_id, school_id in rooms:
        students = pupils.get(classroom_id, [])
        if not students:
            continue
        teacher = recorders.get(classroom_id)
        rolls = Roll.objects.bulk_create(
            [
                Roll(
                    school_id=school_id,
                    classroom_id=classroom_id,
                    date=day,
                    taken_by_id=teacher,
                    changed_by_id=teacher,
                )
                for day in days
            ]
        )
        marks = []
        for student_id in students:
            habit = _habit(rng)
            own = forced.get(student_id, {})
            absent_before = 0
            for day, roll in zip(days, rolls, strict=True):
                status, kind = own.get(day) or _day_mark(rng, habit, absent_before)
                absent_before = absent_before + 1 if status == Status.ABSENT else 0
                marks.append(
                    Mark(
                        roll=roll,
                        student_id=student_id,
                        school_id=school_id,
                        date=day,
                        status=status,
                        leave_kind=kind,
                    )
                )
        Mark.objects.bulk_create(marks, batch_size=BATCH)
        result.marks += len(marks)
    if result.flagged_student_id:
        _flag(result, term, days, streak_classroom_id)
    return result


def _flag(result: RollsResult, term: Term, days: list[datetime.date], classroom_id: int) -> None:
    """The open flag of the run made on purpose, and the notifications it sent at the time
    (the homeroom teachers and the coordinators, content-free)."""
    classroom = Classroom.objects.select_related("school").get(pk=classroom_id)
    AttendanceFlag.objects.create(
        school=classroom.school,
        student_id=result.flagged_student_id,
        term=term,
        kind=AttendanceFlag.Kind.STREAK,
        since=days[-STREAK],
        raised_on=days[-1],
        value=STREAK,
    )
    staff = set(classroom.assignments.values_list("teacher_id", flat=True))
    staff |= set(
        Membership.objects.filter(school=classroom.school, role=Role.COORDINATOR).values_list(
            "user_id", flat=True
        )
    )
    url = reverse("attendance:flags", kwargs={"school_code": classroom.school.code})
    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=Notification.Kind.ATTENDANCE_FLAG,
                url=url,
                place=classroom.school.name,
            )
            for user in User.objects.filter(pk__in=staff)
        ]
    )
