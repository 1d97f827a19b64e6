"""Issue 21 (good-practice library), done when: a good practice is found by a Thai search word
that appears inside a longer Thai word sequence. In a real browser: school A's coordinator
writes a practice on a phone, adds a photo and sends it; district1 publishes it from a desktop;
the director of another school of the district searches "ยาเสพติด" on a phone and finds it
inside "โครงการป้องกันยาเสพติดในสถานศึกษา"."""

import pytest
from PIL import Image

from carecore.models import Membership, Role
from conftest import make_user
from districts.practices.models import Practice
from districts.practices.tests.factories import second_school
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "โครงการป้องกันยาเสพติดในสถานศึกษา"


def submit(page, selector: str) -> None:
    """Click a form's button (or a link) and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def test_a_practice_sent_by_one_school_is_found_by_another_inside_a_longer_thai_run(
    world, live_server, page_factory, screenshot, tmp_path
):
    a = world.a
    photo = tmp_path / "activity.jpg"
    Image.new("RGB", (1200, 900), "seagreen").save(photo, "JPEG")

    # School A's coordinator writes it on a phone.
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, a.users["coordinator"].username)
    page.goto(f"{live_server.url}/s/{a.school.code}/")
    page.click("#practices-link")
    page.click("#practice-new")
    assert page.locator("#no-child-note").is_visible()
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=step]", "prevent")
    page.fill("input[name=owners]", "นางสาวสุดา ใจงาม")
    page.fill("textarea[name=summary]", "แกนนำนักเรียนชวนเพื่อนห่างไกลบุหรี่ไฟฟ้าและสารเสพติด")
    page.fill("textarea[name=steps_taken]", "1. คัดกรองกลุ่มเสี่ยง\n2. อบรมแกนนำห้องละ 4 คน")
    page.fill("textarea[name=results]", "นักเรียนกลุ่มเสี่ยงเลิกใช้บุหรี่ไฟฟ้าร้อยละ 78")
    submit(page, "#practice-form button[type=submit]")
    page.set_input_files("#practice-file-form input[name=file]", str(photo))
    page.fill("#practice-file-form input[name=caption]", "กิจกรรมแกนนำ (ถ่ายจากด้านหลัง)")
    submit(page, "#practice-file-form button[type=submit]")
    assert page.locator("#practice-photos img").count() == 1
    assert no_sideways_scroll(page)
    screenshot(page, "practice-draft-phone")
    page.check("#practice-submit-form input[name=no_child]")
    submit(page, "#practice-submit-form button[type=submit]")
    assert page.locator(".practice-status[data-status=submitted]").count() == 1
    practice = Practice.objects.get(title=TITLE)

    # district1 publishes it from a desktop.
    page = page_factory(width=1366, height=900)
    log_in(page, live_server.url, a.users["district_supervisor"].username)
    page.goto(f"{live_server.url}/d/{a.district.code}/")
    page.click("#district-practices")
    page.click("#review-queue")
    submit(page, f"#review-waiting [data-practice='{practice.pk}'] a")
    screenshot(page, "practice-review-desktop")
    page.check("#practice-review-form input[name=decision][value=publish]")
    page.check("#practice-review-form input[name=checked]")
    submit(page, "#practice-review-form button[type=submit]")
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED

    # The director of another school of the district searches on a phone.
    other = second_school(world)
    director = make_user("director_other")
    Membership.objects.create(user=director, role=Role.DIRECTOR, school=other)
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, director.username)
    page.goto(f"{live_server.url}/s/{other.code}/")
    page.click("#practices-link")
    page.fill("#practice-search input[name=q]", "ยาเสพติด")
    submit(page, "#practice-search button[type=submit]")
    result = page.locator(f"#practice-{practice.pk}")
    assert result.count() == 1
    assert result.locator("h2").inner_text() == TITLE
    assert no_sideways_scroll(page)
    screenshot(page, "practice-search-phone")
    submit(page, f"#practice-{practice.pk} h2 a")
    src = page.locator("#practice-photos img").get_attribute("src")
    assert page.request.get(f"{live_server.url}{src}").headers["content-type"] == "image/jpeg"
    assert page.locator("#practice-file-form").count() == 0  # another school only reads it
    assert page.locator("#practice-events").count() == 0
    assert no_sideways_scroll(page)
    screenshot(page, "practice-detail-phone")
    # A word the practice does not hold finds nothing.
    page.goto(f"{live_server.url}/s/{other.code}/practices/?q=ฟุตซอล")
    assert page.locator(".practice").count() == 0
