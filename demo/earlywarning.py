"""Demo early warning (issue 22): the students of this term's dropout cases showed the signs a
school would have seen before anyone reported them, and the early warning's weekly levels of
the term so far are computed as the nightly job would have left them, so that each of those
students' trend shows the warning before their case was opened (docs/early-warning.md, "In
the demo").

For each case about an enrolled student reported during the current term (after its first
Monday), in the weeks before the report:

- the last finished term's GPA fell from the term before (0.7 lower, one subject failed), as
  the teachers entered it at the end of that term;
- absences: five days without leave in the four weeks up to the last Monday before the report
  (on Fridays first when the case names poverty: no money for the bus; never three days in a
  row, so that no attendance flag is owed), then more after the report for a child who has
  left, one a week for a child at risk; the random absences of the rolls are taken away;
- three incidents taking points off (late twice, and work not handed in, or skipping class when
  the case names behaviour), on days the child came.

The family record, the care group and the home visit stay as the demo drew them (the home
visits agree with the record): the signs added are the attendance, behaviour and course ones.

One more student shows the same signs now, with nobody having reported them: a child of
teacher1's classroom (``watch_classroom_id``), slipping in the four weeks up to this Monday and
since, with no dropout case, no care plan and no family account (parent1's and student1's
children stay as the portal's demo drew them). The early warning is the first to say it: high
risk today, and teacher1's next step on the class list is the care plan (reporting the risk is
the coordinator's), the journey of the issue.

Then the early warning is computed (``earlywarning.compute``) for each Monday of the term so far,
oldest first (at most 12 weeks: the trend the student's page draws), at the schools of those
cases (the nightly job fills the other schools' weeks from now on; every school's past weeks
would make seed_demo slower by seconds), and for today at every school of the district: the
past weeks' snapshots, and today's results and snapshot. Grades go through the service a
teacher's save does (a revision each); marks and incidents are written in bulk.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from attendance.models import AttendanceFlag, Mark, Status
from behaviour.models import Category, Incident
from care.models import CarePlan
from demo.conduct import incident_row
from dropouts.models import DropoutCase, Situation
from earlywarning.compute import Period, recompute_district, recompute_schools
from earlywarning.model import Params
from earlywarning.selectors import district_params, week_of
from schools.models import HomeroomAssignment, Term
from students.models import Enrolment, GuardianLink, StudentAccount, TermResult
from students.record.services import term_result_save

WEEK = datetime.timedelta(days=7)
TREND_WEEKS = 12
GPA_FALL = Decimal("0.70")
USUAL_GPA = Decimal("2.70")  # the term before, when the record has none
SUBJECT_FAILED = "คณิตศาสตร์"
LATE, NO_WORK, SKIPPED = "มาสาย", "ไม่ส่งงานหรือไม่เข้าร่วมกิจกรรม", "หนีเรียนหรือออกนอกบริเวณโรงเรียน"


@dataclass
class EarlyWarningResult:
    weeks: list[datetime.date] = field(default_factory=list)  # the Mondays computed, and today
    students: list[int] = field(default_factory=list)  # the case students given signals


@dataclass
class _Unreported:
    """What ``_absences`` and ``_incidents`` read of a case, for a child nobody has reported:
    the report is "tomorrow", so the signs run up to this Monday and every other day since."""

    student: object
    reported_on: datetime.date
    causes: tuple[str, ...] = ("family",)
    situation: str = Situation.AT_RISK

    @property
    def student_id(self) -> int:
        return self.student.pk


def _previous_term(year: int, number: int) -> tuple[int, int]:
    return (year, 1) if number == 2 else (year - 1, 2)


def _last_monday_before(day: datetime.date) -> datetime.date:
    return week_of(day - datetime.timedelta(days=1))


def _no_three_in_a_row(
    chosen: list[datetime.date], days: list[datetime.date], limit: int | None = None
) -> set[datetime.date]:
    """The ``chosen`` days (in order of preference, at most ``limit``) kept while no three
    school days in a row (``days``) are all kept."""
    kept: set[datetime.date] = set()
    index = {day: i for i, day in enumerate(days)}
    for day in chosen:
        if limit is not None and len(kept) == limit:
            break
        i = index[day]
        runs = (days[start : start + 3] for start in range(max(0, i - 2), i + 1))
        if not any(len(run) == 3 and all(d in kept or d == day for d in run) for run in runs):
            kept.add(day)
    return kept


def _absences(case, days: list[datetime.date], anchor: datetime.date) -> set[datetime.date]:
    """The case student's absent days: one more than the model's threshold in the four weeks
    up to ``anchor`` (the last Monday before the report; Fridays first for a poor family, else
    the latest days), then every other day until the report, and after it two days in three
    for a child who has left, the Fridays for a child at risk."""
    window = [d for d in days if anchor - datetime.timedelta(days=27) <= d <= anchor]
    fridays = "poverty" in case.causes
    window.sort(key=lambda d: (not (fridays and d.weekday() == 4), -d.toordinal()))
    before = _no_three_in_a_row(window, days, limit=Params().absent_days + 1)
    between = [d for d in days if anchor < d < case.reported_on][::2]
    after = [d for d in days if d >= case.reported_on]
    if case.situation == Situation.DROPPED_OUT:
        after = [d for i, d in enumerate(after) if i % 3 != 2]
    else:
        after = [d for d in after if d.weekday() == 4]
    return _no_three_in_a_row(sorted(before) + between + after, days)


def _marks(case, absent: set[datetime.date], late: set[datetime.date]) -> None:
    own = Mark.objects.filter(student=case.student, period=0)
    own.filter(date__in=absent).update(status=Status.ABSENT, leave_kind="")
    own.filter(date__in=late).update(status=Status.LATE, leave_kind="")
    own.filter(status=Status.ABSENT).exclude(date__in=absent).update(status=Status.PRESENT)


def _incidents(case, enrolment, term, days, absent, anchor, teacher) -> set[datetime.date]:
    """Three incidents taking points off in the weeks before ``anchor``, on days the child came;
    returns the days they came late."""
    came = [d for d in days if d <= anchor and d not in absent][-8:]
    if len(came) < 3:
        return set()
    names = [LATE, NO_WORK if "behaviour" not in case.causes else SKIPPED, LATE]
    dated = list(zip([came[0], came[len(came) // 2], came[-1]], names, strict=True))
    categories = {
        c.name: c for c in Category.objects.filter(school=case.student.school, name__in=names)
    }
    if len(categories) < len(set(names)):
        return set()
    Incident.objects.bulk_create(
        [
            incident_row(
                category=categories[name],
                student_id=case.student_id,
                classroom_id=enrolment.classroom_id,
                academic_year=enrolment.academic_year,
                term=term,
                day=day,
                by=teacher.pk if teacher else None,
            )
            for day, name in dated
        ]
    )
    return {day for day, name in dated if name == LATE}


def _grades(student, term: Term, teacher) -> None:
    """The last finished term's GPA fell from the term before."""
    year, number = _previous_term(term.academic_year.year, term.number)
    before_year, before_number = _previous_term(year, number)
    before = TermResult.objects.filter(
        student=student, year=before_year, term=before_number
    ).first()
    if before is None or before.gpa is None:
        before = term_result_save(
            student=student,
            year=before_year,
            term=before_number,
            gpa=USUAL_GPA,
            failed_subjects=[],
            incomplete_subjects=[],
            user=teacher,
        ).record
    term_result_save(
        student=student,
        year=year,
        term=number,
        gpa=max(Decimal("0.50"), before.gpa - GPA_FALL),
        failed_subjects=[SUBJECT_FAILED],
        incomplete_subjects=[],
        user=teacher,
    )


def _unreported_in(classroom_id, academic_year, today, exclude) -> _Unreported | None:
    """The first student of the classroom (by number) with no dropout case, no care plan, no
    family account and no attendance flag, as the child nobody has reported yet."""
    if classroom_id is None:
        return None
    enrolment = (
        Enrolment.objects.filter(classroom_id=classroom_id, academic_year=academic_year)
        .exclude(student__in=exclude)
        .exclude(student__in=DropoutCase.objects.filter(student__isnull=False).values("student_id"))
        .exclude(student__in=CarePlan.objects.values("student_id"))
        .exclude(student__in=GuardianLink.objects.values("student_id"))
        .exclude(student__in=StudentAccount.objects.values("student_id"))
        .select_related("student__school")
        .order_by("number", "pk")
        .first()
    )
    if enrolment is None:
        return None
    return _Unreported(enrolment.student, reported_on=today + datetime.timedelta(days=1))


def seed_early_warning(
    *, district, academic_year, today: datetime.date, watch_classroom_id: int | None = None
) -> EarlyWarningResult:
    """Run inside scopes_disabled, after the rolls, the incidents, the dropout cases and the
    care plans; ``watch_classroom_id`` is teacher1's room (one of its children slips now)."""
    result = EarlyWarningResult()
    term = (
        Term.objects.filter(academic_year=academic_year, start__lte=today)
        .select_related("academic_year")
        .order_by("-start")
        .first()
    )
    if term is None:
        return result
    first_monday = week_of(term.start + datetime.timedelta(days=6))
    flagged = AttendanceFlag.objects.filter(school__district=district).values("student_id")
    cases = (
        DropoutCase.objects.filter(
            district=district,
            student__isnull=False,
            reported_on__gt=first_monday,
            reported_on__lte=today,
        )
        .exclude(student__in=flagged)
        .select_related("student__school")
        .order_by("reported_on", "pk")
    )
    cases = list(cases)
    unreported = _unreported_in(watch_classroom_id, academic_year, today, exclude=flagged)
    if unreported is not None:
        cases.append(unreported)
    schools = []  # of the cases' students, in the order of their reports
    for case in cases:
        enrolment = (
            Enrolment.objects.filter(student=case.student, academic_year=academic_year)
            .select_related("academic_year")
            .first()
        )
        if enrolment is None:
            continue
        assignment = HomeroomAssignment.objects.filter(classroom_id=enrolment.classroom_id)
        teacher = next((a.teacher for a in assignment.select_related("teacher")), None)
        days = sorted(
            Mark.objects.filter(student=case.student, period=0, date__gte=term.start).values_list(
                "date", flat=True
            )
        )
        anchor = _last_monday_before(case.reported_on)
        absent = _absences(case, days, anchor)
        late = _incidents(case, enrolment, term, days, absent, anchor, teacher)
        _marks(case, absent, late)
        _grades(case.student, term, teacher)
        result.students.append(case.student_id)
        if case.student.school not in schools:
            schools.append(case.student.school)

    # The weekly levels of the term so far, as the nightly job would have left them.
    monday = max(first_monday, week_of(today) - (TREND_WEEKS - 1) * WEEK)
    while monday < today:
        result.weeks.append(monday)
        monday += WEEK
    params = district_params(district)
    for day in result.weeks:
        recompute_schools([school.pk for school in schools], Period.of(day), params)
    result.weeks.append(today)
    recompute_district(district, today=today)
    return result
