"""A homeroom teacher logs in on a phone and sees their classroom; a teacher of another school
who opens that classroom's address gets "not found"."""

import pytest

from tests.browser.helpers import log_in, thai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_sees_own_classroom_and_not_another_schools(
    world, live_server, page_factory, screenshot
):
    teacher1 = world.a.users["homeroom"]
    teacher2 = world.b.users["homeroom"]
    classroom_url = f"/s/{world.a.school.code}/classrooms/{world.a.classroom.pk}/"

    page = page_factory()
    log_in(page, live_server.url, teacher1.username)
    # A homeroom teacher lands on "my classrooms", in Thai.
    assert page.url == f"{live_server.url}/classrooms/"
    assert page.locator("h1").inner_text() == thai("My classrooms")
    page.get_by_role("link", name="ป.4/1").first.click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}{classroom_url}"
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert world.a.student.first_name in rows.first.inner_text()
    # The student of the other classroom of the same school is not listed.
    assert world.a.other_student.first_name not in page.content()
    screenshot(page, "teacher-classroom-phone")

    other = page_factory()
    log_in(other, live_server.url, teacher2.username)
    response = other.goto(f"{live_server.url}{classroom_url}")
    assert response.status == 404
    assert other.locator("h1").inner_text() == thai("Not found")
    assert world.a.student.first_name not in other.content()
    screenshot(other, "other-school-teacher-404")
