"""Issue 7, done when: in headless Chromium the homeroom teacher refers a student to the
counsellor, who accepts and writes a result that the teacher then sees; a teacher of another
school and the network supervisor cannot open the referral (404)."""

import pytest

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "ซึมเศร้า แยกตัวจากเพื่อน ร้องไห้ในห้องเรียนบ่อยครั้ง"
ASKED = "ขอให้ครูแนะแนวพูดคุยให้คำปรึกษาและประเมินเพิ่มเติม"
SECRET = "พ่อแม่แยกทางกัน นักเรียนอยู่กับยาย"
RESULT = "ให้คำปรึกษา 3 ครั้ง นักเรียนยิ้มแย้มขึ้น เริ่มเล่นกับเพื่อน"


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_teacher_refers_counsellor_accepts_and_writes_the_result(
    world, live_server, page_factory, screenshot
):
    a = world.a
    school = f"{live_server.url}/s/{a.school.code}"

    # The homeroom teacher refers the student to the counsellor (the role), on a phone.
    teacher = page_factory(width=390, height=844)
    log_in(teacher, live_server.url, a.users["homeroom"].username)
    teacher.goto(f"{school}/students/{a.student.pk}/")
    teacher.click("#refer-student")
    teacher.wait_for_load_state()
    teacher.select_option("select[name=to]", "role:counsellor")
    teacher.fill("textarea[name=reason]", REASON)
    teacher.fill("textarea[name=help_given]", "พูดคุยเบื้องต้นและโทรหาผู้ปกครองแล้ว")
    teacher.fill("textarea[name=request]", ASKED)
    teacher.fill("textarea[name=sensitive_notes]", SECRET)
    assert fits(teacher)
    screenshot(teacher, "referral-form-phone")
    teacher.click("#send-referral")
    teacher.wait_for_load_state()
    referral = teacher.locator("#referral")
    assert referral.get_attribute("data-status") == "sent"
    referral_url = teacher.url
    assert "/referrals/" in referral_url
    assert SECRET in teacher.locator("#sensitive-notes").inner_text()
    assert fits(teacher)
    screenshot(teacher, "referral-sent-phone")

    # The counsellor finds it waiting on the home page, opens it, accepts and writes the result.
    counsellor = page_factory(width=390, height=844)
    log_in(counsellor, live_server.url, a.users["counsellor"].username)
    counsellor.goto(f"{live_server.url}/")
    waiting = counsellor.locator("[data-notification=referral_received]")
    assert waiting.count() == 1
    screenshot(counsellor, "referral-waiting-counsellor-phone")
    waiting.click()
    counsellor.wait_for_load_state()
    assert counsellor.url == referral_url
    assert counsellor.locator("#accept-card").count() == 1
    counsellor.click("#accept-referral")
    counsellor.wait_for_load_state()
    assert counsellor.locator("#referral").get_attribute("data-status") == "accepted"
    assert counsellor.locator("#write-result[open]").count() == 1
    # The big green "Write the result and close" button above the open form is clicked, as anyone
    # would: the form stays shown and its first field has the focus (a plain <details> folded it).
    counsellor.click("#write-result > summary")
    assert counsellor.locator("#write-result[open]").count() == 1
    assert counsellor.locator("#write-result textarea[name=result]").is_visible()
    assert counsellor.evaluate("() => document.activeElement.name") == "result"
    counsellor.click("#write-result > summary")
    assert counsellor.locator("#write-result textarea[name=result]").is_visible()
    counsellor.fill("#write-result textarea[name=result]", RESULT)
    counsellor.check("#write-result input[name=outcome][value=improved]")
    screenshot(counsellor, "referral-result-form-phone")
    counsellor.click("#save-result")
    counsellor.wait_for_load_state()
    assert counsellor.locator("#referral").get_attribute("data-status") == "closed"
    assert fits(counsellor)

    # The inbox lists it (closed now).
    counsellor.goto(f"{school}/referrals/inbox/")
    assert counsellor.locator(".referral-row[data-status=closed]").count() == 1
    screenshot(counsellor, "referral-inbox-phone")

    # The teacher is told, and sees the result.
    teacher.goto(f"{live_server.url}/")
    assert teacher.locator("[data-notification=referral_result]").count() == 1
    teacher.goto(referral_url)
    assert teacher.locator("#referral").get_attribute("data-status") == "closed"
    assert RESULT in teacher.locator("#result-text").inner_text()
    assert teacher.locator("#referral-outcome").get_attribute("data-outcome") == "improved"
    assert fits(teacher)
    screenshot(teacher, "referral-result-teacher-phone")

    desktop = page_factory(width=1280, height=900)
    log_in(desktop, live_server.url, a.users["homeroom"].username)
    desktop.goto(referral_url)
    screenshot(desktop, "referral-result-teacher-desktop")

    # A teacher of another school and the network supervisor: the referral does not exist.
    for user in (world.b.users["homeroom"], a.users["network"]):
        other = page_factory(width=1280, height=900)
        log_in(other, live_server.url, user.username)
        response = other.goto(referral_url)
        assert response.status == 404
        assert RESULT not in other.content() and a.student.last_name not in other.content()
