"""A coordinator prints the classroom batch (one page per student) with a real worker behind
the queue: the page shows a live progress bar that turns into a download link."""

import subprocess
import time

import pytest
from django_scopes import scopes_disabled

from conftest import make_student
from tests.browser.helpers import log_in, thai

STUDENTS = 160

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_classroom_batch_prints_with_a_live_progress_bar(
    world,
    live_server,
    page_factory,
    screenshot,
    start_worker,
    tmp_path,
):
    # Enough pages for the build to outlast a few polls of the bar (it polls every second; a
    # warm worker lays out about 40 pages a second).
    with scopes_disabled():
        for n in range(STUDENTS - 1):
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

    # Read the bar as the page shows it, in one step (htmx replaces the fragment as it polls).
    read_state = """() => {
        const job = document.querySelector('#print-jobs .generated-file');
        const bar = job && job.querySelector('[role=progressbar]');
        return {status: job && job.dataset.status,
                value: bar ? Number(bar.getAttribute('aria-valuenow')) : null};
    }"""
    seen = []
    shot = False
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = page.evaluate(read_state)
        if state["status"] in ("done", "failed"):
            break
        if state["value"] is not None:
            seen.append(state["value"])
            if 0 < state["value"] < 100 and not shot:
                screenshot(page, "print-batch-progress")
                shot = True
        page.wait_for_timeout(100)
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
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    assert pages.split()[-1] == str(STUDENTS)
