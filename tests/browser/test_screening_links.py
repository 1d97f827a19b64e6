"""A parent fills the SDQ on a phone-sized window in headless Chromium: types the slip's code in
small letters, saves half the form, comes back, sends it with an item forgotten, answers it and
sends again."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schools.selectors import current_term
from screening.models import FormLink, ScreeningWindow, SdqResponse, Status
from tests.browser.helpers import no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVERSE = (7, 11, 14, 21, 25)


def choose(page, item: int, value: int) -> None:
    page.click(f"label[for='id_q{item}_{value}']")


def test_a_parent_fills_the_form_on_a_phone(world, live_server, page_factory, screenshot):
    with scopes_disabled():
        term = current_term()
        today = timezone.localdate()
        ScreeningWindow.objects.create(
            school=world.a.school,
            term=term,
            opens=today,
            closes=today + datetime.timedelta(days=7),
        )
        link = FormLink.objects.create(student=world.a.student, term=term, rater="parent")

    page = page_factory(width=390, height=844)
    page.goto(f"{live_server.url}/f/")
    page.fill("input[name=code]", f"{link.code[:4]}-{link.code[4:]}".lower())
    page.click(".code-box button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/f/{link.code}/"
    assert world.a.student.first_name in page.content()
    assert world.a.student.last_name not in page.content()
    assert no_sideways_scroll(page)
    screenshot(page, "link-form-phone")

    for item in range(1, 13):
        choose(page, item, 2 if item in REVERSE else 0)
    page.click("button[name=draft]")
    page.wait_for_load_state()
    with scopes_disabled():
        draft = SdqResponse.objects.get(student=world.a.student, term=term, rater="parent")
    assert draft.status == Status.DRAFT and draft.answers[:12] == [
        2 if n in REVERSE else 0 for n in range(1, 13)
    ]

    # Back later: the first twelve are still chosen; item 20 is forgotten.
    page.goto(f"{live_server.url}/f/{link.code}/")
    assert page.is_checked("#id_q7_2")
    for item in range(13, 26):
        if item != 20:
            choose(page, item, 2 if item in REVERSE else 0)
    choose(page, 3, 1)
    page.click("label[for='id_impact_difficulties_0']")
    # "No difficulties": the other questions of the back page are hidden.
    assert not page.is_visible("#impact-distress")
    page.click("button[name=send]")
    page.wait_for_load_state()
    assert page.locator("#missing a[href='#item-20']").count() == 1
    assert page.is_checked("#id_q3_1")  # what was chosen is kept
    screenshot(page, "link-form-missing-item")

    choose(page, 20, 1)
    page.click("button[name=send]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/f/{link.code}/thanks/"
    assert page.locator("#thanks").count() == 1
    with scopes_disabled():
        sent = SdqResponse.objects.get(student=world.a.student, term=term, rater="parent")
    assert sent.status == Status.COMPLETE
    assert (sent.emotional, sent.prosocial, sent.entered_by_id) == (1, 1, None)
    screenshot(page, "link-form-thanks")
