"""The figures of the screening summaries, computed for a classroom built by hand, and the
number of queries each selector makes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_scopes import scope, scopes_disabled

from conftest import make_student
from schools.models import Classroom, Grade
from schools.tests.factories import ClassroomFactory
from screening import scoring, services, summaries
from screening.models import AspectResult, Status

REVERSE = (7, 11, 14, 21, 25)
EMOTIONAL = (3, 8, 13, 16, 24)


def calm() -> list[int]:
    """Every difficulty scale 0 (0 everywhere, 2 on the reverse items); prosocial 0."""
    return [2 if n in REVERSE else 0 for n in range(1, 26)]


def emotional(score: int) -> list[int]:
    answers = calm()
    for item in EMOTIONAL:
        take = min(2, score)
        answers[item - 1] = take
        score -= take
    return answers


# EQ 6–11 answers where every item scores 3 (answer 3, or 2 on a reverse item): every
# sub-aspect at T 43 or more, so the EQ adds nothing to the group.
EQ6_CALM = [2 if n in scoring.eq_instrument("eq6").reverse else 3 for n in range(1, 61)]
EQ6_TOTAL = scoring.eq_score("eq6", EQ6_CALM).total


def draft() -> list:
    answers: list = calm()
    answers[24] = None  # item 25 unanswered
    return answers


@dataclass
class Built:
    term: object
    p5: Classroom
    p2: Classroom
    students: dict


def build(world, term) -> Built:
    """Two classrooms of school A, one of ป.5 (all three SDQ forms) and one of ป.2 (teacher form
    only), with known results:

    ป.5/3: normal   all three forms, EQ complete                  -> normal
           (aged 11, so the self-report applies, except to "none")
           risk     teacher emotional 4 (risk), parent draft       -> risk
           problem  teacher emotional 5 (problem), special ability -> problem + special
           none     nothing, no birth date (no EQ)                 -> not screened
           override teacher draft only, set to risk by the teacher -> risk
    ป.2/3: calm     teacher normal                                  -> normal
           blank    nothing                                         -> not screened
    """
    a = world.a
    teacher = a.users["homeroom"]
    # ป.5 born eleven years before the term: the EQ 6–11 form and the self-report apply; ป.2
    # born ten years before: the EQ 6–11 form only.
    born = term.start.replace(year=term.start.year - 11)
    born_p2 = term.start.replace(year=term.start.year - 10)
    with scopes_disabled():
        p5 = ClassroomFactory(school=a.school, grade=Grade.P5, room=3)
        p2 = ClassroomFactory(school=a.school, grade=Grade.P2, room=3)
        s = {}
        for n, key in enumerate(["normal", "risk", "problem", "none", "override"], start=1):
            s[key] = make_student(
                a.school,
                p5,
                700 + n,
                n,
                first_name=f"ห้าสาม{key}",
                birth_date=None if key == "none" else born,
            )
        for n, key in enumerate(["calm", "blank"], start=1):
            s[key] = make_student(
                a.school, p2, 720 + n, n, first_name=f"สองสาม{key}", birth_date=born_p2
            )

        def sdq(student, rater, answers, **extra):
            services.sdq_response_save(
                student=student, term=term, rater=rater, answers=answers, user=teacher, **extra
            )

        for rater in ("teacher", "parent", "student"):
            sdq(s["normal"], rater, calm())
        services.eq_response_save(
            student=s["normal"], term=term, instrument="eq6", rater="teacher", answers=EQ6_CALM
        )
        sdq(
            s["risk"],
            "teacher",
            emotional(4),
            impact={"difficulties": 1, "distress": 0, "peers": 0, "classroom": 1},
        )
        sdq(s["risk"], "parent", draft())
        sdq(s["problem"], "teacher", emotional(5))
        AspectResult.objects.create(
            student=s["problem"],
            term=term,
            aspect="special_ability",
            level="special",
            indicators=[{"code": "ability_sports", "level": "special"}],
        )
        services.care_group_refresh(student=s["problem"], term=term)
        sdq(s["override"], "teacher", draft())
        services.care_group_override(
            student=s["override"], term=term, level="risk", reason="พ่อแม่แยกทางกัน", user=teacher
        )
        sdq(s["calm"], "teacher", calm())
    return Built(term=term, p5=p5, p2=p2, students=s)


@pytest.fixture
def built(world, term1):
    return build(world, term1)


def rows_by_label(world, built, **kwargs):
    with scope(school=world.a.school.pk), translation.override("en"):
        rows = summaries.completion_by_classroom(school=world.a.school, term=built.term, **kwargs)
    return {row.label: row for row in rows}


class TestCompletionByClassroom:
    def test_counts_forms_and_groups_of_a_classroom_with_every_form(self, world, built):
        row = rows_by_label(world, built)["P.5/3"]
        assert row.students == 5
        f = row.forms
        assert (f["teacher"].applicable, f["teacher"].complete, f["teacher"].draft) == (5, 3, 1)
        assert f["teacher"].not_started == 1
        assert (f["parent"].applicable, f["parent"].complete, f["parent"].draft) == (5, 1, 1)
        # The self-report by age: the student without a birth date is not offered it.
        assert (f["student"].applicable, f["student"].complete, f["student"].draft) == (4, 1, 0)
        # Four students have a birth date that puts them in the EQ's ages; one form is done.
        assert (f["eq"].applicable, f["eq"].complete, f["eq"].draft) == (4, 1, 0)
        assert f["teacher"].percent == Decimal("60.00")
        assert row.groups == {"normal": 1, "risk": 2, "problem": 1}
        assert (row.special, row.screened, row.not_screened) == (1, 4, 1)
        cells = {code: (n, pct) for code, _label, n, pct in row.group_cells()}
        assert cells["risk"] == (2, Decimal("40.00"))
        assert cells["special"] == (1, Decimal("20.00"))
        assert cells["not_screened"] == (1, Decimal("20.00"))

    def test_parent_and_self_report_forms_do_not_apply_below_p4(self, world, built):
        row = rows_by_label(world, built)["P.2/3"]
        assert row.students == 2
        assert row.forms["teacher"].applies
        assert (row.forms["teacher"].applicable, row.forms["teacher"].complete) == (2, 1)
        assert not row.forms["parent"].applies and not row.forms["student"].applies
        assert row.forms["parent"].percent is None
        assert row.groups == {"normal": 1, "risk": 0, "problem": 0}

    def test_other_terms_and_other_schools_do_not_count(self, world, built, term2):
        with scopes_disabled():
            services.sdq_response_save(
                student=built.students["none"], term=term2, rater="teacher", answers=emotional(5)
            )
            services.sdq_response_save(
                student=world.b.student, term=built.term, rater="teacher", answers=calm()
            )
        row = rows_by_label(world, built)["P.5/3"]
        assert (row.forms["teacher"].complete, row.not_screened) == (3, 1)
        # School B's classroom is not listed for school A.
        assert set(rows_by_label(world, built)) == {"P.4/1", "P.4/2", "P.2/3", "P.5/3"}

    def test_classroom_ids_limit_the_rows(self, world, built):
        rows = rows_by_label(world, built, classroom_ids=[built.p2.pk])
        assert list(rows) == ["P.2/3"]

    def test_the_rows_follow_grade_and_room(self, world, built):
        assert list(rows_by_label(world, built)) == ["P.2/3", "P.4/1", "P.4/2", "P.5/3"]

    def test_two_queries_whatever_the_number_of_classrooms(self, world, term1):
        def queries_for(count: int) -> int:
            with scopes_disabled():
                rooms = [
                    ClassroomFactory(school=world.a.school, grade=Grade.M1, room=count * 10 + i)
                    for i in range(count)
                ]
                for i, room in enumerate(rooms):
                    student = make_student(world.a.school, room, 900 + count * 10 + i, 1)
                    services.sdq_response_save(
                        student=student, term=term1, rater="teacher", answers=calm()
                    )
            with scope(school=world.a.school.pk), CaptureQueriesContext(connection) as ctx:
                rows = summaries.completion_by_classroom(
                    school=world.a.school, term=term1, classroom_ids=[r.pk for r in rooms]
                )
            assert len(rows) == count
            assert all(row.forms["teacher"].complete == 1 for row in rows)
            return len(ctx.captured_queries)

        assert queries_for(2) == queries_for(6) == 2


class TestSums:
    def test_grades_and_school_total_add_up(self, world, built):
        with scope(school=world.a.school.pk), translation.override("en"):
            summary = summaries.school_summary(school=world.a.school, term=built.term)
        grades = {row.label: row for row in summary.grades}
        assert list(grades) == ["P.2", "P.4", "P.5"]
        # ป.4: the two classrooms of the world, one student each, nothing entered.
        assert (grades["P.4"].classrooms, grades["P.4"].students) == (2, 2)
        assert grades["P.4"].not_screened == 2
        total = summary.total
        assert (total.students, total.classrooms) == (9, 4)
        assert total.groups == {"normal": 2, "risk": 2, "problem": 1}
        assert total.special == 1
        assert (total.forms["teacher"].applicable, total.forms["teacher"].complete) == (9, 4)
        # The parent form applies in ป.4 and ป.5 only.
        assert (total.forms["parent"].applicable, total.forms["parent"].complete) == (7, 1)
        assert total.group_percent("normal") == Decimal("22.22")
        assert summary.whole_school

    def test_limited_to_some_classrooms(self, world, built):
        with scope(school=world.a.school.pk):
            summary = summaries.school_summary(
                school=world.a.school, term=built.term, classroom_ids=[built.p5.pk]
            )
        assert [row.classroom for row in summary.rows] == [built.p5]
        assert summary.total.students == 5 and not summary.whole_school


class TestClassroomSummary:
    def summary(self, world, built, classroom=None):
        with scope(school=world.a.school.pk), translation.override("en"):
            result = summaries.classroom_summary(classroom=classroom or built.p5, term=built.term)
            rows = {row.student.first_name: row for row in result.rows}
            texts = {
                name: ([cell.text() for cell in row.sdq], row.eq.text())
                for name, row in rows.items()
            }
        return result, rows, texts

    @translation.override("en")
    def test_a_row_per_student_with_group_bands_and_flagged_scales(self, world, built):
        result, rows, texts = self.summary(world, built)
        assert [row.enrolment.number for row in result.rows] == [1, 2, 3, 4, 5]
        assert rows["ห้าสามnormal"].level == "normal"
        assert texts["ห้าสามnormal"] == (
            ["Total 0 (Normal)", "Total 0 (Normal)", "Total 0 (Normal)"],
            f"Total {EQ6_TOTAL}",
        )
        risk = rows["ห้าสามrisk"]
        assert risk.level == "risk" and not risk.special
        # Teacher: emotional 4 is at risk; the impact (classroom "only a little" scores 0) is
        # normal and not named.
        assert texts["ห้าสามrisk"][0] == [
            "Total 4 (Normal), Emotional symptoms (At risk)",
            "incomplete",
            "not done",
        ]
        problem = rows["ห้าสามproblem"]
        assert (problem.level, problem.special) == ("problem", True)
        assert texts["ห้าสามproblem"][0][0] == "Total 5 (Normal), Emotional symptoms (Has problems)"
        assert rows["ห้าสามnone"].level == "" and rows["ห้าสามnone"].level_label == "Not screened"
        # No birth date: the EQ does not apply (—); the others have not done it.
        # No birth date: no self-report (and no EQ).
        assert texts["ห้าสามnone"] == (["not done", "not done", "—"], "—")
        assert texts["ห้าสามrisk"][1] == "not done"
        override = rows["ห้าสามoverride"]
        assert override.level == "risk" and override.overridden

    def test_counts_are_those_of_the_completion_selector(self, world, built):
        result, _rows, _texts = self.summary(world, built)
        assert result.counts.students == 5
        assert result.counts.groups == {"normal": 1, "risk": 2, "problem": 1}
        assert result.raters == ("teacher", "parent", "student")

    def test_grade_without_parent_forms_shows_them_as_not_used(self, world, built):
        result, rows, texts = self.summary(world, built, classroom=built.p2)
        assert result.raters == ("teacher",)
        assert texts["สองสามcalm"][0] == ["Total 0 (Normal)", "—", "—"]

    def test_same_number_of_queries_for_5_and_30_students(self, world, term1):
        def queries_for(count: int) -> int:
            with scopes_disabled():
                room = ClassroomFactory(school=world.a.school, grade=Grade.M2, room=count)
                for i in range(count):
                    student = make_student(world.a.school, room, 2000 + count * 40 + i, i + 1)
                    services.sdq_response_save(
                        student=student,
                        term=term1,
                        rater="teacher",
                        answers=emotional(i % 6),
                    )
            with scope(school=world.a.school.pk), CaptureQueriesContext(connection) as ctx:
                result = summaries.classroom_summary(classroom=room, term=term1)
                # Everything a page or a document reads from the rows.
                for row in result.rows:
                    [cell.text() for cell in row.sdq]
                    row.eq.text()
                    row.level_label  # noqa: B018
            assert len(result.rows) == count
            return len(ctx.captured_queries)

        assert queries_for(5) == queries_for(30) == 8


class TestStudentSummary:
    def test_every_form_the_group_its_reasons_and_the_special_flag(self, world, built):
        with scope(school=world.a.school.pk), translation.override("en"):
            summary = summaries.student_summary(student=built.students["problem"], term=built.term)
            teacher = summary.sdq[0]
            lines = {line.code: (line.score, line.band) for line in teacher.lines}
            reasons = summary.reasons
            special = summary.special_reasons
            aspects = [(a.label, a.level_label, a.indicators) for a in summary.aspects]
            not_done = summary.sdq_not_done
            level = summary.level_label
        assert summary.enrolment.classroom == built.p5
        assert [form.rater for form in summary.sdq] == ["teacher"]
        assert lines["emotional"] == (5, "problem")
        assert lines["total"] == (5, "normal")
        assert lines["prosocial"] == (0, "no_strength")
        assert "impact" not in lines  # the back page was not filled in
        assert not_done == ["Parent", "Student (self-report)"]
        assert level == "Has problems"
        assert reasons == ["SDQ, Teacher form: Emotional symptoms 5 (Has problems)"]
        assert special == ["Special ability: Talent in sports"]
        assert aspects == [("Special ability", "Special", ["Talent in sports"])]

    def test_impact_eq_draft_and_override(self, world, built):
        with scope(school=world.a.school.pk), translation.override("en"):
            risk = summaries.student_summary(student=built.students["risk"], term=built.term)
            normal = summaries.student_summary(student=built.students["normal"], term=built.term)
            override = summaries.student_summary(
                student=built.students["override"], term=built.term
            )
            eq_lines = {line.code: line for line in normal.eq[0].lines}
        teacher = {line.code: (line.score, line.band) for line in risk.sdq[0].lines}
        # Impact: distress 0 -> 0, peers 0 -> 0, classroom 1 (only a little) -> 0.
        assert teacher["impact"] == (0, "normal")
        parent = risk.sdq[1]
        assert parent.rater == "parent" and not parent.complete and parent.missing == [25]
        assert [f.rater for f in normal.sdq] == ["teacher", "parent", "student"]
        assert normal.eq[0].complete and eq_lines["total"].score == EQ6_TOTAL
        assert override.group.is_overridden
        assert override.group.override_reason == "พ่อแม่แยกทางกัน"
        assert override.group.level == "risk" and override.group.derived_level == "normal"

    def test_fixed_number_of_queries(self, world, built):
        with scope(school=world.a.school.pk), CaptureQueriesContext(connection) as ctx:
            summaries.student_summary(student=built.students["normal"], term=built.term)
        assert len(ctx.captured_queries) == 6


class TestEqApplies:
    @pytest.mark.parametrize(
        ("born", "applies"),
        [
            (datetime.date(2019, 5, 16), True),  # 6 on the day
            (datetime.date(2019, 5, 17), False),  # 6 the day after
            (datetime.date(2007, 5, 17), True),  # 17, turning 18 tomorrow
            (datetime.date(2007, 5, 16), False),  # 18 on the day
            (None, False),
        ],
    )
    def test_ages_six_to_seventeen_on_the_first_day_of_the_term(self, born, applies):
        on = datetime.date(2025, 5, 16)
        assert summaries.eq_applies(born, on) is applies
        if born is not None:
            from students.models import Student

            age = Student(birth_date=born).age_on(on)
            assert (6 <= age <= 17) is applies

    def test_the_database_filter_agrees(self, world, term1):
        born = [
            term1.start.replace(year=term1.start.year - 6),
            term1.start.replace(year=term1.start.year - 6) + datetime.timedelta(days=1),
            term1.start.replace(year=term1.start.year - 18) + datetime.timedelta(days=1),
            term1.start.replace(year=term1.start.year - 18),
        ]
        with scopes_disabled():
            room = ClassroomFactory(school=world.a.school, grade=Grade.P1, room=9)
            for i, day in enumerate(born):
                make_student(world.a.school, room, 3000 + i, i + 1, birth_date=day)
        with scope(school=world.a.school.pk):
            (row,) = summaries.completion_by_classroom(
                school=world.a.school, term=term1, classroom_ids=[room.pk]
            )
        expected = sum(summaries.eq_applies(day, term1.start) for day in born)
        assert row.forms["eq"].applicable == expected == 2


def test_status_values_are_the_ones_counted():
    # completion_by_classroom orders by status to let "complete" win over "draft".
    assert sorted([Status.DRAFT, Status.COMPLETE]) == [Status.COMPLETE, Status.DRAFT]
