"""Issue 21, done when: in headless Chromium the district supervisor sets a deadline that the
school's director sees as due on the school's home page, and then, once the district moves its
due date into the past, as late. The director then marks it done (late, with a note), and the
district's page of the deadline shows the school done late. Every page on a phone and a
desktop, without sideways scrolling, without a serious accessibility violation."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from districts.deadlines.models import Completion, Deadline
from tests.browser.helpers import be, log_in, no_sideways_scroll
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
TITLE = "ส่งแบบสรุปผลการคัดกรองนักเรียนรายห้อง"


def test_the_district_sets_a_deadline_the_director_sees_due_then_late(
    world, live_server, page_factory, screenshot
):
    a = world.a
    today = timezone.localdate()
    base = live_server.url
    district = page_factory(width=1366, height=900)
    log_in(district, base, a.users["district_supervisor"].username)
    district.goto(f"{base}/d/{a.district.code}/")
    district.click("#district-deadlines")
    district.wait_for_load_state()
    district.click("#deadline-new")
    district.wait_for_load_state()
    district.check("input[name=kind][value=report]")
    district.fill("input[name=title]", TITLE)
    district.fill("textarea[name=details]", "ส่งแบบสรุปของทุกห้องเรียน ลงนามโดยผู้อำนวยการ")
    district.fill("input[name=opens_on]", be(today - DAY))
    district.fill("input[name=due_on]", be(today + 3 * DAY))
    screenshot(district, "deadlines-form-desktop")
    district.click("#deadline-save")
    district.wait_for_load_state()
    assert district.locator("#deadline-title").inner_text() == TITLE
    assert district.locator("#deadline-counts").get_attribute("data-due") == "1"
    with scopes_disabled():
        deadline = Deadline.objects.get()
    assert deadline.due_on == today + 3 * DAY

    # The director, on a phone: the school's home page shows it due, with its date in BE.
    phone = page_factory(width=390, height=844)
    log_in(phone, base, a.users["director"].username)
    phone.goto(f"{base}/")
    phone.wait_for_load_state()
    card = phone.locator("#deadlines-card")
    assert card.get_attribute("data-due") == "1" and card.get_attribute("data-late") == "0"
    item = card.locator(f".deadline-item[data-deadline='{deadline.pk}']")
    assert item.get_attribute("data-state") == "due"
    assert str(deadline.due_on.year + 543) in item.inner_text()
    assert no_sideways_scroll(phone)
    screenshot(phone, "deadlines-school-home-due-phone")
    assert serious(phone) == []

    # The district moves the due date to yesterday.
    district.click("#deadline-edit")
    district.wait_for_load_state()
    district.fill("input[name=opens_on]", be(today - 10 * DAY))
    district.fill("input[name=due_on]", be(today - DAY))
    district.click("#deadline-save")
    district.wait_for_load_state()
    assert district.locator("#deadline-counts").get_attribute("data-late") == "1"
    assert (
        district.locator(f".school-row[data-school='{a.school.code}']").get_attribute("data-state")
        == "late"
    )

    # The director sees it late, opens it and marks it done with a note.
    phone.reload()
    phone.wait_for_load_state()
    card = phone.locator("#deadlines-card")
    assert card.get_attribute("data-late") == "1" and card.get_attribute("data-due") == "0"
    item = card.locator(f".deadline-item[data-deadline='{deadline.pk}']")
    assert item.get_attribute("data-state") == "late"
    screenshot(phone, "deadlines-school-home-late-phone")
    item.click()
    phone.wait_for_load_state()
    assert phone.locator("#deadline-head").get_attribute("data-state") == "late"
    assert no_sideways_scroll(phone)
    screenshot(phone, "deadlines-school-deadline-late-phone")
    assert serious(phone) == []
    phone.fill("textarea[name=note]", "ส่งฉบับจริงทางไปรษณีย์แล้ว")
    phone.click("#deadline-mark-done")
    phone.wait_for_load_state()
    assert phone.locator("#deadline-head").get_attribute("data-state") == "done_late"
    screenshot(phone, "deadlines-school-deadline-done-phone")
    with scopes_disabled():
        assert Completion.objects.get().done_by == a.users["director"]

    # The district sees the school done late, with the note; the list counts it.
    district.reload()
    district.wait_for_load_state()
    row = district.locator(f".school-row[data-school='{a.school.code}']")
    assert row.get_attribute("data-state") == "done_late"
    assert "ส่งฉบับจริงทางไปรษณีย์แล้ว" in row.inner_text()
    screenshot(district, "deadlines-district-deadline-desktop")
    assert serious(district) == []
    district.goto(f"{base}/d/{a.district.code}/deadlines/")
    row = district.locator(f".deadline-row[data-deadline='{deadline.pk}']")
    assert row.get_attribute("data-done") == "1" and row.get_attribute("data-late") == "0"
    screenshot(district, "deadlines-district-list-desktop")
    assert serious(district) == []

    # The district's pages on a phone too.
    district_phone = page_factory(width=390, height=844)
    log_in(district_phone, base, a.users["district_supervisor"].username)
    for path, name in (
        (f"/d/{a.district.code}/deadlines/", "deadlines-district-list-phone"),
        (f"/d/{a.district.code}/deadlines/{deadline.pk}/", "deadlines-district-deadline-phone"),
        (f"/d/{a.district.code}/deadlines/{deadline.pk}/edit/", "deadlines-form-phone"),
    ):
        district_phone.goto(base + path)
        district_phone.wait_for_load_state()
        assert no_sideways_scroll(district_phone), path
        screenshot(district_phone, name)
        assert serious(district_phone) == [], path
