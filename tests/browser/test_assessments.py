"""Issue 21, done when: a school's self-assessment is scored by two committee members. In
headless Chromium the director assesses the school on a phone (a refused submit keeps what was
chosen and typed) and submits it; the district supervisor scores it on a desktop and the
network supervisor on a phone; the district then reads both raters' scores and their mean.
Every page without sideways scrolling and without a serious accessibility violation;
screenshots at 390x844 and 1366x900."""

import pytest
from django_scopes import scopes_disabled

from districts.assessments.models import Evaluation, SelfAssessment
from districts.assessments.tests.factories import make_round
from tests.browser.helpers import log_in, no_sideways_scroll
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVIDENCE = "ครูที่ปรึกษาทุกห้องจัดทำระเบียนสะสมและเยี่ยมบ้านนักเรียนครบทุกคน"
COMMENT = "ควรสรุปผลการคัดกรองเป็นรายห้องทุกภาคเรียน"


def choose(page, indicator_pk: int, level: int):
    page.click(f"label[for=id_level_{indicator_pk}_{level - 1}]")


def test_a_self_assessment_scored_by_two_raters(world, live_server, page_factory, screenshot):
    a = world.a
    base = live_server.url
    round_ = make_round(a, raters=("district_supervisor", "network"))
    with scopes_disabled():
        first, second, third = round_.indicators.all()

    # The director, on a phone: the school's page, the round, the form.
    phone = page_factory(width=390, height=844)
    log_in(phone, base, a.users["director"].username)
    phone.goto(f"{base}/s/{a.school.code}/")
    phone.click("#assessments-link")
    phone.wait_for_load_state()
    phone.click(".assessment-row")
    phone.wait_for_load_state()
    assert phone.locator(".indicator-block").count() == 3
    choose(phone, first.pk, 5)
    choose(phone, second.pk, 4)
    phone.fill(f"textarea[name=notes_{first.pk}]", EVIDENCE)
    phone.fill(f"input[name=link_{first.pk}]", "https://drive.example/evidence")
    phone.click("#assessment-submit")
    phone.wait_for_load_state()
    # Refused (the third indicator has no level): what was chosen and typed is kept.
    assert phone.locator("#assessment-errors").is_visible()
    assert phone.locator(f"textarea[name=notes_{first.pk}]").input_value() == EVIDENCE
    assert phone.locator(f"#id_level_{first.pk}_4").is_checked()
    assert no_sideways_scroll(phone)
    assert serious(phone) == []
    screenshot(phone, "assessment-school-form-error-phone")
    choose(phone, third.pk, 4)
    phone.click("#assessment-submit")
    phone.wait_for_load_state()
    assert phone.locator("#assessment-head").get_attribute("data-status") == "submitted"
    screenshot(phone, "assessment-school-submitted-phone")

    # The district supervisor scores it on a desktop, from the round's page.
    desk = page_factory(width=1366, height=900)
    log_in(desk, base, a.users["district_supervisor"].username)
    desk.goto(f"{base}/d/{a.district.code}/")
    desk.click("#district-assessments")
    desk.wait_for_load_state()
    desk.click(".round-row")
    desk.wait_for_load_state()
    desk.click(f".school-row[data-school='{a.school.code}'] .score-link")
    desk.wait_for_load_state()
    assert EVIDENCE in desk.locator(".indicator-block[data-indicator='1'] .own-entry").inner_text()
    for indicator, level in ((first, 4), (second, 4), (third, 3)):
        choose(desk, indicator.pk, level)
    desk.fill(f"textarea[name=comment_{second.pk}]", COMMENT)
    assert serious(desk) == []
    screenshot(desk, "assessment-score-desktop")
    desk.click("#score-done")
    desk.wait_for_load_state()
    assert desk.locator("#score-head").get_attribute("data-status") == "done"

    # The network supervisor scores it on a phone, from the network's page.
    rater = page_factory(width=390, height=844)
    log_in(rater, base, a.users["network"].username)
    rater.goto(f"{base}/n/{a.network.pk}/")
    rater.click("#network-assessments")
    rater.wait_for_load_state()
    rater.click(f".school-row[data-school='{a.school.code}'] .score-link")
    rater.wait_for_load_state()
    for indicator, level in ((first, 5), (second, 3), (third, 4)):
        choose(rater, indicator.pk, level)
    assert no_sideways_scroll(rater)
    assert serious(rater) == []
    screenshot(rater, "assessment-score-phone")
    rater.click("#score-done")
    rater.wait_for_load_state()
    assert rater.locator("#score-head").get_attribute("data-status") == "done"
    with scopes_disabled():
        assert Evaluation.objects.filter(status="done").count() == 2
        assert SelfAssessment.objects.get().status == "submitted"

    # The district sees each rater's scores and the mean: (4 + 5) / 2, (4 + 3) / 2, (3 + 4) / 2.
    desk.goto(f"{base}/d/{a.district.code}/assessments/{round_.pk}/")
    row = desk.locator(f".school-row[data-school='{a.school.code}']")
    assert row.get_attribute("data-mean") == "3.83"
    assert row.locator(".school-mean").inner_text() == "3.83"
    screenshot(desk, "assessment-round-desktop")
    row.locator("a").first.click()
    desk.wait_for_load_state()
    assert desk.locator("#results-overall").get_attribute("data-mean") == "3.83"
    means = desk.locator(".result-row").evaluate_all("rows => rows.map(r => r.dataset.mean)")
    assert means == ["4.5", "3.5", "3.5"]
    table = desk.locator("#results-table").inner_text()
    assert a.users["network"].display_name in table
    assert a.users["district_supervisor"].display_name in table
    assert COMMENT in desk.locator("#results-comments").inner_text()
    assert serious(desk) == []
    screenshot(desk, "assessment-school-results-desktop")
    phone_district = page_factory(width=390, height=844)
    log_in(phone_district, base, a.users["district_supervisor"].username)
    for path in ("", f"{round_.pk}/", f"{round_.pk}/schools/{a.school.code}/"):
        phone_district.goto(f"{base}/d/{a.district.code}/assessments/{path}")
        assert no_sideways_scroll(phone_district), path
    screenshot(phone_district, "assessment-school-results-phone")
