"""Two-factor authentication required (carecore/mfa.py): who must use it, the grace period and
its banner, and the enrolment page that is all a person past it can reach."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from carecore.dates import format_date
from carecore.mfa import mfa_deadline, mfa_required
from carecore.models import Membership, Role
from conftest import PASSWORD, make_user, th

REQUIRED = [
    "counsellor",
    "discipline",
    "nurse",
    "coordinator",
    "director",
    "network",
    "district_supervisor",
    "district_admin",
]


def totp_code(secret: str) -> str:
    """The code an authenticator app would show now for ``secret``."""
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def log_in(client, user, *, confirm_password=True) -> None:
    """Log in through the log-in page; allauth asks for the password once more before any
    change to two-factor (so that a stolen session cannot add its own authenticator)."""
    client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    if confirm_password:
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def enrol(user) -> None:
    TOTP.activate(user, generate_totp_secret())
    user.refresh_from_db()


def past_grace(user, days=15) -> None:
    user.mfa_grace_started = timezone.now() - datetime.timedelta(days=days)
    user.save(update_fields=["mfa_grace_started"])


@pytest.mark.django_db
class TestWhoMustUseIt:
    @pytest.mark.parametrize("key", REQUIRED)
    def test_roles_that_see_sensitive_data_or_many_students(self, world, key):
        assert mfa_required(world.a.users[key])

    @pytest.mark.parametrize("key", ["homeroom", "homeroom_other"])
    def test_homeroom_teachers_only_if_their_district_says_so(self, world, key):
        teacher = world.a.users[key]
        assert not mfa_required(teacher)
        world.a.district.require_mfa_for_homeroom = True
        world.a.district.save()
        assert mfa_required(teacher)
        # The other district's teachers are not concerned.
        assert not mfa_required(world.b.users[key])

    def test_a_homeroom_teacher_who_also_holds_a_sensitive_role_must(self, world):
        teacher = world.a.users["homeroom"]
        Membership.objects.create(user=teacher, role=Role.NURSE, school=world.a.school)
        assert mfa_required(teacher)

    def test_national_officers_must(self, db):
        officer = make_user("obec")
        Membership.objects.create(user=officer, role=Role.NATIONAL_OFFICER)
        assert mfa_required(officer)

    def test_admin_staff_and_superusers_must(self, db):
        assert mfa_required(make_user("staff", is_staff=True))
        assert mfa_required(make_user("root", is_staff=True, is_superuser=True))

    def test_nobody_else(self, db):
        assert not mfa_required(make_user("nobody"))
        inactive = make_user("gone", is_active=False)
        Membership.objects.create(user=inactive, role=Role.NATIONAL_OFFICER)
        assert not mfa_required(inactive)


@pytest.mark.django_db
class TestGracePeriod:
    def test_the_first_log_in_starts_it(self, client, world, settings):
        settings.MFA_GRACE_DAYS = 14
        director = world.a.users["director"]
        assert director.mfa_grace_started is None
        before = timezone.now()
        log_in(client, director)
        director.refresh_from_db()
        assert before <= director.mfa_grace_started <= timezone.now()
        assert mfa_deadline(director) == director.mfa_grace_started + datetime.timedelta(days=14)
        # A later log-in does not move it.
        started = director.mfa_grace_started
        client.logout()
        log_in(client, director)
        director.refresh_from_db()
        assert director.mfa_grace_started == started

    def test_not_for_those_who_need_not(self, client, world):
        teacher = world.a.users["homeroom"]
        client.force_login(teacher)
        client.get("/classrooms/")
        teacher.refresh_from_db()
        assert teacher.mfa_grace_started is None

    def test_it_starts_when_the_district_requires_it_of_a_teacher_already_logged_in(
        self, client, world
    ):
        teacher = world.a.users["homeroom"]
        client.force_login(teacher)
        world.a.district.require_mfa_for_homeroom = True
        world.a.district.save()
        response = client.get("/classrooms/")
        assert response.status_code == 200
        teacher.refresh_from_db()
        assert teacher.mfa_grace_started is not None
        assert 'id="mfa-banner"' in response.content.decode()

    def test_banner_counts_the_days_left_and_pages_work(self, client, world, settings):
        settings.MFA_GRACE_DAYS = 14
        director = world.a.users["director"]
        past_grace(director, days=4)
        client.force_login(director)
        response = client.get(f"/s/{world.a.school.code}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-mfa="grace"' in html
        assert days_left_text(10, mfa_deadline(director)) in " ".join(html.split())
        assert reverse("mfa_activate_totp") in html
        assert reverse("mfa_help") in html

    def test_no_banner_for_those_who_need_not_or_did_it(self, client, world):
        client.force_login(world.a.users["homeroom"])
        assert 'id="mfa-banner"' not in client.get("/classrooms/").content.decode()
        director = world.a.users["director"]
        enrol(director)
        client.force_login(director)
        response = client.get(f"/s/{world.a.school.code}/")
        assert 'id="mfa-banner"' not in response.content.decode()

    def test_the_rule_and_the_banner_cost_no_query(self, world, settings):
        """Pages pin their query counts: the rule reads the memberships the access layer loads
        anyway and the user row, nothing more."""
        url = f"/s/{world.a.school.code}/"
        director = world.a.users["director"]

        def queries(middleware) -> tuple[int, str]:
            settings.MIDDLEWARE = middleware
            client = Client()
            client.force_login(director)  # the grace period begins here, not in the page
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            return len(captured.captured_queries), response.content.decode()

        with_rule, html = queries(settings.MIDDLEWARE)
        assert 'data-mfa="grace"' in html
        mine = "carecore.middleware.MfaRequiredMiddleware"
        without, html = queries([m for m in settings.MIDDLEWARE if m != mine])
        assert 'id="mfa-banner"' not in html
        assert with_rule == without


def days_left_text(days: int, deadline) -> str:
    """The banner's sentence as a Thai page shows it."""
    with override("th"):
        text = ngettext(
            "Your account must use two-factor authentication: %(days)s day left to set it up "
            "(by %(date)s).",
            "Your account must use two-factor authentication: %(days)s days left to set it up "
            "(by %(date)s).",
            days,
        )
        return text % {"days": days, "date": format_date(deadline, "long")}


@pytest.mark.django_db
class TestAfterTheGracePeriod:
    def test_a_sensitive_role_without_two_factor_is_sent_to_enrolment(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        client.force_login(director)
        for url in (
            f"/s/{world.a.school.code}/",
            f"/s/{world.a.school.code}/students/{world.a.student.pk}/",
            "/files/",
            "/",
        ):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("mfa_activate_totp"), url
        # A form posted is refused the same way.
        response = client.post(f"/s/{world.a.school.code}/students/{world.a.student.pk}/edit/")
        assert response["Location"] == reverse("mfa_activate_totp")

    def test_htmx_requests_load_the_enrolment_page(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        client.force_login(director)
        response = client.get("/files/", HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"] == reverse("mfa_activate_totp")

    def test_log_out_enrolment_and_help_stay_open(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        client.force_login(director)
        for name in ("mfa_index", "mfa_help", "account_reauthenticate"):
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            assert 'data-mfa="locked"' in response.content.decode(), name
        # Setting it up asks for the password first, which opens as well.
        for name in ("mfa_activate_totp", "mfa_add_webauthn"):
            response = client.get(reverse(name))
            assert response["Location"].startswith(reverse("account_reauthenticate")), name
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        for name in ("mfa_activate_totp", "mfa_add_webauthn"):
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            assert 'data-mfa="locked"' in response.content.decode(), name
        response = client.post(reverse("account_logout"))
        assert response.status_code == 302
        assert client.get("/")["Location"].startswith(reverse("account_login"))

    def test_with_two_factor_everything_opens_again(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        enrol(director)
        client.force_login(director)
        response = client.get(f"/s/{world.a.school.code}/")
        assert response.status_code == 200
        assert 'id="mfa-banner"' not in response.content.decode()

    def test_a_passkey_counts_as_two_factor(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        Authenticator.objects.create(
            user=director, type=Authenticator.Type.WEBAUTHN, data={"name": "phone"}
        )
        client.force_login(director)
        assert client.get(f"/s/{world.a.school.code}/").status_code == 200

    def test_recovery_codes_alone_do_not(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        Authenticator.objects.create(
            user=director, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20}
        )
        director.refresh_from_db()
        assert not director.mfa_enrolled
        client.force_login(director)
        assert client.get(f"/s/{world.a.school.code}/").status_code == 302

    def test_removing_the_authenticator_in_the_admin_locks_again(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        enrol(director)
        client.force_login(director)
        assert client.get(f"/s/{world.a.school.code}/").status_code == 200
        Authenticator.objects.filter(user=director).delete()
        assert client.get(f"/s/{world.a.school.code}/").status_code == 302

    def test_a_homeroom_teacher_is_locked_only_where_the_district_requires_it(self, client, world):
        teacher = world.a.users["homeroom"]
        past_grace(teacher)
        client.force_login(teacher)
        assert client.get("/classrooms/").status_code == 200
        world.a.district.require_mfa_for_homeroom = True
        world.a.district.save()
        assert client.get("/classrooms/")["Location"] == reverse("mfa_activate_totp")

    def test_the_admin_is_closed_to_superusers_without_two_factor(self, client, db):
        root = make_user("root", is_staff=True, is_superuser=True)
        past_grace(root)
        client.force_login(root)
        assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
        enrol(root)
        assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
class TestEnrolment:
    def test_activating_totp_offers_recovery_codes_and_opens_the_pages(self, client, world):
        director = world.a.users["director"]
        past_grace(director)
        log_in(client, director, confirm_password=False)
        response = client.get(f"/s/{world.a.school.code}/")
        assert response["Location"] == reverse("mfa_activate_totp")
        response = client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        response = client.post(response["Location"], {"password": PASSWORD})
        assert response["Location"] == reverse("mfa_activate_totp")
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200
        secret = page.context["form"].secret
        assert secret in page.content.decode()
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response["Location"] == reverse("mfa_view_recovery_codes")
        codes = client.get(reverse("mfa_view_recovery_codes"))
        assert codes.status_code == 200
        unused = codes.context["unused_codes"]
        assert len(unused) == 10
        assert unused[0] in codes.content.decode()
        director.refresh_from_db()
        assert director.mfa_enrolled
        assert client.get(f"/s/{world.a.school.code}/").status_code == 200

    def test_a_wrong_code_is_refused_in_thai(self, client, world):
        director = world.a.users["director"]
        log_in(client, director)
        client.get(reverse("mfa_activate_totp"))
        response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert response.status_code == 200
        assert th("Incorrect code.") in response.content.decode()
        director.refresh_from_db()
        assert not director.mfa_enrolled

    def test_the_last_authenticator_cannot_be_turned_off_by_who_must_use_it(self, client, world):
        director = world.a.users["director"]
        log_in(client, director)
        enrol(director)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 200
        assert th("You cannot deactivate two-factor authentication.") in response.content.decode()
        assert Authenticator.objects.filter(user=director, type="totp").exists()

    def test_who_need_not_may_turn_it_off(self, client, world):
        teacher = world.a.users["homeroom"]
        log_in(client, teacher)
        enrol(teacher)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 302
        teacher.refresh_from_db()
        assert not teacher.mfa_enrolled

    def test_passkeys_are_offered_beside_the_app(self, client, world):
        director = world.a.users["director"]
        log_in(client, director)
        index = client.get(reverse("mfa_index")).content.decode()
        assert reverse("mfa_activate_totp") in index
        assert reverse("mfa_add_webauthn") in index
        add = client.get(reverse("mfa_add_webauthn"))
        assert add.status_code == 200
        html = add.content.decode()
        assert 'id="mfa_webauthn_add"' in html
        assert "mfa/js/webauthn" in html  # the script that talks to the browser's passkeys
        assert th("Name of this passkey") in html


@pytest.mark.django_db
class TestHelpPage:
    def test_it_tells_each_person_where_they_stand(self, client, world):
        client.force_login(world.a.users["homeroom"])
        html = client.get(reverse("mfa_help")).content.decode()
        assert (
            th(
                "Your account does not have to use two-factor authentication, but you may turn "
                "it on to protect it."
            )
            in html
        )
        director = world.a.users["director"]
        client.force_login(director)
        html = client.get(reverse("mfa_help")).content.decode()
        assert th("Way 2: a passkey") in html
        assert 'data-mfa="grace"' in html
        enrol(director)
        html = client.get(reverse("mfa_help")).content.decode()
        assert th("Two-factor authentication is on for your account.") in html

    def test_it_needs_a_log_in(self, client):
        assert client.get(reverse("mfa_help"))["Location"].startswith(reverse("account_login"))
