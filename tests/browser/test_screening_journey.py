"""Issue 5, done when: a student completes the self-report with the code of their slip on a
phone-sized window, and the teacher sees the student's group change, with the reason shown."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from schools.selectors import current_term, term_code
from screening import services
from screening.links import form_links_for_classroom
from screening.models import CareGroup, ScreeningWindow
from tests.browser.helpers import log_in

# The student answers the self-report, offered from 11: make the world's ป.4 student of its age.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("of_self_report_age"),
]

REVERSE = (7, 11, 14, 21, 25)
PEER = (6, 11, 14, 19, 23)


def calm() -> list[int]:
    return [2 if n in REVERSE else 0 for n in range(1, 26)]


def test_a_student_answers_by_slip_and_the_teacher_sees_the_group_change(
    world, live_server, page_factory, screenshot
):
    with scopes_disabled():
        term = current_term()
        today = timezone.localdate()
        ScreeningWindow.objects.create(
            school=world.a.school, term=term, opens=today, closes=today + datetime.timedelta(7)
        )
        # The teacher's own form says the child is fine.
        services.sdq_response_save(
            student=world.a.student,
            term=term,
            rater="teacher",
            answers=calm(),
            user=world.a.users["homeroom"],
        )
        assert CareGroup.objects.get(student=world.a.student, term=term).level == "normal"
        # The slips of the room: the student's code.
        rows = form_links_for_classroom(classroom=world.a.classroom, term=term)
        row = next(r for r in rows if r.enrolment.student_id == world.a.student.pk)
        code = row.links["student"].code

    teacher = page_factory(width=1280, height=900)
    log_in(teacher, live_server.url, world.a.users["homeroom"].username)
    student_page = (
        f"{live_server.url}/s/{world.a.school.code}/screening/students/{world.a.student.pk}/"
        f"?term={term_code(term)}"
    )
    teacher.goto(student_page)
    assert teacher.locator("#care-group .badge.text-bg-success").count() == 1

    # The student, on a phone, types the code from the slip.
    phone = page_factory(width=390, height=844)
    phone.goto(f"{live_server.url}/f/")
    phone.fill("input[name=code]", f"{code[:4]} {code[4:]}".lower())
    phone.click(".code-box button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url == f"{live_server.url}/f/{code}/"
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # Friendship troubles: peer problems 6 on the self-report (problem from 5 up).
    answers = calm()
    for item in PEER[:3]:
        answers[item - 1] = 0 if item in REVERSE else 2
    for item, value in enumerate(answers, start=1):
        phone.click(f"label[for='id_q{item}_{value}']")
    phone.click("label[for='id_impact_difficulties_0']")
    screenshot(phone, "screening-self-report-phone")
    phone.click("button[name=send]")
    phone.wait_for_load_state()
    assert phone.url.endswith("/thanks/")

    # The teacher reloads the student's page: the group changed, and says why.
    teacher.goto(student_page)
    group = teacher.locator("#care-group")
    assert group.locator(".badge.text-bg-danger").count() == 1
    reasons = group.locator(".group-reasons li").all_inner_texts()
    # Peer problems 6 alone put the child there (the total, 6, is normal).
    assert len(reasons) == 1
    assert "6" in reasons[0]
    assert teacher.locator("table").first.inner_text().count("SDQ") >= 2
    screenshot(teacher, "screening-group-changed")
