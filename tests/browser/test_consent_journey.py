"""PDPA in the browser: the coordinator records the guardian's consent to home-visit photos from
the student's page; later the guardian withdraws it and, after confirming, the visit's photos are
gone; the director then opens "who has seen this record" and finds the coordinator there."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from PIL import Image

from tests.browser.helpers import log_in
from visits.models import VisitPhoto
from visits.services import photo_add, visit_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_recorded_withdrawn_and_who_has_seen(world, live_server, page_factory, screenshot):
    a = world.a
    base = live_server.url
    student_page = f"{base}/s/{a.school.code}/students/{a.student.pk}/"

    page = page_factory(locale="th-TH")
    log_in(page, base, a.users["coordinator"].username)
    page.goto(student_page)
    assert page.locator("#consent-card").is_visible()
    assert page.locator("#seen-by-link").count() == 0  # the director's alone
    page.locator("#consent-card a.btn-outline-primary").click()
    page.wait_for_load_state()
    page.locator("#consent-home_visit_photos a.btn-primary").click()
    page.wait_for_load_state()
    page.select_option("#id_guardian", str(a.guardian.pk))
    page.locator("label[for=id_method_0]").click()  # signed paper form
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#consent-home_visit_photos .badge.text-bg-success").is_visible()
    screenshot(page, "consent-list-given")

    # A visit with a photo, as the teacher records it (the form itself: visits/tests).
    image = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(image, "JPEG")
    with scopes_disabled():
        visit = visit_save(
            student=a.student,
            data={"date": datetime.date.today(), "visitors": "ครูประจำชั้น", "mode": "home"},
            done=True,
            user=a.users["homeroom"],
            academic_year=world.year,
            classroom=a.classroom,
        ).visit
        photo_add(
            visit=visit,
            upload=SimpleUploadedFile("p.jpg", image.getvalue(), "image/jpeg"),
            kind="outside",
            user=a.users["homeroom"],
        )

    page.reload()
    page.locator("#consent-home_visit_photos a.btn-outline-danger").click()
    page.wait_for_load_state()
    assert page.locator("#withdrawal-effects").is_visible()
    screenshot(page, "consent-withdraw-confirm")
    page.fill("#id_reason", "ไม่สะดวกให้ถ่ายภาพในบ้าน")
    page.locator("#id_confirm").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#consent-home_visit_photos .badge.text-bg-danger").is_visible()
    assert page.locator("#consent-history tbody tr").count() == 1
    screenshot(page, "consent-list-withdrawn")
    with scopes_disabled():
        assert not VisitPhoto.objects.filter(visit=visit).exists()

    director = page_factory(width=1280, height=900, locale="th-TH")
    log_in(director, base, a.users["director"].username)
    director.goto(student_page)
    director.locator("#seen-by-link").click()
    director.wait_for_load_state()
    rows = director.locator("#seen-by tbody tr")
    assert rows.count() >= 4
    assert a.users["coordinator"].display_name in director.locator("#seen-by").inner_text()
    assert str(datetime.date.today().year + 543) in director.locator("#seen-by").inner_text()
    screenshot(director, "seen-by")
