"""Family accounts on a phone (docs/portal.md, "Accounts"): a parent types the code of their
slip (a typo first: the Thai message, the code kept), makes an account and lands on their home
with their child; adds a second child at another school with that child's slip; another parent
logs in with a code texted to the phone on file (a fake SMS gateway); a student logs in to their
own page; the homeroom teacher sees who has an account in their classroom. Screenshots of each
page at a phone's size (test-artifacts/family-*.png)."""

import re

import pytest
from django_scopes import scopes_disabled

from students.family_services import slip_code_display, slips_issue
from tests.browser.helpers import log_in
from tests.fakes import SMS_SEND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(student) -> str:
    with scopes_disabled():
        return slip_code_display(
            slips_issue(students=[student], kind="parent", issued_by=None)[0].code
        )


def test_parents_and_a_student_get_in_on_a_phone(
    world, live_server, page_factory, screenshot, fake_sms
):
    base = live_server.url
    first, second = code_for(world.a.other_student), code_for(world.b.other_student)

    page = page_factory(locale="th-TH")
    page.goto(f"{base}/family/")
    screenshot(page, "family-start")
    # A typo in the last character (a letter other than the one there: the code may end in X).
    typo = first[:-1] + ("X" if first[-1] != "X" else "Y")
    page.fill("input[name=code]", typo)
    page.click("form.code-box button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#code-error").is_visible()
    assert page.input_value("input[name=code]") == typo
    screenshot(page, "family-code-wrong")
    page.fill("input[name=code]", first.lower().replace("-", ""))
    page.click("form.code-box button[type=submit]")
    page.wait_for_load_state()
    assert world.a.other_student.first_name in page.inner_text("#slip-child")
    page.fill("input[name=username]", "mae_nok")
    page.fill("input[name=password1]", "Khon-Kaen-2569!")
    page.fill("input[name=password2]", "Khon-Kaen-2569!")
    screenshot(page, "family-make-account")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{base}/family/home/"
    assert page.locator(".child-card").count() == 1

    # The second child, at school B, on the same account.
    page.goto(f"{base}/family/")
    page.fill("input[name=code]", second)
    page.click("form.code-box button[type=submit]")
    page.wait_for_load_state()
    cards = page.locator(".child-card")
    assert cards.count() == 2
    text = page.inner_text("#children")
    assert world.a.school.name in text and world.b.school.name in text
    screenshot(page, "family-parent-home-two-schools")
    # No staff page for a parent.
    response = page.goto(f"{base}/s/{world.a.school.code}/")
    assert response.status == 404

    # Another parent, by the phone on file.
    with scopes_disabled():
        world.a.guardian.phone = "081-234-5678"
        world.a.guardian.save()
    phone = page_factory(locale="th-TH")
    phone.goto(f"{base}/family/phone/")
    phone.fill("input[name=phone]", "0812345678")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    screenshot(phone, "family-sms-code")
    code = re.search(r"\b\d{6}\b", fake_sms.to(SMS_SEND)[0].json()["text"]).group()
    phone.fill("input[name=code]", code)
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url == f"{base}/family/home/"
    assert world.a.student.first_name in phone.inner_text("#children")

    # A student, on their own page.
    student = page_factory(locale="th-TH")
    log_in(student, base, world.a.users["student"].username)
    assert student.url == f"{base}/family/home/"
    assert world.a.student.first_name in student.inner_text("h1")
    screenshot(student, "family-student-home")

    # The homeroom teacher's classroom: who has an account.
    teacher = page_factory(locale="th-TH")
    log_in(teacher, base, world.a.users["homeroom"].username)
    teacher.goto(f"{base}/s/{world.a.school.code}/family/classrooms/{world.a.classroom.pk}/")
    rows = teacher.inner_text("#account-rows")
    assert world.a.users["parent"].username in rows
    screenshot(teacher, "family-staff-classroom")
