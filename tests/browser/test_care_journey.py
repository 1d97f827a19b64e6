"""Issue 6, done when: teacher1 opens a care plan for a student in the problem group, adds a
follow-up, and sees that student move from "not yet cared for" to "cared for"; the plan prints."""

import subprocess

import pytest
from django_scopes import scopes_disabled

from schools.selectors import current_term
from screening import services
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVERSE = (7, 11, 14, 21, 25)
EMOTIONAL = (3, 8, 13, 16, 24)


def test_teacher_opens_a_plan_follows_up_and_the_student_is_cared_for(
    world, live_server, page_factory, screenshot, tmp_path
):
    student = world.a.student
    with scopes_disabled():
        term = current_term()
        # The teacher's SDQ form: emotional problems 10, the problem group.
        services.sdq_response_save(
            student=student,
            term=term,
            rater="teacher",
            answers=[2 if n in REVERSE or n in EMOTIONAL else 0 for n in range(1, 26)],
            user=world.a.users["homeroom"],
        )
    school = f"{live_server.url}/s/{world.a.school.code}"
    coverage_url = f"{school}/care/classrooms/{world.a.classroom.pk}/coverage/"
    problem = ".coverage-group[data-group=problem]"

    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, world.a.users["homeroom"].username)

    # Before: the student is not yet cared for.
    page.goto(coverage_url)
    assert page.locator(f"{problem} .not-yet").inner_text().count(student.last_name) == 1
    assert student.first_name not in page.locator(f"{problem} .cared").inner_text()

    # The plans page suggests a plan for the student in the problem group.
    page.goto(f"{school}/care/plans/")
    suggestion = page.locator(f"#needing-plans [data-student='{student.pk}']")
    assert suggestion.locator(".badge.text-bg-danger").count() == 1
    suggestion.locator("a.btn").click()
    page.wait_for_load_state()
    assert page.locator(".plan-group .badge.text-bg-danger").count() == 1  # the form says the group
    page.fill("textarea[name=problem]", "ซึมเศร้า แยกตัวจากเพื่อน ไม่ส่งงาน")
    page.fill("textarea[name=goals]", "ร่วมกิจกรรมกับเพื่อน ส่งงานครบ")
    page.fill("textarea[name=actions-0-action]", "พูดคุยให้คำปรึกษาทุกสัปดาห์")
    page.fill("input[name=actions-0-who]", "ครูประจำชั้น")
    screenshot(page, "care-plan-form-phone")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_load_state()
    assert "/care/plans/" in page.url
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    # A follow-up.
    page.click("#add-follow-up summary")
    page.fill("#add-follow-up textarea[name=what_was_done]", "คุยกับนักเรียนและโทรหาผู้ปกครอง")
    page.check("#add-follow-up input[name=result][value=partly]")
    page.fill("#add-follow-up textarea[name=next_step]", "นัดพบผู้ปกครองที่โรงเรียน")
    page.click("#add-follow-up button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#follow-ups .follow-up").count() == 1
    assert page.locator("#plan-status .badge.text-bg-primary").count() == 1  # in progress
    screenshot(page, "care-plan-detail-phone")

    # The plan prints: the job's card turns into a download link.
    page.click("#print-plan")
    job = page.locator("#print-jobs .generated-file[data-status=done]")
    job.wait_for(timeout=60_000)
    with page.expect_download() as info:
        job.locator("a[download]").click()
    path = tmp_path / "plan.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert student.last_name in text

    # After: cared for.
    page.goto(coverage_url)
    assert student.last_name not in page.locator(f"{problem} .not-yet").inner_text()
    assert page.locator(f"{problem} .cared").inner_text().count(student.last_name) == 1
    screenshot(page, "care-coverage-after-plan-phone")
