"""District and network pages: aggregates of schools (never a student), and district staff
accounts.

Texts are compared in Thai (the default UI language) through the catalogue; names, codes and
numbers are compared as data.
"""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.models import Membership, Role, User
from conftest import make_student, th
from schools.models import Classroom, Grade, School
from students.models import Student


# --- helpers -----------------------------------------------------------------------------------
def district_url(side) -> str:
    return reverse("districts:district_detail", kwargs={"district_code": side.district.code})


def network_url(side) -> str:
    return reverse("districts:network_detail", kwargs={"network_id": side.network.pk})


def staff_list_url(side) -> str:
    return reverse("districts:district_staff_list", kwargs={"district_code": side.district.code})


def staff_create_url(side) -> str:
    return reverse("districts:district_staff_create", kwargs={"district_code": side.district.code})


def school_row(content: str, school) -> list[str]:
    """The cells of the school table's row for ``school``: name, code, network, rooms, students."""
    rows = [row for row in content.split("<tr>")[1:] if f">{escape(school.name)}</a>" in row]
    assert len(rows) == 1, f"expected one row for {school.name}, found {len(rows)}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], flags=re.S)
    return [re.sub(r"<[^>]+>", " ", cell).strip() for cell in cells]


def all_students() -> list[Student]:
    with scopes_disabled():
        return list(Student.objects.all())


def add_schools(side, year, count: int, *, first_code: int, students_each: int) -> list[School]:
    """``count`` more schools in the side's district and network, each with two classrooms."""
    schools = []
    with scopes_disabled():
        for i in range(count):
            school = School.objects.create(
                code=f"{first_code + i:010d}",
                name=f"โรงเรียนเพิ่ม {i}",
                district=side.district,
                network=side.network,
            )
            rooms = [
                Classroom.objects.create(
                    school=school, academic_year=year, grade=Grade.P1, room=room
                )
                for room in (1, 2)
            ]
            for k in range(students_each):
                make_student(school, rooms[k % 2], 5000 + 100 * i + k, k + 1)
            schools.append(school)
    return schools


# --- district_detail ---------------------------------------------------------------------------
class TestDistrictDetail:
    def test_supervisor_sees_school_counts_but_no_student(self, world, login):
        a, b = world.a, world.b
        with scopes_disabled():
            for k in range(3):
                make_student(a.school, a.other_classroom, 700 + k, 2 + k)
        response = login(a.users["district_supervisor"]).get(district_url(a))

        assert response.status_code == 200
        assertContains(response, escape(a.school.name))
        name, code, network, classrooms, students = school_row(response.content.decode(), a.school)
        assert (code, network, classrooms, students) == (a.school.code, a.network.name, "2", "5")
        assert response.context["student_total"] == 5
        for student in all_students():
            assertNotContains(response, student.first_name)
            assertNotContains(response, student.national_id)
        assertNotContains(response, escape(b.school.name))
        assertNotContains(response, b.school.code)

    def test_supervisor_of_another_district_gets_404(self, world, login):
        a, b = world.a, world.b
        response = login(b.users["district_supervisor"]).get(district_url(a))

        assert response.status_code == 404

    def test_query_count_is_fixed_and_does_not_grow_with_schools(
        self, world, login, django_assert_num_queries
    ):
        a = world.a
        client = login(a.users["district_supervisor"])
        # 1. django_session: the session row
        # 2. carecore_user: the logged-in user
        # 3. districts_district: the district named in the URL
        # 4. carecore_membership (+ places): the user's roles, once for access and menu
        # 5. schools_school (ids): the district's schools, for the django-scopes scope
        # 6. schools_academicyear: the current academic year
        # 7. schools_school + districts_network: the schools with their network
        # 8. students_enrolment COUNT per school: students this year
        # 9. schools_classroom COUNT per school: classrooms this year
        # 10. districts_network: the district's networks (counts are summed in Python)
        # 11. carecore_notification: what waits for the user (the district page is their home)
        # --- dropout cases (helper dropouts) ---
        # 12. dropouts_dropoutcase: open and late cases, for the link to the case list
        # --- end dropout cases ---
        with django_assert_num_queries(12):
            response = client.get(district_url(a))
        assert len(response.context["schools"]) == 1

        added = add_schools(a, world.year, 3, first_code=1040000100, students_each=4)
        with django_assert_num_queries(12):
            response = client.get(district_url(a))
        assert len(response.context["schools"]) == 4
        assert response.context["student_total"] == 2 + 3 * 4
        content = response.content.decode()
        for school in added:
            assert school_row(content, school)[3:] == ["2", "4"]


# --- network_detail ----------------------------------------------------------------------------
class TestNetworkDetail:
    def test_network_supervisor_sees_the_network_schools(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["network"]).get(network_url(a))

        assert response.status_code == 200
        assertContains(response, escape(a.network.name))
        assert school_row(response.content.decode(), a.school)[3:] == ["2", "2"]
        assertNotContains(response, escape(b.school.name))
        for student in all_students():
            assertNotContains(response, student.first_name)
        # A network supervisor has no district page to go back to.
        assertNotContains(response, f'href="{district_url(a)}"')

    def test_district_supervisor_gets_the_breadcrumb_to_the_district(self, world, login):
        a = world.a
        response = login(a.users["district_supervisor"]).get(network_url(a))

        assert response.status_code == 200
        assertContains(response, f'href="{district_url(a)}"')

    def test_network_supervisor_of_another_network_gets_404(self, world, login):
        a, b = world.a, world.b
        assert login(b.users["network"]).get(network_url(a)).status_code == 404


# --- district_staff_list / district_staff_create -----------------------------------------------
PASSWORD_NEW = "Som-tam-thai-2568"


def new_staff_data(**overrides) -> dict:
    data = {
        "username": "wichai",
        "prefix": "นาย",
        "first_name": "วิชัย",
        "last_name": "ใจดี",
        "email": "wichai@example.org",
        "phone": "",
        "password": PASSWORD_NEW,
        "role": Role.DISTRICT_SUPERVISOR,
        "network": "",
        "school": "",
    }
    data.update(overrides)
    return data


def places_of(username: str) -> set[tuple]:
    return set(
        Membership.objects.filter(user__username=username).values_list(
            "role", "school_id", "network_id", "district_id"
        )
    )


class TestDistrictStaffList:
    def test_lists_district_network_and_school_leaders_of_the_district(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["district_admin"]).get(staff_list_url(a))

        assert response.status_code == 200
        for key in ("district_supervisor", "district_admin", "network", "coordinator", "director"):
            assertContains(response, f"({a.users[key].username})")
        for key in ("homeroom", "nurse", "counsellor"):
            assertNotContains(response, f"({a.users[key].username})")
        for key in ("district_supervisor", "network", "coordinator"):
            assertNotContains(response, f"({b.users[key].username})")


class TestDistrictStaffCreate:
    def test_network_supervisor_needs_a_network(self, world, login):
        a = world.a
        response = login(a.users["district_admin"]).post(
            staff_create_url(a), new_staff_data(role=Role.NETWORK_SUPERVISOR)
        )

        assert response.status_code == 200
        assert response.context["form"].errors["network"] == [
            th("Choose the network this supervisor covers.")
        ]
        assertContains(response, th("Choose the network this supervisor covers."))
        assert not User.objects.filter(username="wichai").exists()

    def test_network_supervisor_of_a_network(self, world, login):
        a = world.a
        response = login(a.users["district_admin"]).post(
            staff_create_url(a),
            new_staff_data(role=Role.NETWORK_SUPERVISOR, network=a.network.pk),
        )

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        assert places_of("wichai") == {(Role.NETWORK_SUPERVISOR, None, a.network.pk, None)}

    def test_coordinator_of_school_a(self, world, login, client):
        a = world.a
        response = login(a.users["district_admin"]).post(
            staff_create_url(a), new_staff_data(role=Role.COORDINATOR, school=a.school.pk)
        )

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        assert places_of("wichai") == {(Role.COORDINATOR, a.school.pk, None, None)}
        client.logout()
        assert client.login(username="wichai", password=PASSWORD_NEW)
        # The password was chosen by the district administrator: the coordinator first
        # chooses their own, then reaches the school.
        school_url = reverse("schools:school_detail", args=[a.school.code])
        school_page = client.get(school_url)
        assert school_page.status_code == 302
        assert school_page["Location"].startswith(reverse("account_change_password"))
        User.objects.filter(username="wichai").update(must_change_password=False)
        assert client.get(school_url).status_code == 200

    def test_coordinator_needs_a_school(self, world, login):
        a = world.a
        response = login(a.users["district_admin"]).post(
            staff_create_url(a), new_staff_data(role=Role.COORDINATOR)
        )

        assert response.status_code == 200
        assert response.context["form"].errors["school"] == [th("Choose the school.")]
        assert not User.objects.filter(username="wichai").exists()

    def test_school_of_another_district_is_not_offered_and_is_rejected(self, world, login):
        a, b = world.a, world.b
        client = login(a.users["district_admin"])
        form_page = client.get(staff_create_url(a))
        offered = form_page.context["form"].fields["school"].queryset
        assert a.school in offered
        assert b.school not in offered
        assertNotContains(form_page, escape(b.school.name))

        response = client.post(
            staff_create_url(a), new_staff_data(role=Role.COORDINATOR, school=b.school.pk)
        )

        assert response.status_code == 200
        assert "school" in response.context["form"].errors
        assert not User.objects.filter(username="wichai").exists()
        assert (
            not Membership.objects.filter(school=b.school, role=Role.COORDINATOR)
            .exclude(user=b.users["coordinator"])
            .exists()
        )

    def test_network_of_another_district_is_rejected(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["district_admin"]).post(
            staff_create_url(a),
            new_staff_data(role=Role.NETWORK_SUPERVISOR, network=b.network.pk),
        )

        assert response.status_code == 200
        assert "network" in response.context["form"].errors
        assert not User.objects.filter(username="wichai").exists()

    def test_district_role_is_at_this_district(self, world, login):
        a = world.a
        response = login(a.users["district_admin"]).post(
            staff_create_url(a),
            # A school chosen by mistake is ignored for a district role.
            new_staff_data(role=Role.DISTRICT_SUPERVISOR, school=a.school.pk),
        )

        assert response.status_code == 302
        assert places_of("wichai") == {(Role.DISTRICT_SUPERVISOR, None, None, a.district.pk)}

    @pytest.mark.parametrize("url_name", ["district_staff_list", "district_staff_create"])
    def test_district_supervisor_is_forbidden(self, world, login, url_name):
        a = world.a
        client = login(a.users["district_supervisor"])
        url = reverse(f"districts:{url_name}", kwargs={"district_code": a.district.code})

        assert client.get(url).status_code == 403
        response = client.post(url, new_staff_data(role=Role.COORDINATOR, school=a.school.pk))
        assert response.status_code == 403
        assert not User.objects.filter(username="wichai").exists()

    def test_district_admin_of_another_district_gets_404(self, world, login):
        a, b = world.a, world.b
        response = login(b.users["district_admin"]).post(
            staff_create_url(a), new_staff_data(role=Role.COORDINATOR, school=a.school.pk)
        )

        assert response.status_code == 404
        assert not User.objects.filter(username="wichai").exists()
