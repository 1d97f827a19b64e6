"""Parents' and students' accounts (docs/portal.md, "Accounts"): a slip's code makes an account
(once, before it expires; a wrong code says so in Thai and keeps what was typed); a parent adds a
second child at another school; a parent logs in with a code texted to the phone on file (a fake
SMS gateway records the texts) within the limits; staff print a classroom's slips (a job, read
back with poppler); a parent or student finds no staff page, and lands on their portal."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from carecore.models import AuditEvent, GeneratedFile, User
from carecore.tests.test_pdf import comparable, pdf_text
from conftest import th
from students.access import children_for_user
from students.family_models import AccountSlip, GuardianLink, StudentAccount
from students.family_services import slips_issue
from tests.fakes import SMS_SEND

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}\b")
NEW_PASSWORD = "Khon-Kaen-2569!"  # noqa: S105


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def issue(student, kind="parent", by=None) -> str:
    with scopes_disabled():
        return slips_issue(students=[student], kind=kind, issued_by=by)[0].code


def redeem(client, code: str):
    return client.post(reverse("portal:redeem"), {"code": code})


def make_account(client, username="mae_somsri", phone=""):
    return client.post(
        reverse("portal:redeem_account"),
        {
            "username": username,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "phone": phone,
        },
    )


class TestSlipRedemption:
    def test_a_code_makes_a_parent_account_linked_to_the_child(self, world, client):
        code = issue(world.a.student)
        # Typed in small letters, without the dash.
        response = redeem(client, code.lower())
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:redeem_account")
        page = client.get(response["Location"])
        assertContains(page, world.a.student.full_name)
        response = make_account(client, phone="081 234 5678")
        assert response["Location"] == reverse("portal:home")
        user = User.objects.get(username="mae_somsri")
        assert user.phone == "0812345678"
        assert [c.pk for c in children_for_user(user)] == [world.a.student.pk]
        home = client.get(reverse("portal:home"))
        assertContains(home, world.a.student.full_name)
        assertContains(home, world.a.school.name)
        assertContains(home, str(world.a.classroom))
        # The link is in the audit log under the child; the code is nowhere.
        event = AuditEvent.objects.get(student_id=world.a.student.pk, action="create")
        assert "mae_somsri" in event.summary
        assert code not in str(AuditEvent.objects.values_list("summary", flat=True))
        with scopes_disabled():
            slip = AccountSlip.objects.get()
        assert slip.used_by == user and slip.code_hash != code

    def test_a_used_code_says_so_and_keeps_what_was_typed(self, world, client):
        code = issue(world.a.student)
        redeem(client, code)
        make_account(client)
        client.logout()
        response = redeem(client, code)
        assert response.status_code == 200
        assertContains(
            response,
            th(
                "This code has been used already. Log in with the account made with it, or ask "
                "the school for a new slip."
            ),
        )
        assertContains(response, f'value="{code}"')
        assert User.objects.filter(username__startswith="mae").count() == 1

    def test_an_expired_code_says_so(self, world, client):
        code = issue(world.a.student)
        AccountSlip.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
        response = redeem(client, code)
        assertContains(response, th("This code has expired. Ask the school for a new slip."))
        assert client.get(reverse("portal:redeem_account")).status_code == 302

    def test_a_wrong_or_malformed_code_says_so(self, world, client):
        issue(world.a.student)
        response = redeem(client, "ABCDE-FGH23")
        assertContains(
            response,
            th("No slip has this code. Check the slip and type it again, or ask the school."),
        )
        assertContains(response, 'value="ABCDE-FGH23"')
        response = redeem(client, "abc")
        assertContains(
            response,
            th(
                "A code has 10 letters and digits, for example ABCDE-FGH23 (there is no 0, O, "
                "1, I or L in a code). Check the slip and type it again."
            ),
        )
        assert not GuardianLink.objects.filter(
            student=world.a.student, user__username__startswith="mae"
        ).exists()

    def test_wrong_codes_from_one_address_are_stopped_for_a_while(self, world, client, settings):
        settings.FAMILY_RATE_LIMITS = {"slip_code": "3/10m/ip"}
        code = issue(world.a.student)
        for _ in range(3):
            assert redeem(client, "ABCDE-FGH23").status_code == 200
        response = redeem(client, code)
        assert response.status_code == 429
        assert not AccountSlip.objects.filter(used_at__isnull=False).exists()

    def test_a_taken_username_and_a_weak_password_are_refused_with_nothing_lost(
        self, world, client
    ):
        code = issue(world.a.student)
        redeem(client, code)
        response = make_account(client, username=world.a.users["homeroom"].username)
        assertContains(response, th("This username is taken; choose another."))
        response = client.post(
            reverse("portal:redeem_account"),
            {"username": "mae_somsri", "password1": "12345678", "password2": "12345678"},
        )
        assert response.status_code == 200
        assert not User.objects.filter(username="mae_somsri").exists()
        assert make_account(client).status_code == 302  # the slip still works

    def test_a_student_slip_makes_the_students_own_account(self, world, client):
        code = issue(world.a.other_student, kind="student")
        redeem(client, code)
        make_account(client, username="nong_a")
        user = User.objects.get(username="nong_a")
        with scopes_disabled():
            assert StudentAccount.objects.get(user=user).student == world.a.other_student
        home = client.get(reverse("portal:home"))
        assertContains(home, world.a.other_student.full_name)
        # A second student slip for a student with an account: a new password, same username.
        client.logout()
        redeem(client, issue(world.a.other_student, kind="student"))
        page = client.get(reverse("portal:redeem_account"))
        assertContains(page, "nong_a")
        response = client.post(
            reverse("portal:redeem_account"),
            {"password1": "Another-pass-2569", "password2": "Another-pass-2569"},
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("Another-pass-2569")


class TestTwoChildrenTwoSchools:
    def test_a_signed_in_parent_adds_a_child_at_another_school(self, world, client):
        redeem(client, issue(world.a.student))
        make_account(client)
        response = redeem(client, issue(world.b.other_student))
        assert response["Location"] == reverse("portal:home")
        user = User.objects.get(username="mae_somsri")
        assert {c.pk for c in children_for_user(user)} == {
            world.a.student.pk,
            world.b.other_student.pk,
        }
        home = client.get(reverse("portal:home"))
        for child, side in ((world.a.student, world.a), (world.b.other_student, world.b)):
            assertContains(home, child.full_name)
            assertContains(home, side.school.name)
        # Neither school's staff pages open for the parent.
        for side in (world.a, world.b):
            assert client.get(f"/s/{side.school.code}/").status_code == 404
            url = f"/s/{side.school.code}/students/{world.a.student.pk}/"
            assert client.get(url).status_code == 404

    def test_a_staff_account_cannot_take_a_childs_code(self, world, login):
        client = login(world.a.users["homeroom"])
        response = redeem(client, issue(world.a.student))
        assertContains(
            response,
            th("You are logged in with a school staff account. Log out, then type the code again."),
        )
        assert not AccountSlip.objects.filter(used_at__isnull=False).exists()


class TestLanding:
    @pytest.mark.parametrize("key", ["parent", "student"])
    def test_a_family_user_lands_on_the_portal(self, world, login, key):
        client = login(world.a.users[key])
        response = client.get(reverse("home"))
        assert response["Location"] == reverse("portal:home")
        assertContains(client.get(reverse("portal:home")), world.a.student.full_name)

    def test_after_logging_in_with_a_password(self, world, client):
        response = client.post(
            reverse("account_login"),
            {"login": world.a.users["parent"].username, "password": "correct-horse-2568"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("portal:home")
        assertContains(response, world.a.student.full_name)
        assertNotContains(response, world.a.other_student.full_name)

    def test_staff_still_land_on_their_work(self, world, login):
        response = login(world.a.users["coordinator"]).get(reverse("home"))
        assert response["Location"] == f"/s/{world.a.school.code}/"


class TestPhoneLogin:
    @pytest.fixture
    def on_file(self, world):
        with scopes_disabled():
            world.a.guardian.phone = "081-234-5678"
            world.a.guardian.save()
        return "0812345678"

    def test_a_texted_code_logs_the_parent_in_with_their_child(
        self, world, client, fake_sms, on_file
    ):
        response = client.post(reverse("portal:phone_login"), {"phone": "๐๘๑ ๒๓๔ ๕๖๗๘"})
        assert response["Location"] == reverse("portal:phone_code")
        [sent] = fake_sms.to(SMS_SEND)
        assert sent.headers["Authorization"] == "Bearer test-sms-key"
        body = sent.json()
        assert body["to"] == on_file
        code = re.search(r"\b\d{6}\b", body["text"]).group()
        # The code and the school's name, nothing about the child.
        assert world.a.school.name in body["text"]
        assert world.a.student.first_name not in body["text"]
        page = client.get(reverse("portal:phone_code"))
        assertContains(page, "08x-xxx-5678")
        wrong = "000000" if code != "000000" else "111111"
        response = client.post(reverse("portal:phone_code"), {"code": wrong})
        assert response.status_code == 200
        assertContains(
            response,
            th(
                "The code is wrong or has expired (a code lasts 10 minutes and allows a few "
                "tries). Check the SMS, or ask for a new code."
            ),
        )
        response = client.post(reverse("portal:phone_code"), {"code": code})
        assert response["Location"] == reverse("portal:home")
        user = User.objects.get(phone=on_file)
        with scopes_disabled():
            link = GuardianLink.objects.get(user=user)
        assert link.student == world.a.student and link.guardian == world.a.guardian
        assertContains(client.get(reverse("portal:home")), world.a.student.full_name)
        # The code works once.
        client.logout()
        assert client.get(reverse("portal:phone_code")).status_code == 302
        client.post(reverse("portal:phone_login"), {"phone": on_file})
        assert client.post(reverse("portal:phone_code"), {"code": code}).status_code == 200

    def test_a_number_not_on_file_gets_the_same_answer_and_no_text(self, world, client, fake_sms):
        response = client.post(reverse("portal:phone_login"), {"phone": "0899999999"})
        assert response["Location"] == reverse("portal:phone_code")
        assert fake_sms.to(SMS_SEND) == []

    def test_texts_to_one_number_are_limited(self, world, client, fake_sms, on_file):
        for _ in range(3):
            client.post(reverse("portal:phone_login"), {"phone": on_file})
        response = client.post(reverse("portal:phone_login"), {"phone": on_file})
        assert response.status_code == 429
        assert len(fake_sms.to(SMS_SEND)) == 3

    def test_wrong_codes_spend_the_code(self, world, client, fake_sms, on_file):
        client.post(reverse("portal:phone_login"), {"phone": on_file})
        code = re.search(r"\b\d{6}\b", fake_sms.to(SMS_SEND)[0].json()["text"]).group()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            client.post(reverse("portal:phone_code"), {"code": wrong})
        response = client.post(reverse("portal:phone_code"), {"code": code})
        assert response.status_code == 200
        assert not User.objects.filter(phone=on_file).exists()

    def test_a_gateway_that_fails_is_said_plainly(self, world, client, fake_sms, on_file):
        fake_sms.answer(503)
        response = client.post(reverse("portal:phone_login"), {"phone": on_file})
        assertContains(
            response,
            th(
                "The SMS could not be sent just now. Try again in a few minutes, or use the "
                "slip from the school."
            ),
        )

    def test_a_link_the_school_revoked_is_not_made_again(self, world, client, fake_sms, on_file):
        with scopes_disabled():
            GuardianLink.objects.filter(student=world.a.student).update(revoked_at=timezone.now())
        client.post(reverse("portal:phone_login"), {"phone": on_file})
        code = re.search(r"\b\d{6}\b", fake_sms.to(SMS_SEND)[0].json()["text"]).group()
        client.post(reverse("portal:phone_code"), {"code": code})
        user = User.objects.get(phone=on_file)
        assert list(children_for_user(user)) == []


class TestStaffSlips:
    def slips_url(self, world):
        return reverse(
            "portal_staff:classroom_slips",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )

    def test_the_teacher_prints_the_parents_slips(
        self, world, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["homeroom"])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.slips_url(world), {"kind": "parent"})
        assert response.status_code == 302
        generated = GeneratedFile.objects.filter(kind="family_slips").latest("created")
        assert generated.status == GeneratedFile.Status.DONE, generated.error
        download = client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))
        pdf = b"".join(download.streaming_content)
        text = pdf_text(pdf)
        [printed] = CODE.findall(text)
        flat = comparable(text)
        assert comparable(world.a.student.full_name) in flat
        assert comparable(world.a.school.name) in flat
        assert "testserver/family/code/" in text
        # The printed code opens the account page, for that child.
        client.logout()
        response = redeem(client, printed)
        assert response["Location"] == reverse("portal:redeem_account")
        assertContains(client.get(response["Location"]), world.a.student.full_name)

    def test_the_classroom_page_lists_the_parents_and_takes_one_off(self, world, login):
        client = login(world.a.users["coordinator"])
        url = reverse(
            "portal_staff:classroom_accounts",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )
        page = client.get(url)
        assertContains(page, world.a.users["parent"].username)
        link = GuardianLink.objects.get(user=world.a.users["parent"])
        revoke = reverse(
            "portal_staff:link_revoke",
            kwargs={"school_code": world.a.school.code, "link_id": link.pk},
        )
        assert client.get(revoke).status_code == 200
        assert client.post(revoke)["Location"] == url
        assert not children_for_user(world.a.users["parent"]).exists()
        parent = login(world.a.users["parent"])
        assert parent.get(reverse("portal:home")).status_code == 404
