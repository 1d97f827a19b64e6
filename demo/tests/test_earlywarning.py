"""Issue 22 in the demo: the students of this term's dropout cases were flagged by the early
warning before their case was opened, for the reasons a school would have seen (absences, a
fallen GPA, incidents), and the weekly levels of the term so far are there for every student."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from attendance.models import Mark, Status
from attendance.rules import longest_streak
from care.models import CarePlan
from demo.world import DEFAULT_PASSWORD, demo_build
from dropouts.models import DropoutCase
from earlywarning.compute import extract_facts_for_school
from earlywarning.model import ABC, LEVEL_HIGH, Params, evaluate
from earlywarning.models import WarningResult, WarningSnapshot
from earlywarning.selectors import week_of
from schools.models import HomeroomAssignment
from students.models import Enrolment

TODAY = datetime.date(2025, 12, 10)  # a Wednesday of term 2 of 2568 (it began on 1 November)
FIRST_MONDAY = datetime.date(2025, 11, 3)


@pytest.fixture
def demo(db):
    with scopes_disabled():
        return demo_build(schools=2, students=200, seed=11, today=TODAY)


@pytest.mark.django_db
def test_this_terms_dropout_cases_were_flagged_before_they_were_opened(demo):
    with scopes_disabled():
        cases = list(
            DropoutCase.objects.filter(
                district=demo.district,
                student__isnull=False,
                reported_on__gt=FIRST_MONDAY,
                reported_on__lte=TODAY,
            ).select_related("student__school")
        )
        assert len(cases) == 3  # reported 20, 6 and 5 days ago
        for case in cases:
            before = list(
                WarningSnapshot.objects.filter(
                    student=case.student, week__lt=case.reported_on
                ).order_by("week")
            )
            assert before and before[0].week == FIRST_MONDAY
            # High on the last Monday before the report ...
            anchor = before[-1]
            assert anchor.week == week_of(case.reported_on - datetime.timedelta(days=1))
            assert anchor.level == LEVEL_HIGH, case.description
            # ... for what the school had recorded by then: the absences of the four weeks
            # before, the term's fallen GPA, the incidents.
            facts = extract_facts_for_school(case.student.school, anchor.week)[case.student_id]
            result = evaluate(facts)
            assert (result.level, result.score) == (anchor.level, anchor.score)
            codes = {r.code for r in result.reasons}
            assert {"absent", "gpa_drop", "deductions"} <= codes
            # Every Monday before, read back now, gives what was computed then: a record
            # dated after a Monday does not change that Monday's level.
            for snapshot in before:
                week_facts = extract_facts_for_school(case.student.school, snapshot.week)
                again = evaluate(week_facts[case.student_id])
                assert (again.level, again.score) == (snapshot.level, snapshot.score)
            # Those alone (each dated before that Monday) make "high".
            dated = {"absent", "attendance_rate", "gpa_drop", "deductions"}
            assert sum(r.weight for r in result.reasons if r.code in dated) >= Params().high_score
            # Never three days absent in a row: no attendance flag is owed.
            marks = dict(
                Mark.objects.filter(student=case.student, period=0).values_list("date", "status")
            )
            assert longest_streak(sorted(marks), marks) < 3
            assert sum(s == Status.ABSENT for s in marks.values()) >= 5


@pytest.mark.django_db
def test_every_student_has_a_result_and_the_cases_schools_the_weeks_of_the_term(demo):
    with scopes_disabled():
        students = Enrolment.objects.filter(academic_year=demo.academic_year)
        assert WarningResult.objects.count() == students.count()
        this_week = week_of(TODAY)
        assert WarningSnapshot.objects.filter(week=this_week).count() == students.count()
        # The cases' school: every Monday of the term so far, for every student.
        cases = DropoutCase.objects.filter(student__isnull=False, reported_on__gt=FIRST_MONDAY)
        school = cases.first().student.school
        mondays = [FIRST_MONDAY + datetime.timedelta(weeks=n) for n in range(6)]
        assert mondays[-1] == this_week
        here = WarningSnapshot.objects.filter(school=school)
        assert sorted(set(here.values_list("week", flat=True))) == mondays
        assert here.count() == students.filter(student__school=school).count() * len(mondays)
        levels = set(WarningResult.objects.values_list("level", flat=True))
        assert levels == {"none", "watch", "high"}
        # ew-2: no one is flagged without an attendance, behaviour or course reason.
        for reasons in WarningResult.objects.exclude(level="none").values_list(
            "reasons", flat=True
        ):
            assert {r["group"] for r in reasons} & ABC


@pytest.mark.django_db
def test_teacher1_finds_a_child_nobody_reported_at_high_risk_with_the_care_plan_one_tap_away(
    demo, client
):
    with scopes_disabled():
        room = HomeroomAssignment.objects.get(teacher__username="teacher1").classroom
        # A child at high risk whom nobody has reported or planned for: the warning says it first.
        result = (
            WarningResult.objects.filter(level=LEVEL_HIGH, student__enrolments__classroom=room)
            .exclude(
                student__in=DropoutCase.objects.filter(student__isnull=False).values("student_id")
            )
            .exclude(student__in=CarePlan.objects.values("student_id"))
            .first()
        )
        assert result is not None
        student = result.student
        assert {"absent", "gpa_drop"} <= {r["code"] for r in result.reasons}
        # The weeks before: the level rose (not high from the term's first Monday).
        levels = list(
            WarningSnapshot.objects.filter(student=student)
            .order_by("week")
            .values_list("level", flat=True)
        )
        assert levels[0] != LEVEL_HIGH and levels[-1] == LEVEL_HIGH
    assert client.login(username="teacher1", password=DEFAULT_PASSWORD)
    page = client.get(
        reverse(
            "classrooms:classroom_detail",
            kwargs={"school_code": room.school.code, "classroom_id": room.pk},
        )
    ).content.decode()
    care_plan = reverse(
        "care:plan_create", kwargs={"school_code": room.school.code, "student_id": student.pk}
    )
    assert f'data-step="care_plan" href="{care_plan}?reason=early_warning"' in page
