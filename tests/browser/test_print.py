"""A coordinator prints the classroom batch (one page per student) with a real worker behind
the queue: the page shows a live progress bar that turns into a download link."""

import subprocess
import time

import pytest
from django_scopes import scopes_disabled

from conftest import make_student
from tests.browser.test_teacher_journey import log_in, thai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_classroom_batch_prints_with_a_live_progress_bar(
    world,
    live_server,
    page_factory,
    screenshot,
    start_worker,
    tmp_path,
):
    with scopes_disabled():
        for n in range(39):
            make_student(world.a.school, world.a.classroom, 7000 + n, number=10 + n)
    start_worker("w1")

    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, world.a.users["coordinator"].username)
    page.goto(f"{live_server.url}/s/{world.a.school.code}/classrooms/{world.a.classroom.pk}/")
    started = time.monotonic()
    page.get_by_role("button", name=thai("Print every student's information sheet (PDF)")).click()

    job = page.locator("#print-jobs .generated-file").first
    job.wait_for()
    assert time.monotonic() - started < 3  # the page answered at once, before the PDF exists
    assert page.url.endswith(f"/classrooms/{world.a.classroom.pk}/")  # no page change

    seen = []
    download_link = job.get_by_role("link", name=thai("Download"), exact=False)
    deadline = time.monotonic() + 90
    shot = False
    while time.monotonic() < deadline and not download_link.count():
        bar = job.locator("[role=progressbar]")
        if bar.count():
            value = int(bar.get_attribute("aria-valuenow"))
            seen.append(value)
            if 0 < value < 100 and not shot:
                screenshot(page, "print-batch-progress")
                shot = True
        page.wait_for_timeout(150)
        job = page.locator("#print-jobs .generated-file").first
        download_link = job.get_by_role("link", name=thai("Download"), exact=False)
    assert download_link.count(), f"no download link; progress seen: {seen}"
    assert any(0 < v < 100 for v in seen), f"the bar never moved: {seen}"
    assert seen == sorted(seen)
    screenshot(page, "print-batch-ready")

    with page.expect_download() as info:
        download_link.first.click()
    path = tmp_path / "batch.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".pdf")
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Pages:          40" in pages.stdout
