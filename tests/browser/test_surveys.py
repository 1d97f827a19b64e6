"""In a real browser: district1 starts a parents' survey from the usual questions and publishes
it; a parent without an account opens its link on a phone (390x844), leaves a question out, is
asked for it, answers and sends; district1 sees the results charted (the five levels' bars, the
mean and its Thai reading) and the parent's written answer. axe-core finds nothing serious on the
answer page and the results."""

import pytest

from districts.surveys.models import Section, Survey
from tests.browser.helpers import log_in, no_sideways_scroll
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "ความพึงพอใจของผู้ปกครองต่อการดูแลช่วยเหลือนักเรียน ปีการศึกษา 2568"
WRITTEN = "ครูประจำชั้นโทรมาถามข่าวลูกทุกสัปดาห์ ขอบคุณมากค่ะ"


def test_district_publishes_a_parent_answers_on_a_phone_and_the_district_sees_the_chart(
    world, live_server, page_factory, screenshot
):
    district = world.a.users["district_supervisor"]
    desk = page_factory(width=1366, height=900)
    log_in(desk, live_server.url, district.username)
    desk.goto(f"{live_server.url}/d/{world.a.district.code}/")
    desk.click("#district-surveys")
    desk.click("#survey-new")
    desk.select_option("select[name=audience]", "parents")
    assert desk.is_checked("input[name=from_starter]")
    desk.click("#survey-create-form button[type=submit]")
    desk.wait_for_load_state()
    desk.fill("input[name=title]", TITLE)
    screenshot(desk, "survey-edit-desktop")
    desk.click("#survey-form button[type=submit]:not([name])")
    desk.wait_for_load_state()
    desk.click("#survey-publish")
    desk.wait_for_load_state()
    link = desk.input_value("#survey-link")
    assert desk.locator(".survey-qr").count() == 1
    screenshot(desk, "survey-detail-desktop")

    survey = Survey.objects.get(title=TITLE)
    assert survey.is_open and link.endswith(f"/survey/{survey.token}/")
    questions = list(survey.questions.select_related("section").order_by("position"))
    rating = [q for q in questions if q.section.kind == Section.Kind.RATING]
    written = [q for q in questions if q.section.kind == Section.Kind.OPEN]

    # A parent, on a phone, signed in to nothing.
    phone = page_factory(width=390, height=844)
    phone.goto(link)
    assert phone.locator("h1").inner_text() == TITLE
    assert no_sideways_scroll(phone)
    phone.select_option("select[name=school]", world.a.school.code)
    # 5 (very high) for all but the last rating question, which is forgotten.
    for question in rating[:-1]:
        phone.click(f"label[for='id_q{question.pk}_0']")
    phone.fill(f"textarea[name=q{written[0].pk}]", WRITTEN)
    screenshot(phone, "survey-answer-phone")
    phone.click("#survey-send")
    phone.wait_for_load_state()
    missing = phone.locator("#missing")
    assert missing.count() == 1
    assert missing.locator(f"a[href='#question-{rating[-1].position}']").count() == 1
    assert phone.input_value(f"textarea[name=q{written[0].pk}]") == WRITTEN  # kept
    assert phone.is_checked(f"#id_q{rating[0].pk}_0")
    screenshot(phone, "survey-answer-missing-phone")
    assert serious(phone) == []
    phone.click(f"label[for='id_q{rating[-1].pk}_1']")  # 4, high
    phone.click("#survey-send")
    phone.wait_for_load_state()
    assert phone.locator("#survey-thanks").count() == 1
    assert survey.responses.count() == 1
    # Once per browser.
    phone.goto(link)
    assert phone.locator("#survey-answered").count() == 1

    # district1 reads the results.
    desk.reload()
    assert desk.inner_text("#survey-answer-count") == "1"
    desk.click("#survey-results")
    desk.wait_for_load_state()
    charts = desk.locator("svg.survey-chart")
    assert charts.count() == len({q.section_id for q in rating})
    assert desk.locator("svg.survey-chart rect.part[data-level='5']").count() == len(rating) - 1
    assert desk.locator("svg.survey-chart rect.part[data-level='4']").count() == 1
    assert desk.inner_text("#results-answers") == "1"
    assert desk.inner_text("#results-level") == "มากที่สุด"
    assert WRITTEN in desk.locator(".open-answers").first.inner_text()
    assert desk.locator(f"#results-schools tr[data-school='{world.a.school.code}']").count() == 1
    assert no_sideways_scroll(desk)
    screenshot(desk, "survey-results-desktop")
    assert serious(desk) == []

    small = page_factory(width=390, height=844)
    log_in(small, live_server.url, district.username)
    small.goto(desk.url)
    assert small.locator("svg.survey-chart").count() == charts.count()
    assert no_sideways_scroll(small)
    screenshot(small, "survey-results-phone")
