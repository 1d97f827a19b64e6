"""Issue 22 in the demo: the students of this term's dropout cases were flagged by the early
warning before their case was opened, for the reasons a school would have seen (absences, a
fallen GPA, incidents), and the weekly levels of the term so far are there for every student."""

import datetime

import pytest
from django_scopes import scopes_disabled

from attendance.models import Mark, Status
from attendance.rules import longest_streak
from demo.world import demo_build
from dropouts.models import DropoutCase
from earlywarning.compute import extract_facts_for_school
from earlywarning.model import ABC, LEVEL_HIGH, Params, evaluate
from earlywarning.models import WarningResult, WarningSnapshot
from earlywarning.selectors import week_of
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
