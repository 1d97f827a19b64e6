"""Behaviour on a phone: a homeroom teacher records an incident of a student of another
classroom (any teacher records for any student of the school) on the quick form, the student's
parent gets a notice that names neither the child nor what happened, and the student's page
shows the points taken off."""

import pytest
from django_scopes import scopes_disabled

from behaviour.models import Incident
from carecore.models import Notification
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_records_an_incident_on_a_phone(world, live_server, page_factory, screenshot):
    student = world.a.other_student  # of the other homeroom teacher's classroom
    school = f"{live_server.url}/s/{world.a.school.code}"
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, world.a.users["homeroom"].username)

    # From the school's page to the quick form.
    page.goto(f"{school}/")
    page.click(f"a[href='/s/{world.a.school.code}/behaviour/']")
    page.wait_for_load_state()
    page.click(f"a[href='/s/{world.a.school.code}/behaviour/incidents/new/']")
    page.wait_for_load_state()

    # The note first: picking the student afterwards ("Find" posts the form) keeps it.
    page.fill("textarea[name=description]", "ออกนอกโรงเรียนช่วงพักเที่ยงโดยไม่ขออนุญาต")
    page.select_option("#pick-classroom", str(world.a.other_classroom.pk))
    page.click("button[name=find]")
    page.wait_for_load_state()
    assert "ออกนอกโรงเรียน" in page.input_value("textarea[name=description]")
    page.check(f"input[name=student][value='{student.pk}']")
    page.locator("label", has_text="หนีเรียนหรือออกนอกบริเวณโรงเรียน").click()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.wait_for_timeout(300)  # the chip's colour transition
    screenshot(page, "behaviour-incident-form-phone")
    page.click("button[name=save]")
    page.wait_for_load_state()
    assert student.full_name in page.locator(".alert-success").inner_text()
    screenshot(page, "behaviour-incident-recorded-phone")

    with scopes_disabled():
        incident = Incident.objects.get()
    assert (incident.student, incident.points, incident.recorded_by) == (
        student,
        10,
        world.a.users["homeroom"],
    )
    # The other student's parent is not told (the world's parent is world.a.student's).
    assert not Notification.objects.filter(user=world.a.users["parent"]).exists()

    # The coordinator sees the points taken off on the student's page.
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, world.a.users["coordinator"].username)
    page.goto(f"{school}/behaviour/students/{student.pk}/")
    assert page.locator("[data-testid=conduct-score]").inner_text() == "90"
    assert "หนีเรียน" in page.locator("main").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "behaviour-student-phone")
    # The school's page: the classrooms' figures fit the phone.
    page.goto(f"{school}/behaviour/")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "behaviour-school-phone")
    page.goto(f"{school}/behaviour/classrooms/{world.a.other_classroom.pk}/")
    assert "90" in page.locator("main table").inner_text()
    screenshot(page, "behaviour-classroom-phone")


def test_parent_told_of_an_incident_whose_category_says_so(
    world, live_server, page_factory, screenshot
):
    """The world's parent is linked to world.a.student: recording an incident of a category that
    tells the parent leaves them one notice, which names neither the child nor the problem."""
    student = world.a.student
    school = f"{live_server.url}/s/{world.a.school.code}"
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, world.a.users["discipline"].username)
    page.goto(f"{school}/behaviour/incidents/new/?q={student.first_name}")
    page.fill("input[name=q]", student.first_name)
    page.click("button[name=find]")
    page.wait_for_load_state()
    page.check(f"input[name=student][value='{student.pk}']")
    page.locator("label", has_text="พูดจาไม่สุภาพหรือไม่เคารพครู").click()
    page.click("button[name=save]")
    page.wait_for_load_state()
    notices = list(Notification.objects.filter(user=world.a.users["parent"]))
    assert [n.kind for n in notices] == [Notification.Kind.FAMILY_BEHAVIOUR]
    assert student.first_name not in notices[0].url + notices[0].place
