"""A homeroom teacher records a home visit on a phone standing at the house: the location comes
from the phone, a photo from its camera; the signal drops while saving and nothing is lost; the
classroom's progress goes up and the visit prints. A teacher of another school cannot open the
visit or its photo."""

import io
import re
import subprocess
import time

import pytest
from django_scopes import scopes_disabled
from PIL import Image

from conftest import give_photo_consent, make_student
from tests.browser.helpers import log_in
from visits.models import HomeVisit, VisitPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSE = {"latitude": 16.441935, "longitude": 102.835987, "accuracy": 14}
# The states of the visit forms kept on the phone (static/js/visit_offline.js).
KEPT = """() => new Promise(resolve => {
  const open = indexedDB.open("carecare-visits", 2);
  open.onsuccess = () => {
    const all = open.result.transaction("forms").objectStore("forms").getAll();
    all.onsuccess = () => resolve(all.result.map(e => e.state));
  };
})"""


def phone_photo(path):
    image = Image.new("RGB", (3000, 4000), (200, 120, 60))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 12"
    exif[0x8825] = {1: "N", 2: (16.0, 26.0, 31.0), 3: "E", 4: (102.0, 50.0, 9.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def visited(page) -> tuple[int, int]:
    """What the classroom's progress says: (students visited, students)."""
    count = page.locator("#visit-progress .progress-count")
    return int(count.get_attribute("data-visited")), int(count.get_attribute("data-total"))


def test_teacher_records_a_visit_on_a_phone_and_prints_it(
    world, live_server, page_factory, screenshot, start_worker, tmp_path
):
    a = world.a
    with scopes_disabled():
        make_student(a.school, a.classroom, 8100, number=2)
    give_photo_consent(a.student)
    start_worker("w1")
    base = live_server.url
    classroom_visits = f"{base}/s/{a.school.code}/visits/classrooms/{a.classroom.pk}/"

    page = page_factory(geolocation=HOUSE, permissions=["geolocation"], locale="th-TH")
    log_in(page, base, a.users["homeroom"].username)
    page.goto(classroom_visits)
    assert visited(page) == (0, 2)
    screenshot(page, "visit-classroom-before")

    # The first student's "record a visit" button.
    page.locator(f"a[href$='/visits/students/{a.student.pk}/new/']").click()
    page.wait_for_load_state()
    assert page.locator("#visit-form").is_visible()

    # Location from the phone, with its accuracy.
    page.locator("#locate").click()
    page.wait_for_function("document.querySelector('#id_latitude').value !== ''")
    assert page.input_value("#id_latitude") == "16.441935"
    assert page.input_value("#id_longitude") == "102.835987"
    assert page.input_value("#id_location_accuracy_m") == "14"
    assert "14" in page.locator("#locate-status").inner_text()

    page.locator("label[for=id_met_1]").click()  # mother
    page.locator("label[for=id_ownership_0]").click()
    page.fill("#id_household_size", "4")
    page.fill("#id_income_per_month", "8000")
    assert "2,000" in page.locator("#income-per-person").inner_text()
    page.fill("#id_summary", "บ้านไม้สองชั้น แม่ดูแลใกล้ชิด นักเรียนช่วยงานบ้านสม่ำเสมอ")
    page.set_input_files("#id_outside", str(phone_photo(tmp_path / "IMG_2041.jpg")))
    screenshot(page, "visit-form-phone")

    # The signal drops as the teacher saves: the form stays, says so, and keeps everything.
    page.context.set_offline(True)
    page.locator("button[name=action][value=done]").click()
    page.locator("#offline-status[data-state=queued]").wait_for()
    assert page.input_value("#id_summary").startswith("บ้านไม้สองชั้น")
    assert page.evaluate(KEPT) == ["queued"]
    with scopes_disabled():
        assert not HomeVisit.objects.exists()
    screenshot(page, "visit-form-offline")

    # The signal comes back: the form sends itself and the browser copy is cleared.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(re.compile(r"/visits/\d+/(record/)?\?saved=new"), timeout=20000)
    page.wait_for_load_state()
    assert page.evaluate(KEPT) == []
    with scopes_disabled():
        visit = HomeVisit.objects.get()
        photo = VisitPhoto.objects.get()
        assert visit.status == HomeVisit.Status.DONE
        assert float(visit.latitude) == HOUSE["latitude"] and visit.location_source == "device"
        stored = Image.open(photo.image.path)
        assert max(stored.size) == 1600 and not stored.getexif()

    # The household facts differ from the (empty) record: the teacher confirms copying them.
    if "/record/" in page.url:
        screenshot(page, "visit-record-update")
        page.locator("button[name=apply]").click()
        page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(f"/visits/{visit.pk}/")
    screenshot(page, "visit-detail-phone")

    # The classroom's progress went up.
    page.goto(classroom_visits)
    assert visited(page) == (1, 2)
    assert "50%" in page.locator("#visit-progress").inner_text()
    screenshot(page, "visit-classroom-after")

    # Print the visit record.
    page.goto(f"{base}/s/{a.school.code}/visits/{visit.pk}/")
    page.locator("form[action$='/print/'] button").click()
    link = page.locator("#print-jobs .generated-file a[download]")
    link.wait_for(timeout=90000)
    with page.expect_download() as info:
        link.first.click()
    pdf = tmp_path / "visit.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert a.student.first_name in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) >= 3  # header lines + the photo
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "visit-page"),
        ],
        check=True,
    )

    # A teacher of another school: the visit and its photo do not exist for them.
    other = page_factory()
    log_in(other, base, world.b.users["homeroom"].username)
    visit_url = f"{base}/s/{a.school.code}/visits/{visit.pk}/"
    photo_url = f"{visit_url}photos/{photo.pk}/"
    assert other.goto(visit_url).status == 404
    assert other.goto(photo_url).status == 404
    assert a.student.first_name not in other.content()
    started = time.monotonic()
    assert other.goto(f"{base}/s/{world.b.school.code}/visits/{visit.pk}/").status == 404
    assert time.monotonic() - started < 10
