"""Student pages: the student record, editing it, and the guardians.

Texts are compared in Thai (the default UI language) through the catalogue; names, codes and
dates are compared as data.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.dates import format_date
from conftest import th
from students.models import Guardian, Student


# --- helpers -----------------------------------------------------------------------------------
def room_name(classroom) -> str:
    with translation.override("th"):
        return str(classroom)


def detail_url(side, student) -> str:
    return reverse(
        "students:student_detail",
        kwargs={"school_code": side.school.code, "student_id": student.pk},
    )


def edit_url(side, student) -> str:
    return reverse(
        "students:student_edit",
        kwargs={"school_code": side.school.code, "student_id": student.pk},
    )


def guardian_create_url(side, student) -> str:
    return reverse(
        "students:guardian_create",
        kwargs={"school_code": side.school.code, "student_id": student.pk},
    )


def guardian_edit_url(side, student, guardian) -> str:
    return reverse(
        "students:guardian_edit",
        kwargs={
            "school_code": side.school.code,
            "student_id": student.pk,
            "guardian_id": guardian.pk,
        },
    )


def fresh(student) -> Student:
    with scopes_disabled():
        return Student.objects.get(pk=student.pk)


def student_data(student, **overrides) -> dict:
    """The edit form as it comes filled in, with ``overrides`` typed over it."""
    data = {
        "student_code": student.student_code,
        "national_id": student.national_id,
        "prefix": student.prefix,
        "first_name": student.first_name,
        "last_name": student.last_name,
        "nickname": student.nickname,
        "gender": student.gender,
        "birth_date": format_date(student.birth_date, "numeric") if student.birth_date else "",
    }
    data.update(overrides)
    return data


def with_bad_check_digit(national_id: str) -> str:
    return national_id[:12] + str((int(national_id[12]) + 1) % 10)


def dashed(national_id: str) -> str:
    n = national_id
    return f"{n[0]}-{n[1:5]}-{n[5:10]}-{n[10:12]}-{n[12]}"


# --- student_detail ----------------------------------------------------------------------------
class TestStudentDetail:
    def test_shows_the_record_with_a_masked_national_id(self, world, login):
        a = world.a
        student = a.student
        response = login(a.users["coordinator"]).get(detail_url(a, student))

        assert response.status_code == 200
        assertContains(response, escape(student.full_name))
        assertContains(response, student.student_code)
        assertContains(response, student.masked_national_id)
        assert student.masked_national_id.endswith(
            student.national_id[-3:-1] + "-" + student.national_id[-1]
        )
        assertNotContains(response, student.national_id)
        assertNotContains(response, dashed(student.national_id))
        assertNotContains(response, student.national_id[:10])
        # The main guardian, and the classroom of this year.
        assertContains(response, escape(str(a.guardian)))
        assertContains(response, th("Main guardian"))
        assertContains(
            response,
            th("Classroom %(room)s, number %(number)s", room=room_name(a.classroom), number=1),
        )

    def test_student_not_in_a_classroom_this_year(self, world, login):
        a = world.a
        with scopes_disabled():
            a.student.enrolments.all().delete()
        response = login(a.users["coordinator"]).get(detail_url(a, a.student))

        assertContains(response, th("Not in a classroom this year"))
        assertNotContains(
            response,
            th("Classroom %(room)s, number %(number)s", room=room_name(a.classroom), number=1),
        )

    def test_homeroom_teacher_of_the_classroom_sees_the_student(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).get(detail_url(a, a.student))

        assert response.status_code == 200
        assertContains(response, escape(a.student.full_name))
        # Viewing is not editing.
        assertNotContains(response, f'href="{edit_url(a, a.student)}"')

    def test_coordinator_gets_the_edit_links(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).get(detail_url(a, a.student))

        assertContains(response, f'href="{edit_url(a, a.student)}"')
        assertContains(response, f'href="{guardian_create_url(a, a.student)}"')
        assertContains(response, f'href="{guardian_edit_url(a, a.student, a.guardian)}"')

    def test_homeroom_teacher_of_another_classroom_gets_404(self, world, login):
        a = world.a
        response = login(a.users["homeroom_other"]).get(detail_url(a, a.student))

        assert response.status_code == 404
        assertNotContains(response, escape(a.student.full_name), status_code=404)

    def test_student_of_another_school_gets_404(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).get(detail_url(a, b.student))

        assert response.status_code == 404


# --- student_edit ------------------------------------------------------------------------------
class TestStudentEdit:
    def test_buddhist_era_birth_date_is_stored_and_shown_back(self, world, login):
        a = world.a
        client = login(a.users["coordinator"])
        response = client.post(
            edit_url(a, a.student), student_data(a.student, birth_date="15/06/2560")
        )

        assertRedirects(response, detail_url(a, a.student), fetch_redirect_response=False)
        assert fresh(a.student).birth_date == datetime.date(2017, 6, 15)
        form_page = client.get(edit_url(a, a.student))
        assertContains(form_page, 'name="birth_date" value="15/06/2560"')
        with translation.override("th"):
            long_date = format_date(datetime.date(2017, 6, 15), "long")
        assertContains(client.get(detail_url(a, a.student)), long_date)

    def test_national_id_with_bad_check_digit_is_rejected_and_input_kept(self, world, login):
        a = world.a
        before = fresh(a.student)
        bad = with_bad_check_digit(a.student.national_id)
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student),
            student_data(a.student, national_id=bad, first_name="เปลี่ยนชื่อ", nickname="ต้น"),
        )

        assert response.status_code == 200
        assert response.context["form"].errors["national_id"] == [
            th("This national ID is not valid: its last digit does not match the check digit.")
        ]
        assertContains(response, 'name="first_name" value="เปลี่ยนชื่อ"')
        assertContains(response, 'name="nickname" value="ต้น"')
        after = fresh(a.student)
        assert (after.national_id, after.first_name, after.nickname, after.modified) == (
            before.national_id,
            before.first_name,
            before.nickname,
            before.modified,
        )

    def test_rejected_edit_keeps_the_saved_name_in_the_breadcrumb(self, world, login):
        a = world.a
        saved_name = escape(a.student.full_name)
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student),
            student_data(
                a.student,
                national_id=with_bad_check_digit(a.student.national_id),
                first_name="เปลี่ยนชื่อ",
            ),
        )

        assert response.status_code == 200
        assertContains(response, f'<a href="{detail_url(a, a.student)}">{saved_name}</a>')

    def test_national_id_typed_with_dashes_is_stored_as_digits(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student),
            student_data(a.student, national_id=dashed(a.student.national_id)),
        )

        assert response.status_code == 302
        assert fresh(a.student).national_id == a.student.national_id

    def test_birth_date_in_the_future_is_rejected(self, world, login):
        a = world.a
        before = fresh(a.student).birth_date
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student),
            student_data(a.student, birth_date=format_date(tomorrow, "numeric")),
        )

        assert response.status_code == 200
        assert response.context["form"].errors["birth_date"] == [
            th("The birth date cannot be in the future.")
        ]
        assert fresh(a.student).birth_date == before

    def test_student_code_of_another_student_of_the_school_is_rejected(self, world, login):
        a = world.a
        taken = a.other_student.student_code
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student), student_data(a.student, student_code=taken)
        )

        assert response.status_code == 200
        assert (
            th("Another student of this school has this student code.")
            in response.context["form"].errors["student_code"]
        )
        assertContains(response, th("Another student of this school has this student code."))
        assert fresh(a.student).student_code == a.student.student_code

    def test_student_code_used_at_another_school_is_accepted(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).post(
            edit_url(a, a.student), student_data(a.student, student_code=b.student.student_code)
        )

        assert response.status_code == 302
        assert fresh(a.student).student_code == b.student.student_code

    @pytest.mark.parametrize("role", ["homeroom", "counsellor", "director"])
    def test_post_without_edit_permission_is_forbidden(self, world, login, role):
        a = world.a
        before = fresh(a.student)
        response = login(a.users[role]).post(
            edit_url(a, a.student),
            student_data(a.student, first_name="แก้โดยครู", birth_date="15/06/2560"),
        )

        assert response.status_code == 403
        after = fresh(a.student)
        assert (after.first_name, after.birth_date) == (before.first_name, before.birth_date)


# --- guardian_edit (create and edit) -----------------------------------------------------------
def guardian_data(**overrides) -> dict:
    data = {
        "prefix": "นาย",
        "first_name": "สมปอง",
        "last_name": "ทดสอบ",
        "relation": Guardian.Relation.FATHER,
        "phone": "0899999999",
        "occupation": "เกษตรกร",
        "lives_with_student": "on",
        "is_primary": "on",
    }
    data.update(overrides)
    return data


def primary_flags(student) -> dict[str, bool]:
    with scopes_disabled():
        return dict(
            Guardian.objects.filter(student=student).values_list("first_name", "is_primary")
        )


class TestGuardianCreate:
    def test_new_main_guardian_replaces_the_previous_main_guardian(self, world, login):
        a = world.a
        client = login(a.users["coordinator"])
        response = client.post(guardian_create_url(a, a.student), guardian_data())

        assertRedirects(response, detail_url(a, a.student), fetch_redirect_response=False)
        assert primary_flags(a.student) == {"สมศรี": False, "สมปอง": True}
        # The classroom roster now shows the new main guardian.
        roster = client.get(
            reverse(
                "classrooms:classroom_detail",
                kwargs={"school_code": a.school.code, "classroom_id": a.classroom.pk},
            )
        )
        assertContains(roster, "สมปอง")
        assertNotContains(roster, "สมศรี")

    def test_new_other_guardian_leaves_the_main_guardian(self, world, login):
        a = world.a
        data = guardian_data()
        del data["is_primary"]
        response = login(a.users["coordinator"]).post(guardian_create_url(a, a.student), data)

        assert response.status_code == 302
        assert primary_flags(a.student) == {"สมศรี": True, "สมปอง": False}

    def test_main_guardians_of_other_students_are_untouched(self, world, login):
        a = world.a
        with scopes_disabled():
            Guardian.objects.create(
                student=a.other_student,
                first_name="บุญชู",
                last_name="ทดสอบ",
                relation=Guardian.Relation.FATHER,
                is_primary=True,
            )
        login(a.users["coordinator"]).post(guardian_create_url(a, a.student), guardian_data())

        assert primary_flags(a.other_student) == {"บุญชู": True}

    def test_missing_required_field_creates_nothing(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).post(
            guardian_create_url(a, a.student), guardian_data(first_name="")
        )

        assert response.status_code == 200
        assert "first_name" in response.context["form"].errors
        assert primary_flags(a.student) == {"สมศรี": True}

    def test_homeroom_teacher_post_is_forbidden(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).post(
            guardian_create_url(a, a.student), guardian_data()
        )

        assert response.status_code == 403
        assert primary_flags(a.student) == {"สมศรี": True}


class TestGuardianEdit:
    def test_making_a_guardian_main_makes_the_previous_one_not_main(self, world, login):
        a = world.a
        with scopes_disabled():
            father = Guardian.objects.create(
                student=a.student,
                first_name="สมปอง",
                last_name="ทดสอบ",
                relation=Guardian.Relation.FATHER,
                is_primary=False,
            )
        client = login(a.users["coordinator"])
        form_page = client.get(guardian_edit_url(a, a.student, father))
        assertContains(form_page, 'name="first_name" value="สมปอง"')

        response = client.post(
            guardian_edit_url(a, a.student, father), guardian_data(phone="0811111111")
        )

        assert response.status_code == 302
        assert primary_flags(a.student) == {"สมศรี": False, "สมปอง": True}
        with scopes_disabled():
            father.refresh_from_db()
        assert father.phone == "0811111111"

    def test_guardian_of_another_student_is_not_found(self, world, login):
        a = world.a
        with scopes_disabled():
            foreign = Guardian.objects.create(
                student=a.other_student,
                first_name="บุญชู",
                last_name="ทดสอบ",
                relation=Guardian.Relation.FATHER,
                is_primary=False,
            )
        client = login(a.users["coordinator"])
        url = guardian_edit_url(a, a.student, foreign)

        assert client.get(url).status_code == 404
        response = client.post(url, guardian_data(first_name="ถูกแก้"))
        assert response.status_code == 404
        assert primary_flags(a.other_student) == {"บุญชู": False}
        assert primary_flags(a.student) == {"สมศรี": True}

    def test_guardian_of_a_student_of_another_school_is_not_found(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).post(
            guardian_edit_url(a, a.student, b.guardian), guardian_data(first_name="ถูกแก้")
        )

        assert response.status_code == 404
        with scopes_disabled():
            b.guardian.refresh_from_db()
        assert (b.guardian.first_name, b.guardian.is_primary) == ("สมศรี", True)
        assert primary_flags(a.student) == {"สมศรี": True}
