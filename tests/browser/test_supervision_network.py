"""Issue 21, "rounds planned by the district and network teams": in headless Chromium the
network supervisor opens Supervision from the network's page, plans a round of the network's
team on a desktop, records and sends a visit on a phone, and reads the round and its summary;
the director is told. No sideways scrolling, no serious accessibility violation; screenshots at
390x844 and 1366x900."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import Notification
from districts.supervision.models import Round, Visit
from tests.browser.helpers import be, log_in, no_sideways_scroll
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
TITLE = "นิเทศเครือข่าย ติดตามการเยี่ยมบ้านนักเรียน"


def test_the_network_team_plans_and_records_a_visit(world, live_server, page_factory, screenshot):
    a = world.a
    today = timezone.localdate()
    base = live_server.url
    desk = page_factory(width=1366, height=900)
    log_in(desk, base, a.users["network"].username)
    desk.goto(f"{base}/n/{a.network.pk}/")
    desk.click("#network-supervision")
    desk.wait_for_load_state()
    assert desk.locator("#supervision-form").count() == 0  # the form is the district's
    desk.click("#round-new")
    desk.wait_for_load_state()
    assert desk.locator("select[name=network]").count() == 0
    desk.fill("input[name=title]", TITLE)
    desk.fill("input[name=starts_on]", be(today - DAY))
    desk.fill("input[name=ends_on]", be(today + 7 * DAY))
    desk.fill("textarea[name=supervisors]", "นายประสิทธิ์ ใจงาม ประธานเครือข่าย")
    assert serious(desk) == []
    screenshot(desk, "supervision-network-round-form-desktop")
    desk.click("#round-form button[type=submit]")
    desk.wait_for_load_state()
    assert desk.locator("#round-title").inner_text() == TITLE
    with scopes_disabled():
        round_ = Round.objects.get()
    assert round_.network_id == a.network.pk
    screenshot(desk, "supervision-network-round-desktop")

    phone = page_factory(width=390, height=844)
    log_in(phone, base, a.users["network"].username)
    phone.goto(f"{base}/n/{a.network.pk}/supervision/{round_.pk}/schools/{a.school.code}/")
    for n in range(1, 6):
        phone.click(f"label[for=id_level_{n}_2]")
    phone.fill("textarea[name=recommendations_2]", "ติดตามการคัดกรองให้ครบทุกห้อง")
    assert no_sideways_scroll(phone)
    assert serious(phone) == []
    screenshot(phone, "supervision-network-visit-phone")
    phone.click("#visit-send")
    phone.wait_for_load_state()
    with scopes_disabled():
        assert Visit.objects.get().status == "sent"
        told = Notification.objects.filter(kind=Notification.Kind.SUPERVISION_SENT)
        assert {n.user_id for n in told} == {a.users["director"].pk, a.users["coordinator"].pk}
    for path in ("", f"{round_.pk}/", f"{round_.pk}/summary/"):
        phone.goto(f"{base}/n/{a.network.pk}/supervision/{path}")
        assert no_sideways_scroll(phone), path
    screenshot(phone, "supervision-network-summary-phone")
    desk.goto(f"{base}/n/{a.network.pk}/supervision/{round_.pk}/summary/")
    assert desk.locator("#summary-chart svg").count() == 1
    assert desk.locator("#round-report").count() == 0
    screenshot(desk, "supervision-network-summary-desktop")
    desk.goto(f"{base}/n/{a.network.pk}/supervision/")
    screenshot(desk, "supervision-network-list-desktop")
