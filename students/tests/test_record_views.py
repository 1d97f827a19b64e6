"""Pages of the cumulative record: reading, editing by the homeroom teacher, history, refusals,
input mistakes, printing, and the completeness shown on the student and classroom pages.

Texts are compared in Thai (the default UI language) through the catalogue."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.models import AuditEvent, GeneratedFile
from conftest import make_student, th
from schools.models import Classroom, Grade, HomeroomAssignment
from students.models import FamilyRecord, HealthRecord, RecordRevision, TermResult
from students.record.services import record_section_update, term_result_save


def url(name: str, side, student, **kwargs) -> str:
    return reverse(
        f"students:{name}",
        kwargs={"school_code": side.school.code, "student_id": student.pk, **kwargs},
    )


HEALTH_POST = {
    "weight_kg": "31.5",
    "height_cm": "134",
    "measured_on": "",
    "eyesight": "glasses",
    "hearing": "normal",
    "has_chronic_illness": "false",
    "chronic_illness": "",
    "mind_behaviour_notes": "ร่าเริง ชอบช่วยเพื่อน",
}


def family_post(**overrides) -> dict:
    data = {
        "lives_with": "grandparents",
        "lives_with_other": "",
        "parents_status": "working_away",
        "working_away_place": "กรุงเทพมหานคร",
        "household_size": "3",
        "income_per_month": "6,000",
        "main_occupations": "ทำนา",
        "welfare_card": "true",
        "equity_scholarship": "receiving",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "members-0-relation": "ยาย",
        "members-0-age": "67",
        "members-0-occupation": "ทำนา",
        "members-1-relation": "",
        "members-1-age": "",
        "members-1-occupation": "",
    }
    data.update(overrides)
    return data


def health(student) -> HealthRecord | None:
    with scopes_disabled():
        return HealthRecord.objects.filter(student=student).first()


class TestOverview:
    def test_shows_the_four_sections_and_logs_the_view(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).get(url("record", a, a.student))

        assert response.status_code == 200
        for label in ("Ability", "Health", "Family", "Protection and other"):
            assertContains(response, th(label))
        assertContains(response, th("%(done)s of %(total)s sections complete", done=0, total=4))
        assertContains(response, url("record_section_edit", a, a.student, section="health"))
        with scopes_disabled():
            event = AuditEvent.objects.get()
        assert event.action == AuditEvent.Action.VIEW
        assert event.student_id == a.student.pk

    def test_the_director_reads_without_edit_buttons(self, world, login):
        a = world.a
        response = login(a.users["director"]).get(url("record", a, a.student))
        assert response.status_code == 200
        assertNotContains(response, url("record_section_edit", a, a.student, section="health"))

    def test_another_teacher_and_another_school_get_404(self, world, login):
        a, b = world.a, world.b
        assert login(a.users["homeroom_other"]).get(url("record", a, a.student)).status_code == 404
        # B's coordinator cannot open A's school; A's coordinator cannot reach B's student.
        assert login(b.users["coordinator"]).get(url("record", a, a.student)).status_code == 404
        wrong = url("record", a, b.student)
        assert login(a.users["coordinator"]).get(wrong).status_code == 404

    def test_unknown_section_is_404(self, world, login):
        a = world.a
        client = login(a.users["homeroom"])
        assert client.get(url("record_section", a, a.student, section="x")).status_code == 404
        edit = url("record_section_edit", a, a.student, section="x")
        assert client.get(edit).status_code == 404


class TestEditSection:
    def test_the_homeroom_teacher_saves_the_health_section(self, world, login):
        a = world.a
        client = login(a.users["homeroom"])
        edit = url("record_section_edit", a, a.student, section="health")
        assert client.get(edit).status_code == 200

        response = client.post(edit, HEALTH_POST)

        assertRedirects(response, url("record_section", a, a.student, section="health"))
        record = health(a.student)
        assert record.weight_kg == Decimal("31.5")
        assert record.eyesight == "glasses"
        assert record.has_chronic_illness is False
        assert record.measured_on is not None  # today, when left empty
        page = client.get(url("record_section", a, a.student, section="health"))
        assertContains(page, "17.5")  # BMI 31.5 / 1.34²
        assertContains(page, th("Wears glasses"))
        assertContains(page, a.users["homeroom"].display_name)

    def test_history_shows_what_changed(self, world, login):
        a = world.a
        client = login(a.users["homeroom"])
        edit = url("record_section_edit", a, a.student, section="health")
        client.post(edit, HEALTH_POST)
        login(a.users["coordinator"]).post(edit, {**HEALTH_POST, "weight_kg": "33"})

        page = client.get(url("record_section", a, a.student, section="health"))
        content = page.content.decode()
        assertContains(page, th("weight (kg)"))
        assert "31.5</span> → 33.0" in content
        assertContains(page, a.users["coordinator"].display_name)
        with scopes_disabled():
            assert RecordRevision.objects.filter(student=a.student).count() == 2
            assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).count() == 1

    @pytest.mark.parametrize("role", ["counsellor", "director"])
    def test_readers_get_403(self, world, login, role):
        a = world.a
        client = login(a.users[role])
        edit = url("record_section_edit", a, a.student, section="health")
        assert client.get(edit).status_code == 403
        assert client.post(edit, HEALTH_POST).status_code == 403
        assert health(a.student) is None

    def test_another_teacher_and_another_school_get_404(self, world, login):
        a, b = world.a, world.b
        edit = url("record_section_edit", a, a.student, section="health")
        assert login(a.users["homeroom_other"]).post(edit, HEALTH_POST).status_code == 404
        assert login(b.users["homeroom"]).post(edit, HEALTH_POST).status_code == 404
        assert health(a.student) is None

    @pytest.mark.parametrize(
        ("field", "typed", "message"),
        [
            ("weight_kg", "350", "Enter the weight in kilograms, between 5 and 200."),
            ("weight_kg", "หนัก", None),
            ("height_cm", "13.4", "Enter the height in centimetres, between 50 and 230."),
            ("measured_on", "31/02/2568", None),
        ],
    )
    def test_mistakes_are_explained_and_what_was_typed_stays(
        self, world, login, field, typed, message
    ):
        a = world.a
        client = login(a.users["homeroom"])
        response = client.post(
            url("record_section_edit", a, a.student, section="health"),
            {**HEALTH_POST, field: typed},
        )
        assert response.status_code == 200
        assertContains(response, "is-invalid")
        if message:
            assertContains(response, th(message))
        assertContains(response, f'value="{typed}"')
        assertContains(response, "ร่าเริง ชอบช่วยเพื่อน")
        assert health(a.student) is None

    def test_an_impossible_bmi_is_caught(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).post(
            url("record_section_edit", a, a.student, section="health"),
            {**HEALTH_POST, "weight_kg": "180", "height_cm": "120"},
        )
        assert response.status_code == 200
        assertContains(response, "125.0")
        assert health(a.student) is None

    def test_family_with_thai_digits_members_and_income_per_person(self, world, login):
        a = world.a
        client = login(a.users["homeroom"])
        response = client.post(
            url("record_section_edit", a, a.student, section="family"),
            family_post(**{"income_per_month": "๖,๐๐๐"}),
        )
        assertRedirects(response, url("record_section", a, a.student, section="family"))
        with scopes_disabled():
            family = FamilyRecord.objects.get(student=a.student)
        assert family.income_per_month == 6000
        assert family.household_members == [{"relation": "ยาย", "age": 67, "occupation": "ทำนา"}]
        page = client.get(url("record_section", a, a.student, section="family"))
        assertContains(page, "2,000")  # 6,000 baht for 3 people
        assertContains(page, "ยาย")

    def test_family_mistakes(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).post(
            url("record_section_edit", a, a.student, section="family"),
            family_post(
                **{
                    "income_per_month": "-500",
                    "lives_with": "other",
                    "members-1-age": "8",
                }
            ),
        )
        assert response.status_code == 200
        assertContains(
            response, th("Enter the income in baht a month: 0 or more, at most 10,000,000.")
        )
        assertContains(response, th("Write whom the student lives with."))
        assertContains(response, th("Write the relation, or clear the row."))
        assertContains(response, 'value="-500"')
        with scopes_disabled():
            assert not FamilyRecord.objects.exists()


class TestTermResults:
    def test_enter_and_correct_a_terms_grades(self, world, login):
        a = world.a
        client = login(a.users["homeroom"])
        terms = url("record_terms", a, a.student)
        assert client.get(terms).status_code == 200
        year = world.year.year

        response = client.post(
            terms,
            {"term": f"{year}-1", "gpa": "2.75", "failed_subjects": "คณิตศาสตร์, ภาษาอังกฤษ"},
        )

        assertRedirects(response, url("record_section", a, a.student, section="ability"))
        with scopes_disabled():
            result = TermResult.objects.get(student=a.student)
        assert (result.year, result.term, result.gpa) == (year, 1, Decimal("2.75"))
        assert result.failed_subjects == ["คณิตศาสตร์", "ภาษาอังกฤษ"]
        # Opening that term again shows its grades for correcting.
        again = client.get(f"{terms}?term={year}-1")
        assertContains(again, 'value="2.75"')
        page = client.get(url("record_section", a, a.student, section="ability"))
        assertContains(page, "2.75")
        assertContains(page, f"1/{year}")

    def test_a_gpa_over_4_is_explained(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).post(
            url("record_terms", a, a.student), {"term": f"{world.year.year}-1", "gpa": "4.5"}
        )
        assert response.status_code == 200
        assertContains(response, th("A grade-point average is between 0.00 and 4.00."))
        assertContains(response, 'value="4.5"')

    def test_readers_get_403(self, world, login):
        a = world.a
        client = login(a.users["counsellor"])
        assert client.get(url("record_terms", a, a.student)).status_code == 403


class TestPrint:
    def test_print_makes_the_pdf_for_the_person_who_asked(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["homeroom"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("record_print", a, a.student))
        with scopes_disabled():
            generated = GeneratedFile.objects.get()
            export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
        assertRedirects(response, reverse("generated_file", kwargs={"file_id": generated.pk}))
        assert generated.kind == "cumulative_record"
        assert generated.status == GeneratedFile.Status.DONE  # eager in tests
        assert generated.file.read().startswith(b"%PDF")
        assert export.student_id == a.student.pk

    def test_print_is_post_only(self, world, login):
        a = world.a
        assert login(a.users["homeroom"]).get(url("record_print", a, a.student)).status_code == 405


class TestStudentPageCard:
    def test_the_student_page_links_the_record_with_its_completeness(self, world, login):
        a = world.a
        with scope(school=a.school.pk):
            record_section_update(
                student=a.student,
                section="protection",
                data={"travel_mode": "walk", "travel_minutes": 10},
                user=a.users["homeroom"],
            )
        response = login(a.users["homeroom"]).get(
            reverse(
                "students:student_detail",
                kwargs={"school_code": a.school.code, "student_id": a.student.pk},
            )
        )
        assertContains(response, url("record", a, a.student))
        assertContains(response, th("%(done)s of %(total)s sections complete", done=1, total=4))


# --- the classroom page ------------------------------------------------------------------------
def fill_room(world, count: int, *, start: int) -> Classroom:
    """A P.5 classroom of school A taught by A's homeroom teacher, with ``count`` students; every
    third has a complete record."""
    a = world.a
    with scopes_disabled():
        room = Classroom.objects.filter(school=a.school, grade=Grade.P5, room=9).first()
        if room is None:
            room = Classroom.objects.create(
                school=a.school, academic_year=world.year, grade=Grade.P5, room=9
            )
            HomeroomAssignment.objects.create(classroom=room, teacher=a.users["homeroom"])
        have = room.enrolments.count()
        for i in range(have, count):
            student = make_student(a.school, room, start + i, i + 1)
            if i % 3 == 0:
                complete_record(world, student)
    return room


def complete_record(world, student) -> None:
    user = world.a.users["homeroom"]
    with scope(school=world.a.school.pk):
        for section, data in (
            ("ability", {"talents": "วาดภาพ"}),
            (
                "health",
                {
                    "weight_kg": Decimal("30"),
                    "height_cm": Decimal("135"),
                    "eyesight": "normal",
                    "hearing": "normal",
                    "has_chronic_illness": False,
                },
            ),
            (
                "family",
                {
                    "lives_with": "both_parents",
                    "parents_status": "together",
                    "household_size": 4,
                    "income_per_month": 12000,
                    "welfare_card": False,
                },
            ),
            ("protection", {"travel_mode": "bicycle", "travel_minutes": 12}),
        ):
            record_section_update(student=student, section=section, data=data, user=user)
        term_result_save(
            student=student,
            year=world.year.year - 1,
            term=2,
            gpa=Decimal("3.00"),
            failed_subjects=[],
            incomplete_subjects=[],
            user=user,
        )


def classroom_url(world, room) -> str:
    return reverse(
        "classrooms:classroom_detail",
        kwargs={"school_code": world.a.school.code, "classroom_id": room.pk},
    )


class TestClassroomPage:
    def test_shows_how_many_records_are_complete(self, world, login):
        room = fill_room(world, 7, start=3000)
        response = login(world.a.users["homeroom"]).get(classroom_url(world, room))
        assertContains(
            response,
            th("%(done)s of %(total)s cumulative records complete", done=3, total=7),
        )
        assertContains(response, "✓ 4/4", count=3)
        assertContains(response, ">0/4<", count=4)

    def test_the_number_of_queries_does_not_grow_with_the_class(self, world, login):
        client = login(world.a.users["homeroom"])
        room = fill_room(world, 5, start=4000)
        client.get(classroom_url(world, room))  # warm up (session, content types)
        with CaptureQueriesContext(connection) as small:
            assert client.get(classroom_url(world, room)).status_code == 200
        room = fill_room(world, 45, start=4000)
        with CaptureQueriesContext(connection) as large:
            response = client.get(classroom_url(world, room))
        assertContains(
            response,
            th("%(done)s of %(total)s cumulative records complete", done=15, total=45),
        )
        assert len(large) == len(small)

    def test_pinned_query_count_of_a_45_student_classroom(
        self, world, login, django_assert_num_queries
    ):
        client = login(world.a.users["homeroom"])
        room = fill_room(world, 45, start=5000)
        client.get(classroom_url(world, room))
        # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 classroom, 7 the
        # teacher's own classrooms, 8 roster, 9 main guardians, 10 homeroom teachers, 11 record
        # completeness of the whole room (one query with EXISTS per section), 12 audit event.
        with django_assert_num_queries(PINNED_CLASSROOM_QUERIES):
            client.get(classroom_url(world, room))


PINNED_CLASSROOM_QUERIES = 12
