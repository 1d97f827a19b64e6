"""A parent links LINE on a phone (375x812): *How I am told* shows the school's Official Account
and, on a tap, a code; LINE's signed webhook call with that code links the parent; then a
notice about their child reaches the fake LINE server as one content-free message."""

import base64
import hashlib
import hmac
import json
import urllib.request

import pytest

from carecore.models import Notification
from carecore.notifications import notify
from carecore.tests.factories import LINE_SECRET, LineAccountFactory
from tests.browser.helpers import log_in, thai
from tests.fakes import LINE_PUSH, LINE_REPLY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def line_calls_webhook(base, account, text, user_id):
    body = json.dumps(
        {
            "destination": "U0",
            "events": [
                {
                    "type": "message",
                    "replyToken": "r1",
                    "source": {"type": "user", "userId": user_id},
                    "message": {"type": "text", "id": "1", "text": text},
                }
            ],
        }
    ).encode()
    digest = hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()
    request = urllib.request.Request(
        f"{base}/line/webhook/{account.pk}/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": base64.b64encode(digest).decode(),
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return answer.status


def test_parent_links_line_on_a_phone_and_is_told_there(
    world, live_server, page_factory, screenshot, fake_line
):
    parent = world.a.users["parent"]
    # The install's one Official Account (no owner: offered to everyone).
    account = LineAccountFactory(name="โรงเรียน A", basic_id="@schoola")
    base = live_server.url
    page = page_factory(width=375, height=812, locale="th-TH")
    log_in(page, base, parent.username)

    page.goto(f"{base}/notifications/settings/")
    assert thai("How I am told") in page.inner_text("h1")
    assert "@schoola" in page.inner_text("#line-link")
    page.click("button[value=line_code]")
    code = page.get_attribute("[data-link-code]", "data-link-code")
    assert code and len(code) == 9
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "line-link-code-phone")

    assert line_calls_webhook(base, account, code, "U" + "e" * 32) == 200
    assert fake_line.to(LINE_REPLY)[0].json()["replyToken"] == "r1"
    page.reload()
    assert page.locator("[data-line-linked]").count() == 1
    assert page.locator("input[name=channel][value=line]").is_checked()
    screenshot(page, "line-linked-phone")

    notify(users=[parent], kind=Notification.Kind.FAMILY_ABSENCE, url="/family/")
    (push,) = fake_line.to(LINE_PUSH)
    text = push.json()["messages"][0]["text"]
    assert text.startswith("มีข้อความใหม่จากโรงเรียน\n")
    assert world.a.student.first_name not in text


def test_district_admin_sees_the_accounts_on_a_phone(world, live_server, page_factory, screenshot):
    a = world.a
    LineAccountFactory(name="โรงเรียน A", owner=f"school:{a.school.pk}", basic_id="@schoola")
    LineAccountFactory(name="สพป. A", owner=f"district:{a.district.pk}", basic_id="@officea")
    page = page_factory(width=375, height=812, locale="th-TH")
    log_in(page, live_server.url, a.users["district_admin"].username)
    page.goto(f"{live_server.url}/d/{a.district.code}/")
    page.click("#district-line")
    assert page.locator("#line-accounts [data-line-account]").count() == 2
    assert "/line/webhook/" in page.inner_text("#line-accounts")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "line-accounts-phone")
