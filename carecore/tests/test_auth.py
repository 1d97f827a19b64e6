"""Log-in with allauth: username or e-mail, no open sign-up, password reset by e-mail,
two-factor pages, and the landing page by role."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from carecore import accounts as services
from carecore.models import Role
from conftest import PASSWORD


def thai(text):
    with translation.override("th"):
        return translation.gettext(text)


@pytest.fixture
def coordinator(world):
    user = services.staff_account_create(
        username="somsri",
        password=PASSWORD,
        prefix="นาง",
        first_name="สมศรี",
        last_name="ใจดี",
        email="somsri@example.org",
        memberships=[{"role": Role.COORDINATOR, "school": world.a.school}],
        created_by=None,
    )
    return user


@pytest.mark.django_db
class TestLogin:
    def test_login_page_is_thai_and_offers_no_sign_up(self, client):
        response = client.get(reverse("account_login"))
        html = response.content.decode()
        assert thai("Log in") in html
        assert reverse("account_signup") not in html

    @pytest.mark.parametrize("login", ["somsri", "somsri@example.org"])
    def test_log_in_with_username_or_email(self, client, coordinator, world, login):
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302
        # A coordinator lands on their school.
        assert response["Location"] == "/"
        landing = client.get("/")
        assert landing["Location"] == f"/s/{world.a.school.code}/"

    def test_wrong_password_keeps_the_username_and_says_why(self, client, coordinator):
        response = client.post(reverse("account_login"), {"login": "somsri", "password": "nope"})
        assert response.status_code == 200
        assert 'value="somsri"' in response.content.decode()
        assert response.context["form"].errors

    def test_sign_up_is_closed(self, client):
        response = client.post(
            reverse("account_signup"),
            {"username": "intruder", "password1": "a-long-pass-2568", "email": "x@example.org"},
        )
        from carecore.models import User

        assert not User.objects.filter(username="intruder").exists()
        assert response.status_code == 200

    def test_password_reset_sends_an_email(self, client, coordinator):
        response = client.post(reverse("account_reset_password"), {"email": "somsri@example.org"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["somsri@example.org"]
        assert "/accounts/password/reset/key/" in mail.outbox[0].body

    def test_two_factor_setup_is_available(self, client, coordinator):
        client.post(reverse("account_login"), {"login": "somsri", "password": PASSWORD})
        # Turning on two-factor asks for the password again first.
        url = reverse("mfa_activate_totp")
        assert client.get(url)["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = client.get(url)
        assert response.status_code == 200
        assert "svg" in response.content.decode()  # the QR code to scan

    def test_logout_needs_post(self, client, coordinator):
        client.force_login(coordinator)
        client.post(reverse("account_logout"))
        assert client.get("/")["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
class TestLanding:
    @pytest.mark.parametrize(
        "key, expected",
        [
            ("homeroom", "/classrooms/"),
            ("coordinator", "/s/{school}/"),
            ("director", "/s/{school}/"),
            ("counsellor", "/s/{school}/"),
            ("network", "/n/{network}/"),
            ("district_supervisor", "/d/{district}/"),
            ("district_admin", "/d/{district}/"),
        ],
    )
    def test_each_role_lands_where_their_work_is(self, client, world, key, expected):
        a = world.a
        client.force_login(a.users[key])
        url = expected.format(school=a.school.code, network=a.network.pk, district=a.district.code)
        assert client.get("/")["Location"] == url

    def test_user_without_role_is_told_whom_to_ask(self, client, db):
        from conftest import make_user

        client.force_login(make_user("nobody"))
        response = client.get("/")
        assert response.status_code == 200
        assert thai("Your account has no role yet") in response.content.decode()


@pytest.mark.django_db
class TestLanguage:
    def test_thai_by_default_even_if_the_browser_asks_for_english(self, client, world):
        client.force_login(world.a.users["coordinator"])
        response = client.get(f"/s/{world.a.school.code}/", HTTP_ACCEPT_LANGUAGE="en-US,en")
        assert response["Content-Language"] == "th"
        assert thai("Classrooms") in response.content.decode()

    def test_choosing_english_is_remembered_on_the_account(self, client, world):
        user = world.a.users["coordinator"]
        client.force_login(user)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        user.refresh_from_db()
        assert user.language == "en"
        response = client.get(f"/s/{world.a.school.code}/")
        assert response["Content-Language"] == "en"
        assert "Classrooms" in response.content.decode()
        # On another device (no cookie) the saved choice still applies.
        client.cookies.clear()
        client.force_login(user)
        assert client.get(f"/s/{world.a.school.code}/")["Content-Language"] == "en"
