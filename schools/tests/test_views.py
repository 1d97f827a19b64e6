"""School pages: a teacher's classrooms, the school page, a classroom's roster, homeroom teachers
and the coordinator's staff accounts.

Texts are compared in Thai (the default UI language) by running the catalogue, so the tests read
the same words a teacher reads; names, codes and URLs are compared as data.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.models import Membership, Role, User
from conftest import PASSWORD, make_student, make_user, th
from schools.models import Grade, HomeroomAssignment
from schools.tests.factories import ClassroomFactory
from students.models import Guardian


# --- helpers -----------------------------------------------------------------------------------
def th_students(n: int) -> str:
    with translation.override("th"):
        return ngettext("%(n)s student", "%(n)s students", n) % {"n": n}


def room_name(classroom) -> str:
    """ป.4/1: the classroom's name as the Thai UI prints it."""
    with translation.override("th"):
        return str(classroom)


def school_url(side) -> str:
    return reverse("schools:school_detail", kwargs={"school_code": side.school.code})


def classroom_url(side, classroom) -> str:
    return reverse(
        "classrooms:classroom_detail",
        kwargs={"school_code": side.school.code, "classroom_id": classroom.pk},
    )


def teachers_url(side, classroom) -> str:
    return reverse(
        "schools:classroom_teachers",
        kwargs={"school_code": side.school.code, "classroom_id": classroom.pk},
    )


def staff_list_url(side) -> str:
    return reverse("schools:staff_list", kwargs={"school_code": side.school.code})


def staff_create_url(side) -> str:
    return reverse("schools:staff_create", kwargs={"school_code": side.school.code})


def staff_edit_url(side, user) -> str:
    return reverse(
        "schools:staff_edit", kwargs={"school_code": side.school.code, "user_id": user.pk}
    )


def href(url: str) -> str:
    return f'href="{url}"'


def assignments_of(classroom) -> set[int]:
    with scopes_disabled():
        return set(
            HomeroomAssignment.objects.filter(classroom=classroom).values_list(
                "teacher_id", flat=True
            )
        )


def roles_at(user, school) -> set[str]:
    return set(Membership.objects.filter(user=user, school=school).values_list("role", flat=True))


def list_item(content: str, name: str) -> str:
    """The school page's list entry of the classroom called ``name``."""
    items = content.split('<div class="list-group-item')[1:]
    found = [item for item in items if f">{name}<" in item]
    assert len(found) == 1, f"expected one list entry for {name}, found {len(found)}"
    return found[0]


# --- my_classrooms -----------------------------------------------------------------------------
EMPTY_MY_CLASSROOMS = (
    "You are not the homeroom teacher of any classroom this year. The school's coordinator "
    "assigns homeroom teachers."
)


class TestMyClassrooms:
    @property
    def url(self) -> str:
        return reverse("my_classrooms")

    def test_homeroom_teacher_sees_only_their_classroom(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["homeroom"]).get(self.url)

        assert response.status_code == 200
        assert response.context["classrooms"] == [a.classroom]
        assertContains(response, href(classroom_url(a, a.classroom)), count=1)
        assertContains(response, room_name(a.classroom))
        assertContains(response, a.school.name)
        assertContains(response, th_students(1))
        assertNotContains(response, href(classroom_url(a, a.other_classroom)))
        assertNotContains(response, href(classroom_url(b, b.classroom)))
        assertNotContains(response, href(classroom_url(b, b.other_classroom)))
        assertNotContains(response, th(EMPTY_MY_CLASSROOMS))

    def test_coordinator_without_homeroom_assignment_sees_empty_state(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).get(self.url)

        assert response.status_code == 200
        assert response.context["classrooms"] == []
        assertContains(response, th(EMPTY_MY_CLASSROOMS))
        assertNotContains(response, href(classroom_url(a, a.classroom)))
        assertNotContains(response, href(classroom_url(a, a.other_classroom)))


# --- school_detail -----------------------------------------------------------------------------
class TestSchoolDetail:
    def test_lists_both_classrooms_with_their_student_counts(self, world, login):
        a = world.a
        with scopes_disabled():
            make_student(a.school, a.classroom, 101, 2)
            make_student(a.school, a.classroom, 102, 3)
        response = login(a.users["coordinator"]).get(school_url(a))

        assert response.status_code == 200
        content = response.content.decode()
        assert th_students(3) in list_item(content, room_name(a.classroom))
        assert th_students(1) in list_item(content, room_name(a.other_classroom))
        assert response.context["student_total"] == 4
        # The coordinator may open every classroom.
        assertContains(response, href(classroom_url(a, a.classroom)), count=1)
        assertContains(response, href(classroom_url(a, a.other_classroom)), count=1)

    def test_homeroom_teacher_can_open_only_their_own_classroom(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).get(school_url(a))

        assert response.status_code == 200
        content = response.content.decode()
        own = list_item(content, room_name(a.classroom))
        other = list_item(content, room_name(a.other_classroom))
        assert href(classroom_url(a, a.classroom)) in own
        assert th("My classroom") in own
        # The other room is listed (name, count) but is not a link.
        assert href(classroom_url(a, a.other_classroom)) not in content
        assert f'<span class="fw-semibold fs-5">{room_name(a.other_classroom)}</span>' in other
        assert th_students(1) in other
        assert th("My classroom") not in other
        # Assigning teachers is the coordinator's job.
        assert href(teachers_url(a, a.classroom)) not in content

    def test_staff_accounts_link_shown_to_the_coordinator(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).get(school_url(a))

        assertContains(response, href(staff_list_url(a)), count=1)
        assertContains(response, th("Staff accounts"))

    @pytest.mark.parametrize(
        "role",
        [
            "homeroom",
            "counsellor",
            "discipline",
            "nurse",
            "director",
            "network",
            "district_supervisor",
            "district_admin",
        ],
    )
    def test_staff_accounts_link_hidden_from_other_roles(self, world, login, role):
        a = world.a
        response = login(a.users[role]).get(school_url(a))

        assert response.status_code == 200
        assertNotContains(response, href(staff_list_url(a)))
        assertNotContains(response, th("Staff accounts"))

    def test_query_count_for_the_coordinator_is_fixed(
        self, world, login, django_assert_num_queries
    ):
        a = world.a
        client = login(a.users["coordinator"])
        # 1. django_session: the session row
        # 2. carecore_user: the logged-in user
        # 3. schools_school (+ district, network): the school named in the URL
        # 4. carecore_membership (+ places): the user's roles, once for access and menu
        # 5. schools_academicyear: the current academic year
        # 6. schools_classroom + COUNT(enrolments): the classrooms with their student counts
        # 7. schools_homeroomassignment + carecore_user: every classroom's teachers (prefetch)
        # 8. carecore_notification: what waits for the user (the school page is their home)
        # 9. deadlines_deadline: the district's deadlines due (districts/deadlines; with some, one
        #    more for the school's completions, and one for the shares of the measured kinds)
        with django_assert_num_queries(9):
            response = client.get(school_url(a))
        assert response.status_code == 200
        assert len(response.context["classrooms"]) == 2

        # Five more classrooms, each with two teachers and three students: same 8 queries.
        with scopes_disabled():
            n = 200
            for room in range(3, 8):
                classroom = ClassroomFactory(school=a.school, grade=Grade.P5, room=room)
                for k in range(2):
                    teacher = make_user(f"teacher_{room}_{k}")
                    Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=a.school)
                    HomeroomAssignment.objects.create(classroom=classroom, teacher=teacher)
                for number in range(1, 4):
                    n += 1
                    make_student(a.school, classroom, n, number)
        with django_assert_num_queries(9):
            response = client.get(school_url(a))
        assert len(response.context["classrooms"]) == 7
        assertContains(response, "teacher_7_1")
        assertContains(response, th_students(3), count=5)


# --- classroom_detail --------------------------------------------------------------------------
class TestClassroomDetail:
    def test_students_listed_in_student_number_order(self, world, login):
        a = world.a
        with scopes_disabled():
            # Created out of order, and with names whose alphabetical order is yet another one.
            third = make_student(a.school, a.classroom, 103, 3, first_name="กานดา")
            second = make_student(a.school, a.classroom, 102, 2, first_name="ชาตรี")
            fourth = make_student(a.school, a.classroom, 104, 4, first_name="บุญมี")
        response = login(a.users["coordinator"]).get(classroom_url(a, a.classroom))

        assert response.status_code == 200
        content = response.content.decode()
        expected = [a.student, second, third, fourth]
        positions = [content.find(escape(s.full_name)) for s in expected]
        assert all(p > 0 for p in positions), positions
        assert positions == sorted(positions)
        assert a.other_student.first_name not in content

    def test_homeroom_teacher_of_the_room_sees_its_students(self, world, login):
        a = world.a
        response = login(a.users["homeroom"]).get(classroom_url(a, a.classroom))

        assertContains(response, escape(a.student.full_name))
        assertNotContains(response, escape(a.other_student.full_name))

    def test_query_count_for_the_coordinator_is_fixed_and_bounded(
        self, world, login, django_assert_num_queries
    ):
        a = world.a
        client = login(a.users["coordinator"])
        # 1. django_session: the session row
        # 2. carecore_user: the logged-in user
        # 3. schools_school (+ district, network): the school named in the URL
        # 4. carecore_membership (+ places): the user's roles, once for access and menu
        # 5. schools_academicyear: the current academic year
        # 6. schools_classroom (+ academic year): the classroom, within the school
        # 7. students_enrolment + students_student: the roster in number order
        # 8. students_guardian: the main guardians of all those students (prefetch)
        # 9. schools_homeroomassignment + carecore_user: the classroom's teachers
        # 10. students_student + EXISTS per record section: cumulative records complete
        # 11. carecore_auditevent: one audit event for the class list (not one per student)
        with django_assert_num_queries(11):
            response = client.get(classroom_url(a, a.classroom))
        assert len(response.context["enrolments"]) == 1

        with scopes_disabled():
            for k in range(10):
                student = make_student(a.school, a.classroom, 300 + k, 10 + k)
                Guardian.objects.create(
                    student=student,
                    first_name=f"ผู้ปกครอง{k}",
                    last_name="ทดสอบ",
                    relation=Guardian.Relation.FATHER,
                    is_primary=True,
                )
        with django_assert_num_queries(11):
            response = client.get(classroom_url(a, a.classroom))
        assert len(response.context["enrolments"]) == 11
        assertContains(response, "ผู้ปกครอง9")


# --- classroom_teachers ------------------------------------------------------------------------
def candidate_ids(response) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'name="teachers" value="(\d+)"', response.content.decode())
    }


class TestClassroomTeachers:
    def test_only_homeroom_staff_are_candidates(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).get(teachers_url(a, a.classroom))

        assert response.status_code == 200
        assert candidate_ids(response) == {a.users["homeroom"].pk, a.users["homeroom_other"].pk}
        for key in ("counsellor", "discipline", "nurse", "director", "network"):
            assertNotContains(response, a.users[key].display_name)
            assert a.users[key].pk not in candidate_ids(response)
        assert b.users["homeroom"].pk not in candidate_ids(response)
        # The current teacher is ticked.
        content = response.content.decode()
        ticked = {int(pk) for pk in re.findall(r'value="(\d+)"[^>]*\bchecked\b', content)}
        assert ticked == {a.users["homeroom"].pk}

    def test_assigning_a_second_teacher_keeps_the_first(self, world, login):
        a = world.a
        homeroom, other = a.users["homeroom"], a.users["homeroom_other"]
        response = login(a.users["coordinator"]).post(
            teachers_url(a, a.classroom), {"teachers": [homeroom.pk, other.pk]}
        )

        assertRedirects(response, school_url(a), fetch_redirect_response=False)
        assert assignments_of(a.classroom) == {homeroom.pk, other.pk}
        assert assignments_of(a.other_classroom) == {other.pk}
        # The new teacher now reaches the room's students.
        page = login(other).get(classroom_url(a, a.classroom))
        assertContains(page, escape(a.student.full_name))

    def test_user_of_another_school_is_rejected(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).post(
            teachers_url(a, a.classroom),
            {"teachers": [a.users["homeroom"].pk, b.users["homeroom"].pk]},
        )

        assert response.status_code == 200
        assert "teachers" in response.context["form"].errors
        assert assignments_of(a.classroom) == {a.users["homeroom"].pk}
        with scopes_disabled():
            assert (
                not HomeroomAssignment.objects.filter(teacher=b.users["homeroom"])
                .exclude(classroom=b.classroom)
                .exists()
            )

    @pytest.mark.parametrize("role", ["homeroom", "homeroom_other", "director", "counsellor"])
    def test_non_coordinator_post_is_forbidden(self, world, login, role):
        a = world.a
        response = login(a.users[role]).post(
            teachers_url(a, a.classroom), {"teachers": [a.users["homeroom_other"].pk]}
        )

        assert response.status_code == 403
        assert assignments_of(a.classroom) == {a.users["homeroom"].pk}

    def test_coordinator_of_another_school_gets_404(self, world, login):
        a, b = world.a, world.b
        response = login(b.users["coordinator"]).post(
            teachers_url(a, a.classroom), {"teachers": [a.users["homeroom_other"].pk]}
        )

        assert response.status_code == 404
        assert assignments_of(a.classroom) == {a.users["homeroom"].pk}


# --- staff_list / staff_create -----------------------------------------------------------------
NEW_PASSWORD = "Kaeng-khiao-wan-2568"


def new_staff_data(**overrides) -> dict:
    data = {
        "username": "somchai",
        "prefix": "นาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "email": "somchai@example.org",
        "phone": "0812345678",
        "password": NEW_PASSWORD,
        "roles": [Role.HOMEROOM, Role.NURSE],
    }
    data.update(overrides)
    return data


class TestStaffList:
    def test_lists_everyone_with_a_role_at_the_school_only(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).get(staff_list_url(a))

        assert response.status_code == 200
        for key in ("homeroom", "homeroom_other", "nurse", "director", "coordinator"):
            assertContains(response, href(staff_edit_url(a, a.users[key])))
        assertNotContains(response, f"({b.users['nurse'].username})")
        assertNotContains(response, href(staff_edit_url(a, b.users["nurse"])))
        assertNotContains(response, "district_supervisor_a")
        assertContains(response, href(staff_create_url(a)))


class TestStaffCreate:
    def test_creates_account_with_roles_at_this_school_only(self, world, login, client):
        a = world.a
        response = login(a.users["coordinator"]).post(staff_create_url(a), new_staff_data())

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        user = User.objects.get(username="somchai")
        assert (user.prefix, user.first_name, user.last_name) == ("นาย", "สมชาย", "ใจดี")
        assert set(
            Membership.objects.filter(user=user).values_list(
                "role", "school_id", "network_id", "district_id"
            )
        ) == {(Role.HOMEROOM, a.school.pk, None, None), (Role.NURSE, a.school.pk, None, None)}
        assert set(Membership.objects.filter(user=user).values_list("created_by", flat=True)) == {
            a.users["coordinator"].pk
        }
        assertContains(client.get(staff_list_url(a)), href(staff_edit_url(a, user)))

        client.logout()
        assert client.login(username="somchai", password=NEW_PASSWORD)
        # The coordinator chose the password: the new teacher first chooses their own.
        page = client.get(school_url(a))
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_change_password"))

    @pytest.mark.parametrize("username", ["nurse_a", "NURSE_A"])
    def test_duplicate_username_is_rejected_and_input_kept(self, world, login, username):
        a = world.a
        users_before = User.objects.count()
        response = login(a.users["coordinator"]).post(
            staff_create_url(a),
            new_staff_data(username=username, first_name="ทดสอบชื่อ", email=""),
        )

        assert response.status_code == 200
        assert response.context["form"].errors["username"] == [
            th("This username is already taken.")
        ]
        assertContains(response, th("This username is already taken."))
        assertContains(response, 'name="first_name" value="ทดสอบชื่อ"')
        assertContains(response, 'name="last_name" value="ใจดี"')
        assert User.objects.count() == users_before

    def test_weak_password_is_rejected_and_nothing_created(self, world, login):
        a = world.a
        users_before, memberships_before = User.objects.count(), Membership.objects.count()
        response = login(a.users["coordinator"]).post(
            staff_create_url(a), new_staff_data(password="123")
        )

        assert response.status_code == 200
        assert response.context["form"].errors["password"]
        assert not User.objects.filter(username="somchai").exists()
        assert (User.objects.count(), Membership.objects.count()) == (
            users_before,
            memberships_before,
        )

    def test_email_of_another_account_is_rejected(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["coordinator"]).post(
            staff_create_url(a), new_staff_data(email=b.users["nurse"].email.upper())
        )

        assert response.status_code == 200
        assert response.context["form"].errors["email"] == [
            th("Another account already uses this e-mail address.")
        ]
        assert not User.objects.filter(username="somchai").exists()

    def test_roles_are_required(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).post(staff_create_url(a), new_staff_data(roles=[]))

        assert response.status_code == 200
        assert "roles" in response.context["form"].errors
        assert not User.objects.filter(username="somchai").exists()


# --- staff_edit --------------------------------------------------------------------------------
def edit_data(user, roles, **details) -> dict:
    """A staff_edit POST: the roles form (prefix r) and the details form (prefix d) as shown."""
    data = {
        "r-roles": list(roles),
        "d-prefix": user.prefix,
        "d-first_name": user.first_name,
        "d-last_name": user.last_name or "ทดสอบ",
        "d-email": user.email,
        "d-phone": user.phone,
        "d-new_password": "",
    }
    data.update({f"d-{key}": value for key, value in details.items()})
    return data


class TestStaffEdit:
    def test_changing_roles_removes_and_adds_memberships(self, world, login):
        a = world.a
        nurse = a.users["nurse"]
        response = login(a.users["coordinator"]).post(
            staff_edit_url(a, nurse), edit_data(nurse, [Role.COUNSELLOR, Role.DISCIPLINE])
        )

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        assert roles_at(nurse, a.school) == {Role.COUNSELLOR, Role.DISCIPLINE}

    def test_account_details_and_password_can_be_changed(self, world, login, client):
        a = world.a
        nurse = a.users["nurse"]
        response = login(a.users["coordinator"]).post(
            staff_edit_url(a, nurse),
            edit_data(nurse, [Role.NURSE], first_name="มาลี", new_password=NEW_PASSWORD),
        )

        assert response.status_code == 302
        nurse.refresh_from_db()
        assert nurse.first_name == "มาลี"
        client.logout()
        assert client.login(username="nurse_a", password=NEW_PASSWORD)

    def test_removing_the_homeroom_role_removes_homeroom_assignments(self, world, login):
        a = world.a
        teacher = a.users["homeroom"]
        response = login(a.users["coordinator"]).post(
            staff_edit_url(a, teacher), edit_data(teacher, [Role.COUNSELLOR])
        )

        assert response.status_code == 302
        assert roles_at(teacher, a.school) == {Role.COUNSELLOR}
        assert assignments_of(a.classroom) == set()
        assert assignments_of(a.other_classroom) == {a.users["homeroom_other"].pk}
        # The teacher no longer sees the room on their own page.
        assert login(teacher).get(reverse("my_classrooms")).context["classrooms"] == []

    def test_removing_the_homeroom_role_keeps_assignments_at_another_school(self, world, login):
        a, b = world.a, world.b
        teacher = a.users["homeroom"]
        with scopes_disabled():
            Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=b.school)
            HomeroomAssignment.objects.create(classroom=b.other_classroom, teacher=teacher)
        response = login(a.users["coordinator"]).post(
            staff_edit_url(a, teacher), {"r-roles": [Role.NURSE]}
        )

        assert response.status_code == 302
        assert teacher.pk not in assignments_of(a.classroom)
        assert teacher.pk in assignments_of(b.other_classroom)
        assert roles_at(teacher, b.school) == {Role.HOMEROOM}

    def test_coordinator_cannot_remove_own_coordinator_role(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        client = login(coordinator)
        # Only the district administrator gives and takes the coordinator role: its box is
        # shown ticked and disabled, and a post without it keeps it.
        page = client.get(staff_edit_url(a, coordinator))
        box = re.search(r'<input[^>]*value="coordinator"[^>]*>', page.content.decode()).group()
        assert " disabled" in box and " checked" in box
        response = client.post(staff_edit_url(a, coordinator), edit_data(coordinator, [Role.NURSE]))

        assert response.status_code == 302
        assert roles_at(coordinator, a.school) == {Role.COORDINATOR, Role.NURSE}

    def test_coordinator_can_add_a_role_to_themselves(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        response = login(coordinator).post(
            staff_edit_url(a, coordinator), edit_data(coordinator, [Role.COORDINATOR, Role.NURSE])
        )

        assert response.status_code == 302
        assert roles_at(coordinator, a.school) == {Role.COORDINATOR, Role.NURSE}

    def test_coordinator_changing_own_password_stays_logged_in(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        client = login(coordinator)
        response = client.post(
            staff_edit_url(a, coordinator),
            edit_data(coordinator, [Role.COORDINATOR], new_password=NEW_PASSWORD),
        )

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        coordinator.refresh_from_db()
        assert coordinator.check_password(NEW_PASSWORD)
        # The page the form sends them to opens, with the confirmation, not the log-in page.
        page = client.get(staff_list_url(a))
        assert page.status_code == 200
        assertContains(page, th("Changes to %(name)s saved.", name=coordinator.display_name))

    @pytest.mark.parametrize("elsewhere", ["school_b", "district"])
    def test_person_with_roles_elsewhere_only_roles_here_can_change(
        self, world, login, client, elsewhere
    ):
        a, b = world.a, world.b
        nurse = a.users["nurse"]
        if elsewhere == "school_b":
            other = Membership.objects.create(user=nurse, role=Role.NURSE, school=b.school)
        else:
            other = Membership.objects.create(
                user=nurse, role=Role.DISTRICT_SUPERVISOR, district=a.district
            )
        coordinator_client = login(a.users["coordinator"])

        page = coordinator_client.get(staff_edit_url(a, nurse))
        assert page.status_code == 200
        assert page.context["details_form"] is None
        assertNotContains(page, 'name="d-new_password"')
        assertNotContains(page, 'name="d-first_name"')
        assertContains(
            page,
            th(
                "This person also has roles elsewhere, so only their roles at this school can "
                "be changed here."
            ),
        )

        response = coordinator_client.post(
            staff_edit_url(a, nurse),
            edit_data(
                nurse,
                [Role.NURSE, Role.COUNSELLOR],
                first_name="ถูกแก้",
                email="taken-over@example.org",
                new_password=NEW_PASSWORD,
            ),
        )

        assertRedirects(response, staff_list_url(a), fetch_redirect_response=False)
        assert roles_at(nurse, a.school) == {Role.NURSE, Role.COUNSELLOR}
        assert Membership.objects.filter(pk=other.pk).exists()
        nurse.refresh_from_db()
        assert nurse.check_password(PASSWORD)
        assert not nurse.check_password(NEW_PASSWORD)
        assert (nurse.first_name, nurse.email) == ("nurse_a", "nurse_a@example.org")
        client.logout()
        assert not client.login(username="nurse_a", password=NEW_PASSWORD)

    @pytest.mark.parametrize("key", ["nurse", "district_supervisor"])
    def test_user_without_a_role_here_is_not_found(self, world, login, key):
        a, b = world.a, world.b
        # nurse of school B; the supervisor of school A's own district (no school role).
        stranger = (b if key == "nurse" else a).users[key]
        client = login(a.users["coordinator"])

        assert client.get(staff_edit_url(a, stranger)).status_code == 404
        response = client.post(
            staff_edit_url(a, stranger), edit_data(stranger, [Role.NURSE], first_name="ถูกแก้")
        )
        assert response.status_code == 404
        assert not Membership.objects.filter(user=stranger, school=a.school).exists()
        stranger.refresh_from_db()
        assert stranger.first_name != "ถูกแก้"

    def test_coordinator_of_another_school_is_not_found(self, world, login):
        a, b = world.a, world.b
        nurse = a.users["nurse"]
        client = login(b.users["coordinator"])

        assert client.get(staff_edit_url(a, nurse)).status_code == 404
        response = client.post(
            staff_edit_url(a, nurse),
            edit_data(nurse, [Role.COORDINATOR], new_password=NEW_PASSWORD),
        )
        assert response.status_code == 404
        assert roles_at(nurse, a.school) == {Role.NURSE}
        nurse.refresh_from_db()
        assert nurse.check_password(PASSWORD)
