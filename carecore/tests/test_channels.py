"""Notifications outside the portal, each person's choice (carecore/channels.py): LINE through
the school's Official Account (a fake LINE server records what is pushed), e-mail, a daily
summary, or nothing; linking LINE by a code sent to the account; failures kept and retried."""

import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carecore import channels
from carecore.models import (
    AuditEvent,
    LineAccount,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)
from carecore.notifications import notify
from carecore.tasks import notification_deliveries_due_task, notification_digests_task
from carecore.tests.factories import LINE_SECRET as SECRET
from carecore.tests.factories import LINE_TOKEN as TOKEN
from carecore.tests.factories import LineAccountFactory
from conftest import make_user, th
from tests.fakes import LINE_PUSH, LINE_REPLY

pytestmark = pytest.mark.django_db

FAMILY_TEXT = "มีข้อความใหม่จากโรงเรียน"


@pytest.fixture
def oa(world):
    """School A's Official Account."""
    return LineAccountFactory(
        name="โรงเรียน A", owner=f"school:{world.a.school.pk}", basic_id="@schoola"
    )


@pytest.fixture
def parent(world):
    """A parent of school A's student (no role anywhere): the family accounts' app says which
    school a parent belongs to through ``register_line_owners``; here the test does."""
    user = make_user("parent_chan", email="parent_chan@example.org")

    def owners(person):
        return [f"school:{world.a.school.pk}"] if person.pk == user.pk else []

    channels.register_line_owners(owners)
    yield user
    channels._owner_resolvers.remove(owners)


def linked(user, account, *, frequency="immediate", line_user="U" + "a" * 32):
    NotificationPreference.objects.update_or_create(
        user=user,
        defaults={
            "channel": "line",
            "frequency": frequency,
            "line_account": account,
            "line_user_id": line_user,
            "line_linked": timezone.now(),
        },
    )
    return line_user


def choose(user, channel, frequency="immediate"):
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"channel": channel, "frequency": frequency}
    )


def tell(users, kind=Notification.Kind.FAMILY_ABSENCE, place="โรงเรียน A"):
    return notify(users=users, kind=kind, url="/family/", place=place)


def signed(body: bytes, secret=SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook(client, account, events, *, signature=None):
    body = json.dumps({"destination": "U0", "events": events}).encode()
    return client.post(
        reverse("line_webhook", args=[account.pk]),
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": signed(body) if signature is None else signature},
    )


def text_event(text, user_id="U" + "b" * 32, token="reply-token-1"):  # noqa: S107
    return {
        "type": "message",
        "replyToken": token,
        "source": {"type": "user", "userId": user_id},
        "message": {"type": "text", "id": "1", "text": text},
    }


# --- LINE --------------------------------------------------------------------------------------
def test_family_absence_reaches_line_as_one_content_free_message(
    world, oa, parent, fake_line, django_capture_on_commit_callbacks, settings
):
    line_user = linked(parent, oa)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([parent])
    (push,) = fake_line.to(LINE_PUSH)
    assert push.headers["Authorization"] == f"Bearer {TOKEN}"
    assert push.headers["X-Line-Retry-Key"]
    link = settings.SITE_URL + reverse("notification_open", args=[notification.pk])
    assert push.json() == {
        "to": line_user,
        "messages": [{"type": "text", "text": f"{FAMILY_TEXT}\n{link}"}],
    }
    # Nothing of the child nor of what happened; no e-mail besides.
    body = push.body.decode()
    assert world.a.student.first_name not in body
    assert th("Your child was absent") not in body
    assert mail.outbox == []
    delivery = NotificationDelivery.objects.get(notification=notification)
    assert delivery.status == NotificationDelivery.Status.SENT
    # Sent once: the sweep does not send it again.
    notification_deliveries_due_task()
    assert len(fake_line.to(LINE_PUSH)) == 1


def test_staff_read_the_kind_and_place_on_line(
    world, oa, fake_line, django_capture_on_commit_callbacks
):
    counsellor = world.a.users["counsellor"]
    linked(counsellor, oa)
    with django_capture_on_commit_callbacks(execute=True):
        tell([counsellor], Notification.Kind.REFERRAL_RECEIVED, place=world.a.school.name)
    text = fake_line.to(LINE_PUSH)[0].json()["messages"][0]["text"]
    assert text.startswith(th("A student was referred to you"))
    assert world.a.school.name in text
    assert world.a.student.first_name not in text


def test_a_failed_push_is_kept_and_tried_again(
    world, oa, parent, fake_line, django_capture_on_commit_callbacks, caplog
):
    linked(parent, oa)
    fake_line.answer(500, {"message": "Internal error"})
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([parent])
    # The portal's row is there whatever LINE did; the delivery waits for its next try.
    assert Notification.objects.filter(pk=notification.pk, user=parent).exists()
    delivery = NotificationDelivery.objects.get(notification=notification)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "500" in delivery.last_error
    assert delivery.next_attempt > timezone.now()
    # Not due yet: the sweep leaves it; once due, it is sent (with the same retry key).
    notification_deliveries_due_task()
    assert len(fake_line.to(LINE_PUSH)) == 1
    NotificationDelivery.objects.filter(pk=delivery.pk).update(next_attempt=timezone.now())
    notification_deliveries_due_task()
    first, second = fake_line.to(LINE_PUSH)
    assert first.headers["X-Line-Retry-Key"] == second.headers["X-Line-Retry-Key"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    # The token never reaches the logs.
    assert TOKEN not in caplog.text


def test_a_refused_push_fails_at_once_and_the_admin_sends_it_again(
    world, oa, parent, fake_line, django_capture_on_commit_callbacks
):
    linked(parent, oa)
    fake_line.answer(400, {"message": "The property, 'to', in the request body is invalid"})
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([parent])
    delivery = NotificationDelivery.objects.get(notification=notification)
    assert delivery.status == NotificationDelivery.Status.FAILED
    assert "invalid" in delivery.last_error
    admin = make_user("root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("admin:carecore_notificationdelivery_changelist"))
    assert listing.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:carecore_notificationdelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == NotificationDelivery.Status.SENT
    assert len(fake_line.to(LINE_PUSH)) == 2


def test_retries_give_up_after_the_last_wait(world, oa, parent, fake_line):
    linked(parent, oa)
    fake_line.answer(503, times=channels.MAX_ATTEMPTS)
    (notification,) = tell([parent])
    delivery = NotificationDelivery.objects.get(notification=notification)
    for _ in range(channels.MAX_ATTEMPTS):
        NotificationDelivery.objects.filter(pk=delivery.pk).update(next_attempt=timezone.now())
        channels.deliveries_send([delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", channels.MAX_ATTEMPTS)


# --- daily summary -----------------------------------------------------------------------------
def test_daily_summary_one_message_per_person_with_the_count(
    world, oa, parent, fake_line, django_capture_on_commit_callbacks, settings
):
    line_user = linked(parent, oa, frequency="daily")
    director = world.a.users["director"]
    choose(director, "email", "daily")
    with django_capture_on_commit_callbacks(execute=True):
        tell([parent])
        tell([parent], Notification.Kind.FAMILY_BEHAVIOUR)
        tell([director], Notification.Kind.CASE_LATE)
    # Nothing at once for those who chose the summary.
    assert fake_line.to(LINE_PUSH) == []
    assert mail.outbox == []

    assert notification_digests_task() == 2
    (push,) = fake_line.to(LINE_PUSH)
    link = settings.SITE_URL + reverse("notification_list")
    assert push.json()["to"] == line_user
    assert push.json()["messages"][0]["text"] == f"{FAMILY_TEXT} 2 รายการ\n{link}"
    (message,) = mail.outbox
    assert message.to == [director.email]
    assert message.subject == th("Student Care System: %(count)s things wait for you", count=1)
    assert link in message.body
    # Once a day: running it again sends nothing; tomorrow counts only what is new since.
    assert notification_digests_task() == 0
    assert len(fake_line.to(LINE_PUSH)) == 1
    tomorrow = timezone.now() + timedelta(days=1)
    assert channels.digests_make(now=tomorrow) == []


def test_the_summary_skips_what_was_already_read(world, oa, parent, fake_line):
    linked(parent, oa, frequency="daily")
    tell([parent])
    Notification.objects.filter(user=parent).update(read=timezone.now())
    assert notification_digests_task() == 0
    assert fake_line.to(LINE_PUSH) == []


# --- e-mail and portal only --------------------------------------------------------------------
def test_parent_choosing_email_gets_a_content_free_email(
    world, oa, parent, fake_line, login, django_capture_on_commit_callbacks
):
    client = login(parent)
    response = client.post(
        reverse("notification_settings"),
        {"action": "save", "channel": "email", "frequency": "immediate"},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([parent])
    (message,) = mail.outbox
    assert message.to == ["parent_chan@example.org"]
    assert message.subject == FAMILY_TEXT
    assert reverse("notification_open", args=[notification.pk]) in message.body
    assert world.a.student.first_name not in message.body
    assert th("Your child was absent") not in message.body
    assert fake_line.requests == []


def test_portal_only_sends_nothing_outside(
    world, oa, parent, fake_line, login, django_capture_on_commit_callbacks
):
    linked(parent, oa)
    client = login(parent)
    client.post(
        reverse("notification_settings"),
        {"action": "save", "channel": "portal", "frequency": "immediate"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        tell([parent])
        tell([parent], Notification.Kind.FAMILY_CONSENT)
    assert notification_digests_task() == 0
    assert fake_line.requests == []
    assert mail.outbox == []
    assert NotificationDelivery.objects.count() == 0
    # ... and the portal lists both.
    assert b'data-notification="family_consent"' in client.get(reverse("notification_list")).content


def test_staff_without_a_choice_are_emailed_as_before(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell([world.a.users["nurse"]], Notification.Kind.CASE_LATE)
    assert [m.to for m in mail.outbox] == [["nurse_a@example.org"]]


# --- the page ----------------------------------------------------------------------------------
def test_choices_that_cannot_work_get_a_clear_message(world, parent, login):
    parent.email = ""
    parent.save()
    client = login(parent)
    # Without an address, having chosen nothing means only the system.
    page = client.get(reverse("notification_settings"))
    assert page.context["form"]["channel"].value() == "portal"
    page = client.post(
        reverse("notification_settings"),
        {"action": "save", "channel": "email", "frequency": "daily"},
    )
    assert page.status_code == 200
    assert th("Your account has no e-mail address.").encode() in page.content
    # No Official Account for this school yet: LINE cannot be chosen.
    page = client.post(
        reverse("notification_settings"),
        {"action": "save", "channel": "line", "frequency": "immediate"},
    )
    assert th("Your school has no LINE Official Account in the system yet.").encode() in (
        page.content
    )
    assert not NotificationPreference.objects.filter(user=parent).exists()


def test_linking_line_by_code(
    world, oa, parent, login, fake_line, django_capture_on_commit_callbacks
):
    client = login(parent)
    page = client.get(reverse("notification_settings"))
    assert oa.add_friend_url.encode() in page.content
    assert client.post(reverse("notification_settings"), {"action": "line_code"}).status_code == 302
    page = client.get(reverse("notification_settings"))
    code = page.context["link_code"]
    assert f'data-link-code="{code}"'.encode() in page.content

    # The parent sends the code to the account's chat (typed in small letters, no dash).
    line_user = "U" + "c" * 32
    typed = code.replace("-", " ").lower()
    with django_capture_on_commit_callbacks(execute=True):
        answer = webhook(client, oa, [text_event(typed, user_id=line_user)])
    assert answer.status_code == 200
    preference = NotificationPreference.objects.get(user=parent)
    assert (preference.line_user_id, preference.line_account, preference.channel) == (
        line_user,
        oa,
        "line",
    )
    (reply,) = fake_line.to(LINE_REPLY)
    assert reply.json()["replyToken"] == "reply-token-1"
    assert reply.headers["Authorization"] == f"Bearer {TOKEN}"
    assert b"data-line-linked" in client.get(reverse("notification_settings")).content

    # The code works once; a chat message that is not a code gets no answer.
    with django_capture_on_commit_callbacks(execute=True):
        webhook(client, oa, [text_event(code, user_id="U" + "d" * 32, token="t2")])
        webhook(client, oa, [text_event("สวัสดีค่ะ คุณครู", token="t3")])
    assert [r.json()["replyToken"] for r in fake_line.to(LINE_REPLY)] == ["reply-token-1", "t2"]
    refused = fake_line.to(LINE_REPLY)[1].json()["messages"][0]["text"]
    assert refused.startswith("รหัสไม่ถูกต้องหรือหมดอายุ")
    assert NotificationPreference.objects.get(user=parent).line_user_id == line_user

    # Blocking the account stops the pushes; so does unlinking.
    webhook(client, oa, [{"type": "unfollow", "source": {"type": "user", "userId": line_user}}])
    preference.refresh_from_db()
    assert (preference.line_user_id, preference.channel) == ("", "portal")


def test_webhook_refuses_a_bad_signature(world, oa, parent, client, caplog):
    preference = NotificationPreference.objects.create(user=parent)
    code = channels.line_link_code_new(parent)
    caplog.set_level(logging.INFO)
    for signature in ("", "bm90IGEgc2lnbmF0dXJl", signed(b"another body")):
        answer = webhook(client, oa, [text_event(code)], signature=signature)
        assert answer.status_code == 403
    # Signed with another account's secret.
    body = json.dumps({"events": [text_event(code)]}).encode()
    answer = client.post(
        reverse("line_webhook", args=[oa.pk]),
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": signed(body, secret="other-secret")},
    )
    assert answer.status_code == 403
    preference.refresh_from_db()
    assert preference.line_user_id == ""
    assert SECRET not in caplog.text
    # An unknown or inactive account does not exist; a GET is not allowed.
    assert client.post(reverse("line_webhook", args=[oa.pk + 1])).status_code == 404
    assert client.get(reverse("line_webhook", args=[oa.pk])).status_code == 405
    # LINE's "verify" call (no events) and junk events are answered 200.
    assert webhook(client, oa, []).status_code == 200
    assert webhook(client, oa, [1, "x", {"type": "message"}]).status_code == 200


def test_unlinking_from_the_page(
    world, oa, parent, login, fake_line, django_capture_on_commit_callbacks
):
    linked(parent, oa)
    client = login(parent)
    client.post(reverse("notification_settings"), {"action": "line_unlink"})
    with django_capture_on_commit_callbacks(execute=True):
        tell([parent])
    assert fake_line.requests == []


def test_staff_are_offered_their_school_then_district_accounts(world, oa):
    district_oa = LineAccountFactory(owner=f"district:{world.a.district.pk}")
    assert channels.line_accounts_for(world.a.users["homeroom"]) == [oa, district_oa]
    assert channels.line_accounts_for(world.a.users["district_admin"]) == [district_oa]
    assert channels.line_accounts_for(world.b.users["homeroom"]) == []


def test_admin_keeps_the_secrets_hidden(world, oa):
    from carecore.admin import AdminLineAccountForm

    form = AdminLineAccountForm(instance=oa)
    html = str(form)
    assert SECRET not in html and TOKEN not in html
    data = {
        "name": oa.name,
        "owner": "school:999999",
        "basic_id": oa.basic_id,
        "channel_id": oa.channel_id,
        "channel_secret": "",
        "access_token": "",
        "active": "on",
    }
    form = AdminLineAccountForm(data, instance=oa)
    assert "owner" in form.errors
    data["owner"] = f"school:{world.a.school.pk}"
    form = AdminLineAccountForm(data, instance=oa)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.channel_secret, saved.access_token) == (SECRET, TOKEN)


def test_a_retry_after_the_person_chose_otherwise_is_not_sent(
    world, oa, parent, fake_line, django_capture_on_commit_callbacks
):
    linked(parent, oa)
    fake_line.answer(503)
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = tell([parent])
    NotificationPreference.objects.filter(user=parent).update(channel="email")
    NotificationDelivery.objects.update(next_attempt=timezone.now())
    notification_deliveries_due_task()
    delivery = NotificationDelivery.objects.get(notification=notification)
    assert delivery.status == NotificationDelivery.Status.FAILED
    assert len(fake_line.to(LINE_PUSH)) == 1  # the first, refused try only
    assert mail.outbox == []
    # Unlinking LINE keeps the e-mail choice.
    channels.line_unlink(parent)
    preference = NotificationPreference.objects.get(user=parent)
    assert (preference.channel, preference.line_user_id) == ("email", "")


# --- the district administrator's page ---------------------------------------------------------
def test_district_admin_adds_and_changes_an_account_without_seeing_its_secrets(world, login):
    client = login(world.a.users["district_admin"])
    code = world.a.district.code
    new = reverse("line_accounts:new", kwargs={"district_code": code})
    page = client.get(new)
    owners = [value for value, _label in page.context["form"].fields["owner"].choices]
    # The district office and its schools; never another district's school.
    assert owners == [f"district:{world.a.district.pk}", f"school:{world.a.school.pk}"]
    data = {
        "name": "โรงเรียน A",
        "owner": f"school:{world.a.school.pk}",
        "basic_id": "schoola",
        "channel_id": "1650000001",
        "channel_secret": SECRET,
        "access_token": TOKEN,
        "active": "on",
    }
    assert client.post(new, {**data, "owner": f"school:{world.b.school.pk}"}).status_code == 200
    assert client.post(new, data).status_code == 302
    account = LineAccount.objects.get()
    assert (account.basic_id, account.channel_secret, account.access_token) == (
        "@schoola",
        SECRET,
        TOKEN,
    )
    listing = client.get(reverse("line_accounts:list", kwargs={"district_code": code}))
    assert f"/line/webhook/{account.pk}/".encode() in listing.content
    edit = reverse("line_accounts:edit", kwargs={"district_code": code, "account_id": account.pk})
    page = client.get(edit)
    assert SECRET.encode() not in page.content and TOKEN.encode() not in page.content
    # Empty secret and token keep them; the audit log says the name changed, no secret.
    client.post(edit, {**data, "name": "LINE โรงเรียน A", "channel_secret": "", "access_token": ""})
    account.refresh_from_db()
    assert (account.name, account.channel_secret, account.access_token) == (
        "LINE โรงเรียน A",
        SECRET,
        TOKEN,
    )
    client.post(edit, {**data, "access_token": "a-new-token"})
    account.refresh_from_db()
    assert account.access_token == "a-new-token"
    logged = str(list(AuditEvent.objects.values()))
    assert SECRET not in logged and TOKEN not in logged and "a-new-token" not in logged
    # Another district's administrator does not find it.
    other = login(world.b.users["district_admin"])
    url = reverse(
        "line_accounts:edit",
        kwargs={"district_code": world.b.district.code, "account_id": account.pk},
    )
    assert other.get(url).status_code == 404
