"""In a real browser: the district administrator makes a teacher the school's coordinator and
sets the teacher's password; the teacher logs in on a phone, is sent to choose their own
password (with the reason), and then reaches their pages, where the notice waits."""

import pytest
from django.urls import reverse

from carecore.models import Membership, Notification, Role, User
from conftest import th
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SET_PASSWORD = "Som-tam-thai-2569"
OWN_PASSWORD = "Kaeng-khiao-wan-2569"


def test_district_gives_the_coordinator_role_and_resets_a_password(
    world, live_server, page_factory, screenshot
):
    a = world.a
    teacher = a.users["homeroom"]
    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, a.users["district_admin"].username)
    page.goto(live_server.url + reverse("districts:district_staff_list", args=[a.district.code]))
    page.select_option("#leaders-school", a.school.code)
    page.click("#leaders-school-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#leaders").inner_text().count(f"({a.users['director'].username})") == 1
    page.select_option("#leaders-grant select[name=person]", str(teacher.pk))
    page.select_option("#leaders-grant select[name=role]", Role.COORDINATOR)
    page.click("#leaders-grant button[type=submit]")
    page.wait_for_load_state()
    assert Membership.objects.filter(user=teacher, school=a.school, role=Role.COORDINATOR).exists()
    assert teacher.username in page.locator("#leaders").inner_text()
    screenshot(page, "duty-school-leaders-desktop")

    page.click(f"#leaders a[href$='/staff/{teacher.pk}/']")
    page.wait_for_load_state()
    page.fill("#account-form input[name=last_name]", "ใจดี")
    page.fill("#account-form input[name=new_password]", SET_PASSWORD)
    screenshot(page, "duty-district-staff-edit-desktop")
    page.click("#account-form button[type=submit]")
    page.wait_for_load_state()
    teacher.refresh_from_db()
    assert teacher.must_change_password

    phone = page_factory(width=390, height=844)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=login]", teacher.username)
    phone.fill("input[name=password]", SET_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url.startswith(live_server.url + reverse("account_change_password"))
    assert phone.locator("#must-change-password").count() == 1
    assert no_sideways_scroll(phone)
    screenshot(phone, "duty-password-change-required-phone")
    # Any other page sends them back here.
    phone.goto(f"{live_server.url}/s/{a.school.code}/")
    assert phone.url.startswith(live_server.url + reverse("account_change_password"))

    phone.fill("input[name=oldpassword]", SET_PASSWORD)
    phone.fill("input[name=password1]", OWN_PASSWORD)
    phone.fill("input[name=password2]", OWN_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url == f"{live_server.url}/s/{a.school.code}/"
    assert not User.objects.get(pk=teacher.pk).must_change_password
    # The notice waits on their home page (it names no child).
    notice = Notification.objects.get(user=teacher)
    assert notice.kind == Notification.Kind.PASSWORD_SET
    assert th("Someone else set your password: choose your own at your next log-in") in (
        phone.content()
    )
    screenshot(phone, "duty-after-change-phone")
