"""The portal's content in the browser, on a phone (375x812): the homeroom teacher proposes a
home visit; the parent sees the child's absence and a behaviour notice at once, confirms the
visit and answers a consent request; the student sends a request for help that the counsellor
sees and the homeroom teacher does not. Screenshots of the parent's and the student's pages go
to test-artifacts/ (portal-*.png)."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.models import ConsentRequest, HelpRequest
from portal.services import consent_request_ask
from portal.tests.helpers import absence_and_notice
from students.consent_models import GuardianConsent
from tests.browser.helpers import be, log_in
from visits.models import VisitAppointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812, "locale": "th-TH"}


def test_parent_and_student_on_a_phone(world, live_server, page_factory, screenshot):
    a = world.a
    base = live_server.url
    absence_and_notice(world, "ไม่ส่งการบ้าน")
    with scopes_disabled():
        consent_request_ask(
            student=a.student,
            purpose="home_visit_photos",
            note="ถ่ายภาพบ้านเพื่อประกอบการขอทุน",
            user=a.users["homeroom"],
        )

    # The homeroom teacher proposes a visit from the student's home-visit page.
    teacher = page_factory(**PHONE)
    log_in(teacher, base, a.users["homeroom"].username)
    teacher.goto(f"{base}/s/{a.school.code}/visits/students/{a.student.pk}/")
    teacher.locator("#appointment a.btn").click()
    teacher.wait_for_load_state()
    visit_day = timezone.localdate() + datetime.timedelta(days=5)
    teacher.fill("#id_date", be(visit_day))
    teacher.fill("#id_time", "16:30")
    teacher.fill("#id_note", "ครูจะไปพร้อมครูแนะแนว")
    teacher.locator("#propose button[type=submit]").click()
    teacher.wait_for_load_state()
    assert teacher.locator(".appointment").count() == 1
    screenshot(teacher, "portal-teacher-appointments")

    # The parent: their home, the child's page with the absence and the notice.
    parent = page_factory(**PHONE)
    log_in(parent, base, a.users["parent"].username)
    assert parent.url.endswith("/family/home/")
    assert parent.locator(".child-card .waiting li").count() == 2  # consent, visit
    screenshot(parent, "portal-parent-home")
    parent.locator(".child-card a.child-open").first.click()
    parent.wait_for_load_state()
    absences = parent.locator("#absences li")
    assert absences.count() == 1 and "ขาด" in absences.first.inner_text()
    assert "ไม่ส่งการบ้าน" in parent.locator("#notices").inner_text()
    assert parent.locator("#conduct-score").inner_text() == "95"
    screenshot(parent, "portal-parent-child")

    # Confirms the visit.
    parent.locator("#appointment a.btn").click()
    parent.wait_for_load_state()
    assert "16:30" in parent.locator("#appointment-when").inner_text()
    screenshot(parent, "portal-parent-appointment")
    parent.locator("#confirm").click()
    parent.wait_for_load_state()
    with scopes_disabled():
        assert VisitAppointment.objects.get(student=a.student).status == "confirmed"
    assert parent.locator("#appointment .badge.text-bg-success").is_visible()

    # Answers the consent request: yes.
    parent.locator(".consent-request a.btn").click()
    parent.wait_for_load_state()
    screenshot(parent, "portal-parent-consent")
    parent.locator("#consent-yes").click()
    parent.wait_for_load_state()
    assert parent.locator(".consent-request").count() == 0
    with scopes_disabled():
        assert ConsentRequest.objects.get(student=a.student).status == "given"
        assert GuardianConsent.objects.get(student=a.student).method == "portal"

    # The teacher sees the confirmation on the student's home-visit page.
    teacher.goto(f"{base}/s/{a.school.code}/visits/students/{a.student.pk}/")
    assert teacher.locator("#appointment .badge.text-bg-success").is_visible()

    # The student: their home, their attendance and points, a request for help.
    student = page_factory(**PHONE)
    log_in(student, base, a.users["student"].username)
    screenshot(student, "portal-student-home")
    student.locator("#student-links a[href$='/me/record/']").click()
    student.wait_for_load_state()
    assert student.locator("#absences li").count() == 1
    screenshot(student, "portal-student-record")
    student.goto(f"{base}/family/me/help/")
    student.fill("#id_body", "ช่วงนี้นอนไม่หลับ กังวลเรื่องที่บ้าน")
    student.locator("#send-help").click()
    student.wait_for_load_state()
    assert student.locator("#my-requests a").count() == 1
    screenshot(student, "portal-student-help")
    with scopes_disabled():
        sent = HelpRequest.objects.get(student=a.student)

    # The counsellor sees it from the school page; the homeroom teacher does not.
    counsellor = page_factory(width=1280, height=900, locale="th-TH")
    log_in(counsellor, base, a.users["counsellor"].username)
    counsellor.goto(f"{base}/s/{a.school.code}/")
    counsellor.locator("#help-requests-link").click()
    counsellor.wait_for_load_state()
    assert counsellor.locator("#help-requests a").count() == 1
    counsellor.locator("#help-requests a").first.click()
    counsellor.wait_for_load_state()
    assert "นอนไม่หลับ" in counsellor.locator("#help-body").inner_text()
    teacher.goto(f"{base}/s/{a.school.code}/")
    assert teacher.locator("#help-requests-link").count() == 0
    response = teacher.goto(f"{base}/s/{a.school.code}/family/help/{sent.pk}/")
    assert response.status == 403
    assert "นอนไม่หลับ" not in teacher.content()
