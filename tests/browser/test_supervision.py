"""Issue 21, done when: in headless Chromium the district supervisor plans a round and records
a supervision visit with findings and recommendations on a tablet (a form error keeps what was
typed), sends it, and the school's director answers it on a phone; the district then reads the
answer and the summary's chart. Every page without sideways scrolling and without a serious
accessibility violation; screenshots at 390x844 and 1366x900."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from districts.supervision.models import Round, Visit, VisitStep
from tests.browser.helpers import be, log_in, no_sideways_scroll
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.timedelta(days=1)
TITLE = "นิเทศ ติดตามระบบการดูแลช่วยเหลือนักเรียน ภาคเรียนที่ 1"
FINDING = "ครูที่ปรึกษาเยี่ยมบ้านยังไม่ครบทุกคน โดยเฉพาะชั้น ป.4"
ADVICE = "จัดสายเยี่ยมบ้านให้ครบภายในเดือนกรกฎาคม"
ACTION = "มอบหมายครูที่ปรึกษาชั้น ป.4 เยี่ยมบ้านที่เหลือภายในวันที่ 31 กรกฎาคม"


def test_the_district_records_a_visit_the_director_answers(
    world, live_server, page_factory, screenshot
):
    a = world.a
    today = timezone.localdate()
    base = live_server.url
    district = page_factory(width=1366, height=900)
    log_in(district, base, a.users["district_supervisor"].username)
    district.goto(f"{base}/d/{a.district.code}/")
    district.click("#district-supervision")
    district.wait_for_load_state()
    district.click("#round-new")
    district.wait_for_load_state()
    district.fill("input[name=title]", TITLE)
    district.fill("input[name=starts_on]", be(today - DAY))
    district.fill("input[name=ends_on]", be(today + 7 * DAY))
    district.fill("textarea[name=supervisors]", "นางสาวศศิธร แก้วมณี ศึกษานิเทศก์")
    screenshot(district, "supervision-round-form-desktop")
    district.click("#round-form button[type=submit]")
    district.wait_for_load_state()
    assert district.locator("#round-title").inner_text() == TITLE
    with scopes_disabled():
        round_ = Round.objects.get()

    # The visit's form on a phone: the five steps one under the other, nothing sideways.
    phone_district = page_factory(width=390, height=844)
    log_in(phone_district, base, a.users["district_supervisor"].username)
    visit_url = f"{base}/d/{a.district.code}/supervision/{round_.pk}/schools/{a.school.code}/"
    phone_district.goto(visit_url)
    assert phone_district.locator(".visit-step").count() == 5
    assert no_sideways_scroll(phone_district)
    assert serious(phone_district) == []
    screenshot(phone_district, "supervision-visit-form-phone")

    # The visit, on a tablet held upright.
    tablet = page_factory(width=768, height=1024)
    log_in(tablet, base, a.users["district_supervisor"].username)
    tablet.goto(f"{base}/d/{a.district.code}/supervision/{round_.pk}/")
    tablet.click(f".school-row[data-school='{a.school.code}']")
    tablet.wait_for_load_state()
    for n, level in enumerate((2, 3, 3, 4), start=1):  # step 5 left unrated
        tablet.click(f"label[for=id_level_{n}_{level - 1}]")
    tablet.check("#id_tick_1_0")
    tablet.fill("textarea[name=findings_1]", FINDING)
    tablet.fill("textarea[name=recommendations_1]", ADVICE)
    tablet.click("#visit-send")
    tablet.wait_for_load_state()
    # Refused (step 5 not rated): everything typed is still there.
    assert tablet.locator("#visit-errors").is_visible()
    assert tablet.locator("textarea[name=findings_1]").input_value() == FINDING
    assert tablet.locator("#id_tick_1_0").is_checked()
    assert tablet.locator("#id_level_1_1").is_checked()
    assert no_sideways_scroll(tablet)
    screenshot(tablet, "supervision-visit-form-error-tablet")
    tablet.click("label[for=id_level_5_2]")
    tablet.click("#visit-send")
    tablet.wait_for_load_state()
    with scopes_disabled():
        visit = Visit.objects.get()
    assert visit.status == "sent"

    # The director, on a phone: the school's page, the visit, the answer.
    phone = page_factory(width=390, height=844)
    log_in(phone, base, a.users["director"].username)
    phone.goto(f"{base}/s/{a.school.code}/")
    phone.click("#supervision-link")
    phone.wait_for_load_state()
    phone.click(".visit-row")
    phone.wait_for_load_state()
    assert FINDING in phone.locator(".visit-step[data-step='1']").inner_text()
    assert no_sideways_scroll(phone)
    assert serious(phone) == []
    phone.fill("textarea[name=actions_1]", ACTION)
    screenshot(phone, "supervision-school-answer-phone")
    phone.click("#answer-send")
    phone.wait_for_load_state()
    assert phone.locator("#visit-head").get_attribute("data-status") == "answered"
    with scopes_disabled():
        assert VisitStep.objects.get(visit=visit, number=1).actions == ACTION

    # The district reads the answer, then the summary with its chart.
    district.goto(f"{base}/d/{a.district.code}/supervision/{round_.pk}/schools/{a.school.code}/")
    assert district.locator("#visit-head").get_attribute("data-status") == "answered"
    assert ACTION in district.locator(".visit-step[data-step='1']").inner_text()
    screenshot(district, "supervision-visit-answered-desktop")
    district.goto(f"{base}/d/{a.district.code}/supervision/{round_.pk}/summary/")
    assert district.locator("#summary-chart svg").count() == 1
    # The chart's Thai whole: no HTML span inside the SVG's text (it would not be drawn).
    assert district.locator("#summary-chart svg .th-word").count() == 0
    assert serious(district) == []
    screenshot(district, "supervision-summary-desktop")
    for path in ("", f"{round_.pk}/", f"{round_.pk}/summary/"):
        phone_district.goto(f"{base}/d/{a.district.code}/supervision/{path}")
        assert no_sideways_scroll(phone_district), path
    screenshot(phone_district, "supervision-summary-phone")
    phone_district.goto(visit_url)
    screenshot(phone_district, "supervision-visit-phone")
