"""Issue (dropout cases), done when: a district supervisor works a dropout case to "back in
school" in a real browser. Here: a child not in any school, reported by a village head, goes
through coordinating, the field visit, the meeting and the referral to back in school, gets a
team member, and stays under observation."""

import pytest
from django_scopes import scopes_disabled

from dropouts.models import CaseObservation, DropoutCase
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES = {
    "report": "รับแจ้งจากผู้ใหญ่บ้าน ตรวจสอบแล้วไม่มีชื่อในโรงเรียนใด",
    "coordinate": "ประสานโรงเรียนใกล้บ้าน รพ.สต. และผู้ใหญ่บ้าน นัดลงพื้นที่",
    "visit": "ลงพื้นที่เยี่ยมบ้าน เด็กช่วยแม่ขายของ ยังอยากเรียน",
    "meeting": "ประชุมกับผู้ปกครองและโรงเรียน ตกลงให้กลับเข้าเรียน ป.5",
    "refer_help": "ส่งต่อทุนเสมอภาคและชุดนักเรียน เด็กกลับเข้าเรียนแล้ว",
}


def test_district_supervisor_works_a_case_to_back_in_school(
    world, live_server, page_factory, screenshot
):
    supervisor = world.a.users["district_supervisor"]
    district = world.a.district

    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, supervisor.username)
    page.goto(f"{live_server.url}/d/{district.code}/")
    link = page.locator("#dropout-cases-link")
    assert link.get_attribute("data-open") == "0"
    link.click()
    page.wait_for_load_state()
    page.click("#new-case")
    page.wait_for_load_state()

    # A child not in any school (the default), told by a village head.
    page.check("input[name=kind][value=child]")
    page.select_option("select[name=prefix]", "ด.ญ.")
    page.fill("input[name=first_name]", "น้ำฝน")
    page.fill("input[name=last_name]", "ใจงาม")
    page.fill("input[name=village]", "บ้านโนนสวรรค์")
    page.fill("input[name=guardian_name]", "นางบุญมี ใจงาม")
    page.fill("input[name=guardian_phone]", "0812345678")
    page.check("input[name=situation][value=dropped_out]")
    page.select_option("select[name=reporter_kind]", "village_head")
    page.fill("input[name=reporter_name]", "นายสมชาย ใจดี ผู้ใหญ่บ้าน")
    page.fill("textarea[name=description]", "ไม่ได้ไปโรงเรียนตั้งแต่ย้ายมาอยู่กับยาย")
    page.check("input[name=causes][value=poverty]")
    screenshot(page, "dropout-new-case-phone")
    page.click("#open-case")
    page.wait_for_load_state()

    head = page.locator("#case-head")
    assert head.get_attribute("data-step") == "report"
    assert no_sideways_scroll(page)
    with scopes_disabled():
        case = DropoutCase.objects.get()
    assert case.owner == supervisor and case.reporter_kind == "village_head"

    # Step by step: each "done" moves the case to the next step.
    for step, following in (
        ("report", "coordinate"),
        ("coordinate", "visit"),
        ("visit", "meeting"),
        ("meeting", "refer_help"),
        ("refer_help", "back_in_school"),
    ):
        assert page.locator("#case-head").get_attribute("data-step") == step
        assert page.locator("select[name=advance-to_step]").input_value() == following
        page.fill("textarea[name=advance-note]", NOTES[step])
        page.click("#advance-submit")
        page.wait_for_load_state()
        assert page.locator("#case-head").get_attribute("data-step") == following
        if step == "coordinate":
            # The multidisciplinary team, as it forms.
            page.click("#team-form summary")
            page.fill("input[name=team-name]", "นางสาวมาลี ศรีวงศ์")
            page.fill("input[name=team-role]", "พยาบาล รพ.สต.")
            page.fill("input[name=team-phone]", "0898765432")
            page.click("#team-form button[type=submit]")
            page.wait_for_load_state()
            assert page.locator("#team-members .team-member").count() == 1

    # Back in school: not closed, under observation (three observations to do).
    current = page.locator("#case-steps li[data-state=current]")
    assert current.get_attribute("data-step") == "back_in_school"
    assert page.locator("#case-steps li[data-state=done]").count() == 5
    assert page.locator("#observations .observation[data-recorded='0']").count() == 3
    assert page.locator("#observe-form").count() == 1
    assert page.locator("#case-log .entry[data-kind=advanced]").count() == 5
    assert no_sideways_scroll(page)
    screenshot(page, "dropout-case-back-in-school-phone")
    with scopes_disabled():
        case.refresh_from_db()
        assert case.step == "back_in_school" and case.is_open
        assert CaseObservation.objects.filter(case=case, observed_on__isnull=True).count() == 3

    # The list shows it under observation; then the same pages at desktop size.
    desktop = page_factory(width=1280, height=900)
    log_in(desktop, live_server.url, supervisor.username)
    desktop.goto(f"{live_server.url}/d/{district.code}/cases/")
    row = desktop.locator(f"#case-rows .case-row[data-case='{case.pk}']")
    assert row.get_attribute("data-step") == "back_in_school"
    assert desktop.locator("#case-figures").get_attribute("data-open") == "1"
    screenshot(desktop, "dropout-case-list-desktop")
    row.click()
    desktop.wait_for_load_state()
    screenshot(desktop, "dropout-case-back-in-school-desktop")
