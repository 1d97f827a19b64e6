"""Issue 19: the waiting page of a file was headed "กำลังจัดทำไฟล์ของท่าน" (preparing your file)
beside "ไฟล์พร้อมแล้ว" (the file is ready). In headless Chromium its heading follows the job as
htmx polls: preparing, then ready; and a failed job's page says so."""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.access import Perm
from carecore.models import GeneratedFile
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREPARING = "กำลังจัดทำไฟล์ของท่าน"
READY = "ไฟล์ของท่านพร้อมแล้ว"
FAILED = "จัดทำไฟล์ของท่านไม่สำเร็จ"


def _job(world, **fields):
    with scopes_disabled():
        return GeneratedFile.objects.create(
            kind="test_none",  # no task runs it: the test moves it on by hand
            title="แบบบันทึกการเยี่ยมบ้าน",
            created_by=world.a.users["homeroom"],
            school=world.a.school,
            permission=Perm.VIEW_SCHOOL,
            expires=timezone.now() + datetime.timedelta(days=1),
            **fields,
        )


@pytest.mark.parametrize("width,height", [(375, 812), (1366, 768)])
def test_the_heading_follows_the_job_as_the_page_polls(
    world, live_server, page_factory, screenshot, width, height
):
    job = _job(world)
    page = page_factory(width=width, height=height)
    log_in(page, live_server.url, world.a.users["homeroom"].username)
    page.goto(f"{live_server.url}/files/{job.pk}/")
    heading = page.locator("h1")
    assert heading.count() == 1 and heading.inner_text() == PREPARING
    screenshot(page, f"file-preparing-{width}")

    with scopes_disabled():
        GeneratedFile.objects.filter(pk=job.pk).update(
            status=GeneratedFile.Status.DONE, progress=100, filename="เยี่ยมบ้าน.pdf"
        )
    page.wait_for_selector(".generated-file[data-status=done]")
    page.wait_for_function(f"() => document.querySelector('h1').innerText === {READY!r}")
    assert page.locator("h1").count() == 1
    assert page.locator("#generated-file-heading").inner_text() == READY
    screenshot(page, f"file-ready-{width}")


def test_a_failed_job_page_says_it_failed(world, live_server, page_factory):
    job = _job(world, status=GeneratedFile.Status.FAILED)
    page = page_factory(width=375, height=812)
    log_in(page, live_server.url, world.a.users["homeroom"].username)
    page.goto(f"{live_server.url}/files/{job.pk}/")
    assert page.locator("h1").inner_text() == FAILED
