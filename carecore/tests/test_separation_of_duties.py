"""Separation of duties: nobody gives a role at or above their own, nor changes the password,
e-mail or two-factor of someone who holds one; the director and coordinator roles are the
district administrator's to give; a password someone else set is changed at the next log-in,
audited, and announced to its owner without any student data."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore import accounts as services
from carecore.access import authority_rank, can_grant_role, can_manage_account
from carecore.models import (
    ROLE_RANK,
    SUPERUSER_RANK,
    AuditEvent,
    Membership,
    Notification,
    Role,
    User,
)
from conftest import PASSWORD, make_user, th

NEW_PASSWORD = "Khao-niao-mamuang-2569"
OWN_PASSWORD = "Tom-yum-goong-2569"
SCHOOL_ROLE_KEYS = ["homeroom", "counsellor", "discipline", "nurse"]


def staff_edit_url(side, user) -> str:
    return reverse(
        "schools:staff_edit", kwargs={"school_code": side.school.code, "user_id": user.pk}
    )


def district_staff_edit_url(side, user) -> str:
    return reverse(
        "districts:district_staff_edit",
        kwargs={"district_code": side.district.code, "user_id": user.pk},
    )


def leaders_url(district_side, school_side) -> str:
    return reverse(
        "districts:school_leaders",
        kwargs={
            "district_code": district_side.district.code,
            "school_code": school_side.school.code,
        },
    )


def roles_at(user, school) -> set[str]:
    return set(Membership.objects.filter(user=user, school=school).values_list("role", flat=True))


def details(user, **changes) -> dict:
    """The account form's fields as they are (the test users have no last name: one is
    required) with ``changes``."""
    data = {f: getattr(user, f) for f in services.DETAIL_FIELDS}
    data["last_name"] = data["last_name"] or "ทดสอบ"
    data["new_password"] = ""
    data.update(changes)
    return data


def edit_data(user, roles, **changes) -> dict:
    """The coordinator's staff edit form (roles, and account details with ``changes``)."""
    data = {"r-roles": roles}
    data.update({f"d-{k}": v for k, v in details(user, **changes).items()})
    return data


# --- the rank table and the rules -----------------------------------------------------------
class TestRanks:
    def test_the_order_of_the_roles(self):
        school_staff = {ROLE_RANK[r] for r in (Role.HOMEROOM, Role.COUNSELLOR, Role.NURSE)}
        assert school_staff == {ROLE_RANK[Role.DISCIPLINE]}
        order = [
            Role.HOMEROOM,
            Role.COORDINATOR,
            Role.DIRECTOR,
            Role.NETWORK_SUPERVISOR,
            Role.DISTRICT_SUPERVISOR,
            Role.DISTRICT_ADMIN,
            Role.NATIONAL_OFFICER,
        ]
        ranks = [ROLE_RANK[r] for r in order]
        assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
        assert max(ROLE_RANK.values()) < SUPERUSER_RANK
        assert set(ROLE_RANK) == set(Role.values)

    def test_authority_reaches_down_from_network_and_district_only_in_their_place(self, world):
        a, b = world.a, world.b
        assert authority_rank(a.users["coordinator"], school=a.school) == ROLE_RANK["coordinator"]
        assert authority_rank(a.users["coordinator"], school=b.school) == 0
        assert (
            authority_rank(a.users["network"], school=a.school) == ROLE_RANK["network_supervisor"]
        )
        assert (
            authority_rank(a.users["district_admin"], school=a.school)
            == ROLE_RANK["district_admin"]
        )
        assert authority_rank(a.users["district_admin"], school=b.school) == 0


class TestCanGrantRole:
    @pytest.mark.parametrize("role", [Role.HOMEROOM, Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE])
    def test_coordinator_gives_the_roles_below_coordinator_at_their_school(self, world, role):
        coordinator = world.a.users["coordinator"]
        assert can_grant_role(coordinator, role, school=world.a.school)
        assert not can_grant_role(coordinator, role, school=world.b.school)

    @pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DIRECTOR])
    def test_coordinator_gives_neither_director_nor_coordinator(self, world, role):
        assert not can_grant_role(world.a.users["coordinator"], role, school=world.a.school)

    @pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DIRECTOR])
    def test_director_does_not_give_them_either(self, world, role):
        assert not can_grant_role(world.a.users["director"], role, school=world.a.school)

    @pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DIRECTOR])
    def test_district_admin_gives_them_in_their_district_only(self, world, role):
        admin = world.a.users["district_admin"]
        assert can_grant_role(admin, role, school=world.a.school)
        assert not can_grant_role(admin, role, school=world.b.school)

    def test_district_supervisor_does_not_give_them(self, world):
        supervisor = world.a.users["district_supervisor"]
        assert not can_grant_role(supervisor, Role.DIRECTOR, school=world.a.school)

    def test_district_admin_gives_no_district_admin_role(self, world):
        admin = world.a.users["district_admin"]
        assert can_grant_role(admin, Role.DISTRICT_SUPERVISOR, district=world.a.district)
        assert can_grant_role(admin, Role.NETWORK_SUPERVISOR, network=world.a.network)
        assert not can_grant_role(admin, Role.DISTRICT_ADMIN, district=world.a.district)

    def test_superuser_gives_anything(self, world):
        root = make_user("root", is_superuser=True, is_staff=True)
        assert can_grant_role(root, Role.DIRECTOR, school=world.b.school)
        assert can_grant_role(root, Role.DISTRICT_ADMIN, district=world.b.district)


class TestCanManageAccount:
    @pytest.mark.parametrize("key", SCHOOL_ROLE_KEYS)
    def test_coordinator_manages_the_school_staff_below_them(self, world, key):
        assert can_manage_account(world.a.users["coordinator"], world.a.users[key])

    def test_coordinator_manages_neither_the_director_nor_another_coordinator(self, world):
        a = world.a
        other = make_user("coordinator2_a")
        Membership.objects.create(user=other, role=Role.COORDINATOR, school=a.school)
        assert not can_manage_account(a.users["coordinator"], a.users["director"])
        assert not can_manage_account(a.users["coordinator"], other)
        assert can_manage_account(a.users["coordinator"], a.users["coordinator"])  # their own

    def test_a_teacher_who_is_also_director_elsewhere_is_out_of_reach(self, world):
        a, b = world.a, world.b
        teacher = a.users["homeroom"]
        Membership.objects.create(user=teacher, role=Role.DIRECTOR, school=b.school)
        assert not can_manage_account(a.users["coordinator"], teacher)

    def test_district_admin_manages_leaders_of_their_district_not_peers(self, world):
        a, b = world.a, world.b
        admin = a.users["district_admin"]
        assert can_manage_account(admin, a.users["director"])
        assert can_manage_account(admin, a.users["coordinator"])
        assert can_manage_account(admin, a.users["district_supervisor"])
        assert not can_manage_account(admin, b.users["director"])
        peer = make_user("district_admin2_a")
        Membership.objects.create(user=peer, role=Role.DISTRICT_ADMIN, district=a.district)
        assert not can_manage_account(admin, peer)

    def test_admin_accounts_only_by_a_superuser(self, world):
        staff = make_user("staff_a", is_staff=True)
        Membership.objects.create(user=staff, role=Role.NURSE, school=world.a.school)
        assert not can_manage_account(world.a.users["district_admin"], staff)
        root = make_user("root", is_superuser=True, is_staff=True)
        assert can_manage_account(root, staff)


# --- the services refuse, whatever a form offered --------------------------------------------
class TestServicesRefuse:
    @pytest.mark.parametrize(
        "roles", [{Role.COORDINATOR, Role.DIRECTOR}, {Role.DIRECTOR}, {Role.NURSE}]
    )
    def test_coordinator_cannot_give_themselves_director_nor_drop_coordinator(self, world, roles):
        a = world.a
        coordinator = a.users["coordinator"]
        with pytest.raises(PermissionDenied), scopes_disabled():
            services.school_roles_set(
                user=coordinator, school=a.school, roles=roles, changed_by=coordinator
            )
        assert roles_at(coordinator, a.school) == {Role.COORDINATOR}

    def test_coordinator_cannot_make_a_teacher_coordinator_nor_demote_the_director(self, world):
        a = world.a
        coordinator = a.users["coordinator"]
        with pytest.raises(PermissionDenied), scopes_disabled():
            services.school_roles_set(
                user=a.users["homeroom"],
                school=a.school,
                roles={Role.HOMEROOM, Role.COORDINATOR},
                changed_by=coordinator,
            )
        with pytest.raises(PermissionDenied), scopes_disabled():
            services.school_roles_set(
                user=a.users["director"], school=a.school, roles=set(), changed_by=coordinator
            )
        assert roles_at(a.users["homeroom"], a.school) == {Role.HOMEROOM}
        assert roles_at(a.users["director"], a.school) == {Role.DIRECTOR}

    def test_coordinator_cannot_create_a_director_account(self, world):
        a = world.a
        with pytest.raises(PermissionDenied):
            services.staff_account_create(
                username="fake_director",
                password=NEW_PASSWORD,
                first_name="ปลอม",
                last_name="ผู้อำนวยการ",
                memberships=[{"role": Role.DIRECTOR, "school": a.school}],
                created_by=a.users["coordinator"],
            )
        assert not User.objects.filter(username="fake_director").exists()

    @pytest.mark.parametrize(
        "change", [{"new_password": NEW_PASSWORD}, {"email": "mine@example.org"}]
    )
    def test_coordinator_cannot_change_the_directors_credentials(self, world, change):
        a = world.a
        director = a.users["director"]
        with pytest.raises(PermissionDenied):
            services.staff_account_update(
                user=director, **details(director, **change), changed_by=a.users["coordinator"]
            )
        director.refresh_from_db()
        assert director.check_password(PASSWORD)
        assert director.email == "director_a@example.org"

    def test_coordinator_cannot_turn_off_the_directors_two_factor(self, world):
        a = world.a
        director = a.users["director"]
        Authenticator.objects.create(user=director, type=Authenticator.Type.TOTP, data={})
        with pytest.raises(PermissionDenied):
            services.staff_two_factor_reset(user=director, changed_by=a.users["coordinator"])
        assert Authenticator.objects.filter(user=director).exists()

    def test_coordinator_turns_off_a_nurses_lost_two_factor(self, world):
        a = world.a
        nurse = a.users["nurse"]
        Authenticator.objects.create(user=nurse, type=Authenticator.Type.TOTP, data={})
        removed = services.staff_two_factor_reset(
            user=nurse, changed_by=a.users["coordinator"], school=a.school
        )
        assert removed == 1
        assert not Authenticator.objects.filter(user=nurse).exists()
        event = AuditEvent.objects.get(object_type="user", object_id=str(nurse.pk))
        assert event.user_id == a.users["coordinator"].pk
        assert event.school_id == a.school.pk


# --- the coordinator's staff pages -------------------------------------------------------------
class TestCoordinatorStaffPages:
    def test_leader_roles_are_not_offered_on_the_new_account_form(self, world, login):
        a = world.a
        page = login(a.users["coordinator"]).get(
            reverse("schools:staff_create", kwargs={"school_code": a.school.code})
        )
        content = page.content.decode()
        assert 'value="nurse"' in content
        assert 'value="director"' not in content
        assert 'value="coordinator"' not in content

    def test_posted_director_role_for_a_new_account_is_refused(self, world, login):
        a = world.a
        response = login(a.users["coordinator"]).post(
            reverse("schools:staff_create", kwargs={"school_code": a.school.code}),
            {
                "username": "somsak",
                "first_name": "สมศักดิ์",
                "last_name": "ใจดี",
                "password": NEW_PASSWORD,
                "roles": [Role.DIRECTOR],
            },
        )
        assert response.status_code == 200
        assert "roles" in response.context["form"].errors
        assert not User.objects.filter(username="somsak").exists()

    @pytest.mark.parametrize("role", [Role.DIRECTOR, Role.COORDINATOR])
    def test_coordinator_cannot_give_a_leader_role_to_a_teacher(self, world, login, role):
        a = world.a
        teacher = a.users["homeroom"]
        response = login(a.users["coordinator"]).post(
            staff_edit_url(a, teacher), edit_data(teacher, [Role.HOMEROOM, role])
        )
        assert response.status_code == 200
        message = th(
            "Only the district administrator gives or takes the roles of director and "
            "coordinator; nobody gives a role at or above their own."
        )
        assertContains(response, message)
        assert roles_at(teacher, a.school) == {Role.HOMEROOM}

    def test_coordinator_cannot_make_themselves_director(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        client = login(coordinator)
        page = client.get(staff_edit_url(a, coordinator))
        box = re.search(r'<input[^>]*value="director"[^>]*>', page.content.decode()).group()
        assert " disabled" in box and " checked" not in box
        response = client.post(
            staff_edit_url(a, coordinator),
            edit_data(coordinator, [Role.COORDINATOR, Role.DIRECTOR]),
        )
        assert response.status_code == 200
        assert roles_at(coordinator, a.school) == {Role.COORDINATOR}
        # Nor read the audit log that comes with it.
        assert client.get(reverse("schools:audit_log", args=[a.school.code])).status_code == 403

    def test_directors_page_offers_no_account_details_and_ignores_posted_ones(self, world, login):
        a = world.a
        director = a.users["director"]
        client = login(a.users["coordinator"])
        page = client.get(staff_edit_url(a, director))
        assert page.context["details_form"] is None
        assertNotContains(page, 'name="d-new_password"')
        assertContains(
            page,
            th(
                "This person holds a role at or above yours, so you cannot change their name, "
                "e-mail, password or two-factor. The district administrator can."
            ),
        )
        response = client.post(
            staff_edit_url(a, director),
            edit_data(
                director, [Role.DIRECTOR], new_password=NEW_PASSWORD, email="mine@example.org"
            ),
        )
        assert response.status_code == 302
        director.refresh_from_db()
        assert director.check_password(PASSWORD)
        assert director.email == "director_a@example.org"
        assert roles_at(director, a.school) == {Role.DIRECTOR}
        # The coordinator cannot log in as the director.
        client.logout()
        assert not client.login(username="director_a", password=NEW_PASSWORD)

    def test_another_coordinators_password_is_out_of_reach(self, world, login):
        a = world.a
        other = make_user("coordinator2_a")
        Membership.objects.create(user=other, role=Role.COORDINATOR, school=a.school)
        page = login(a.users["coordinator"]).get(staff_edit_url(a, other))
        assert page.status_code == 200
        assert page.context["details_form"] is None

    def test_two_factor_reset_offered_for_a_nurse_who_uses_it(self, world, login):
        a = world.a
        nurse = a.users["nurse"]
        Authenticator.objects.create(user=nurse, type=Authenticator.Type.TOTP, data={})
        client = login(a.users["coordinator"])
        assertContains(client.get(staff_edit_url(a, nurse)), 'name="d-reset_two_factor"')
        response = client.post(
            staff_edit_url(a, nurse), edit_data(nurse, [Role.NURSE], reset_two_factor="on")
        )
        assert response.status_code == 302
        assert not Authenticator.objects.filter(user=nurse).exists()


# --- the district administrator's pages ------------------------------------------------------
class TestSchoolLeaders:
    def test_district_admin_gives_the_director_role(self, world, login):
        a = world.a
        teacher = a.users["homeroom"]
        client = login(a.users["district_admin"])
        page = client.get(leaders_url(a, a))
        assert page.status_code == 200
        assertContains(page, a.users["director"].username)
        assertContains(page, a.users["coordinator"].username)
        response = client.post(
            leaders_url(a, a), {"action": "grant", "person": teacher.pk, "role": Role.DIRECTOR}
        )
        assert response.status_code == 302
        assert roles_at(teacher, a.school) == {Role.HOMEROOM, Role.DIRECTOR}
        event = AuditEvent.objects.get(object_type="membership", action=AuditEvent.Action.CREATE)
        assert event.user_id == a.users["district_admin"].pk
        assert event.school_id == a.school.pk
        assert event.changes == {"role": ["", Role.DIRECTOR]}

    def test_district_admin_takes_the_coordinator_role(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        membership = Membership.objects.get(user=coordinator, role=Role.COORDINATOR)
        response = login(a.users["district_admin"]).post(
            leaders_url(a, a), {"action": "remove", "membership": membership.pk}
        )
        assert response.status_code == 302
        assert roles_at(coordinator, a.school) == set()

    def test_someone_from_outside_the_school_cannot_be_chosen(self, world, login):
        a, b = world.a, world.b
        response = login(a.users["district_admin"]).post(
            leaders_url(a, a),
            {"action": "grant", "person": b.users["homeroom"].pk, "role": Role.DIRECTOR},
        )
        assert response.status_code == 200
        assert "person" in response.context["form"].errors
        assert roles_at(b.users["homeroom"], a.school) == set()

    def test_school_of_another_district_is_not_found(self, world, login):
        a, b = world.a, world.b
        client = login(a.users["district_admin"])
        assert client.get(leaders_url(a, b)).status_code == 404
        director_b = Membership.objects.get(user=b.users["director"], role=Role.DIRECTOR)
        response = client.post(leaders_url(a, b), {"action": "remove", "membership": director_b.pk})
        assert response.status_code == 404
        assert roles_at(b.users["director"], b.school) == {Role.DIRECTOR}
        # Nor through their own school's page.
        client.post(leaders_url(a, a), {"action": "remove", "membership": director_b.pk})
        assert roles_at(b.users["director"], b.school) == {Role.DIRECTOR}

    @pytest.mark.parametrize("key", ["district_supervisor", "coordinator", "director"])
    def test_others_cannot_open_it(self, world, login, key):
        a = world.a
        status = login(a.users[key]).get(leaders_url(a, a)).status_code
        assert status == (403 if key == "district_supervisor" else 404)

    def test_the_staff_list_leads_to_a_schools_page(self, world, login):
        a = world.a
        client = login(a.users["district_admin"])
        list_url = reverse("districts:district_staff_list", args=[a.district.code])
        assertContains(client.get(list_url), leaders_url(a, a))
        response = client.get(list_url, {"school": a.school.code})
        assert response.status_code == 302 and response["Location"] == leaders_url(a, a)
        # Another district's school code stays on the list.
        assert client.get(list_url, {"school": world.b.school.code}).status_code == 200


# --- a password set by someone else ------------------------------------------------------------
class TestPasswordSetBySomeoneElse:
    def test_district_admin_resets_the_directors_password(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        director = a.users["director"]
        client = login(a.users["district_admin"])
        data = details(director, new_password=NEW_PASSWORD)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                district_staff_edit_url(a, director), data, REMOTE_ADDR="203.0.113.9"
            )
        assert response.status_code == 302
        director.refresh_from_db()
        assert director.check_password(NEW_PASSWORD)
        assert director.must_change_password

        # The audit row: who set whose password, when, from where, and never the password.
        event = AuditEvent.objects.get(
            object_type="user",
            object_id=str(director.pk),
            changes__must_change_password=["False", "True"],
        )
        assert event.user_id == a.users["district_admin"].pk
        assert event.district_id == a.district.pk
        assert event.ip == "203.0.113.9"
        assert event.action == AuditEvent.Action.CHANGE
        assert director.username in event.summary
        row = " ".join(str(v) for v in AuditEvent.objects.values().get(pk=event.pk).values())
        assert NEW_PASSWORD not in row

        # The owner is told: a notification on their home page and an e-mail.
        notification = Notification.objects.get(user=director)
        assert notification.kind == Notification.Kind.PASSWORD_SET
        assert notification.url == reverse("account_change_password")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [director.email]
        body = message.subject + message.body
        for secret in (NEW_PASSWORD, a.student.first_name, a.student.national_id):
            assert secret not in body
        home = login(director).get(reverse("schools:school_detail", args=[a.school.code]))
        assert home.status_code == 302  # to the password change first

    def test_district_admin_cannot_reset_a_peers_password(self, world, login):
        a = world.a
        peer = make_user("district_admin2_a")
        Membership.objects.create(user=peer, role=Role.DISTRICT_ADMIN, district=a.district)
        client = login(a.users["district_admin"])
        page = client.get(district_staff_edit_url(a, peer))
        assert page.status_code == 200 and page.context["form"] is None
        client.post(district_staff_edit_url(a, peer), details(peer, new_password=NEW_PASSWORD))
        peer.refresh_from_db()
        assert peer.check_password(PASSWORD)

    def test_district_admin_of_another_district_does_not_find_the_account(self, world, login):
        a, b = world.a, world.b
        client = login(b.users["district_admin"])
        assert client.get(district_staff_edit_url(b, a.users["director"])).status_code == 404
        assert client.get(district_staff_edit_url(a, a.users["director"])).status_code == 404

    def test_changing_ones_own_password_asks_for_nothing_more(self, world, login):
        a = world.a
        coordinator = a.users["coordinator"]
        login(coordinator).post(
            staff_edit_url(a, coordinator),
            edit_data(coordinator, [Role.COORDINATOR], new_password=NEW_PASSWORD),
        )
        coordinator.refresh_from_db()
        assert coordinator.check_password(NEW_PASSWORD)
        assert not coordinator.must_change_password
        assert not Notification.objects.filter(user=coordinator).exists()

    def test_forced_change_at_the_next_log_in(self, world, client):
        a = world.a
        teacher = a.users["homeroom"]
        client.force_login(a.users["coordinator"])
        client.post(
            staff_edit_url(a, teacher),
            edit_data(teacher, [Role.HOMEROOM], new_password=NEW_PASSWORD),
        )
        client.logout()

        response = client.post(
            reverse("account_login"), {"login": teacher.username, "password": NEW_PASSWORD}
        )
        assert response.status_code == 302
        my_classrooms = reverse("my_classrooms")
        response = client.get(my_classrooms)
        change_url = reverse("account_change_password")
        assert response.status_code == 302
        assert response["Location"].startswith(change_url)
        assert "next=" in response["Location"]
        # Every other page too, until it is done.
        school = reverse("schools:school_detail", args=[a.school.code])
        assert client.get(school).status_code == 302

        page = client.get(response["Location"])
        assert page.status_code == 200
        assertContains(page, th("Choose your own password before you continue."))

        # The password the coordinator knows cannot be kept.
        same = client.post(
            response["Location"],
            {"oldpassword": NEW_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert same.status_code == 200
        assertContains(same, th("Choose a password different from your current one."))

        done = client.post(
            response["Location"],
            {"oldpassword": NEW_PASSWORD, "password1": OWN_PASSWORD, "password2": OWN_PASSWORD},
        )
        assert done.status_code == 302
        assert done["Location"] == my_classrooms
        teacher.refresh_from_db()
        assert not teacher.must_change_password
        assert teacher.check_password(OWN_PASSWORD)
        assert client.get(my_classrooms).status_code == 200
        assert client.get(school).status_code == 200
        assertNotContains(
            client.get(change_url), th("Choose your own password before you continue.")
        )

    def test_new_account_from_the_district_must_change_its_password(self, world, login):
        a = world.a
        response = login(a.users["district_admin"]).post(
            reverse("districts:district_staff_create", args=[a.district.code]),
            {
                "username": "wichai",
                "first_name": "วิชัย",
                "last_name": "ใจดี",
                "password": NEW_PASSWORD,
                "role": Role.DIRECTOR,
                "school": a.school.pk,
            },
        )
        assert response.status_code == 302
        user = User.objects.get(username="wichai")
        assert user.must_change_password
        event = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
        assert event.action == AuditEvent.Action.CREATE
        assert event.school_id == a.school.pk

    def test_the_district_form_offers_no_district_admin_role(self, world, login):
        a = world.a
        page = login(a.users["district_admin"]).get(
            reverse("districts:district_staff_create", args=[a.district.code])
        )
        assert 'value="district_admin"' not in page.content.decode()


class TestAdmin:
    def test_a_password_set_in_the_admin_must_be_changed_by_its_owner(self, world, client):
        root = make_user("root", is_superuser=True, is_staff=True)
        director = world.a.users["director"]
        client.force_login(root)
        response = client.post(
            reverse("admin:auth_user_password_change", args=[director.pk]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        assert response.status_code == 302
        director.refresh_from_db()
        assert director.check_password(NEW_PASSWORD)
        assert director.must_change_password

    def test_an_account_made_in_the_admin_must_change_its_password(self, world, client):
        client.force_login(make_user("root", is_superuser=True, is_staff=True))
        url = reverse("admin:carecore_user_add")
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "username": "newcomer",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "usable_password": "true",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        assert User.objects.get(username="newcomer").must_change_password
