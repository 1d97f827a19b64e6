"""The journeys that matter, in headless Chromium, through the TLS proxy against the stack as
deployed: a teacher records a home visit with a photo on a phone; teacher1 finds the child of
their class whom the early warning flags as high risk, reads why, and opens a care plan in one
tap; district1 starts the district PDF report, watches it go from queued through running to
done, and downloads it; director1 downloads the school report. The worker, not the web process,
renders every PDF."""

import io
import re
import subprocess

import pytest
from PIL import Image

from tests.stage.conftest import log_in

pytestmark = pytest.mark.browser

HOUSE = {"latitude": 16.441935, "longitude": 102.835987, "accuracy": 14}

READ_JOB = """() => {
    const job = document.querySelector('.generated-file');
    const bar = job && job.querySelector('[role=progressbar]');
    return {status: job && job.dataset.status,
            value: bar ? Number(bar.getAttribute('aria-valuenow')) : null};
}"""


def phone_photo(path):
    image = Image.new("RGB", (3000, 4000), (200, 120, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return path


def watch_job(page, timeout_s=120, on_running=None):
    """Follow a job from its page until it is done or failed.

    Returns (server, shown): the states the job's status fragment answered, polled every 50 ms
    with the page's session (a short job can run between two of the page's own one-second
    polls), and the states the page itself showed, each as (status, progress)."""
    status_url = page.url.split("?")[0].rstrip("/") + "/status/"
    server, shown = [], []

    def note(states, state):
        if not states or states[-1] != state:
            states.append(state)

    for _ in range(timeout_s * 20):
        html = page.request.get(status_url).text()
        status = re.search(r'data-status="(\w+)"', html)
        value = re.search(r'aria-valuenow="(\d+)"', html)
        note(server, (status and status.group(1), int(value.group(1)) if value else None))
        state = page.evaluate(READ_JOB)
        note(shown, (state["status"], state["value"]))
        if on_running and state["status"] == "running":
            on_running()
            on_running = None
        if state["status"] in ("done", "failed"):
            break
        page.wait_for_timeout(50)
    return server, shown


def download_pdf(page, tmp_path, name) -> str:
    link = page.locator(".generated-file a[href$='/download/']")
    with page.expect_download() as info:
        link.first.click()
    path = tmp_path / name
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_teacher_records_a_home_visit_with_a_photo_on_a_phone(
    stage_url, page_factory, screenshot, tmp_path
):
    page = page_factory(geolocation=HOUSE, permissions=["geolocation"])
    log_in(page, stage_url, "teacher1")
    assert page.url.startswith("https://")
    page.goto(f"{stage_url}/classrooms/")
    page.locator("main a.card").first.click()
    page.wait_for_load_state()
    page.locator("a.visits-done").click()
    page.wait_for_load_state()
    screenshot(page, "stage-visit-classroom")
    page.locator("a[href$='/new/'].btn-primary").first.click()
    page.wait_for_load_state()
    assert page.locator("#visit-form").is_visible()

    page.locator("#locate").click()
    page.wait_for_function("document.querySelector('#id_latitude').value !== ''")
    page.locator("label[for=id_met_1]").click()
    page.locator("label[for=id_ownership_0]").click()
    page.fill("#id_household_size", "4")
    page.fill("#id_income_per_month", "8000")
    page.fill("#id_summary", "บ้านไม้สองชั้น แม่ดูแลใกล้ชิด นักเรียนช่วยงานบ้านสม่ำเสมอ")
    page.set_input_files("#id_outside", str(phone_photo(tmp_path / "IMG_2041.jpg")))
    screenshot(page, "stage-visit-form")
    page.locator("button[name=action][value=done]").click()
    page.wait_for_url(re.compile(r"/visits/\d+/(record/)?\?saved=new"), timeout=30000)
    page.wait_for_load_state()
    if "/record/" in page.url:
        page.locator("button[name=apply]").click()
        page.wait_for_load_state()
    assert re.search(r"/visits/\d+/", page.url)
    assert "บ้านไม้สองชั้น" in page.content()
    # The photo comes back through its permission-checked view, resized.
    photo = page.locator("img[src*='/photos/']").first
    photo.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    screenshot(page, "stage-visit-saved")


def test_teacher1_opens_a_care_plan_from_the_early_warning_in_one_tap(
    stage_url, page_factory, screenshot
):
    """The demo's child of teacher1's room nobody has reported (demo/earlywarning.py) is high
    risk on the class list, with the reasons one tap under the level and the care plan as the
    step: the reporting of the dropout risk is the coordinator's."""
    page = page_factory()
    log_in(page, stage_url, "teacher1")
    page.goto(f"{stage_url}/classrooms/")
    page.locator("main a.card").first.click()
    page.wait_for_load_state()
    flagged = page.locator(".warning-compact .warning-cell")
    assert flagged.count() >= 1
    high = page.locator(".warning-compact .warning-cell[data-level=high]").filter(
        has=page.locator("a.warning-step[data-step=care_plan]")
    )
    high.first.locator("summary").click()
    reasons = high.first.locator(".warning-reason")
    assert re.match(r"ขาดเรียน \d+ วันใน 4 สัปดาห์", reasons.first.inner_text())
    screenshot(page, "stage-early-warning-class-list")
    high.first.locator("a.warning-step[data-step=care_plan]").click()  # the one tap
    page.wait_for_load_state()
    problem = page.locator("textarea[name=problem]").input_value()
    assert problem.startswith("สัญญาณเตือนล่วงหน้า: เสี่ยงสูง (คะแนน ")
    assert "ขาดเรียน" in problem
    page.fill("textarea[name=goals]", "มาเรียนทุกวัน ส่งงานครบ")
    page.fill("textarea[name=actions-0-action]", "โทรหาผู้ปกครองทุกวันจันทร์")
    page.fill("input[name=actions-0-who]", "ครูประจำชั้น")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/plans/\d+/"), timeout=30000)
    page.wait_for_load_state()
    assert "โทรหาผู้ปกครองทุกวันจันทร์" in page.locator("main").inner_text()
    screenshot(page, "stage-early-warning-care-plan")


def test_district_supervisor_watches_the_report_job_and_downloads_it(
    stage_url, page_factory, screenshot, tmp_path
):
    page = page_factory(width=1366, height=900)
    log_in(page, stage_url, "district1")
    page.goto(f"{stage_url}/d/KKN1/")
    page.locator("#district-dashboard").click()
    page.wait_for_load_state()
    page.locator("#district-report-pdf").click()
    page.wait_for_load_state()
    server, shown = watch_job(
        page, on_running=lambda: screenshot(page, "stage-district-report-running")
    )
    screenshot(page, "stage-district-report-done")
    # The page answered before the file existed and showed the job waiting or running, then
    # done; behind it the worker took the job from the queue, ran it and finished it.
    assert shown[0][0] in ("queued", "running") and shown[-1][0] == "done", shown
    statuses = [status for status, _ in server]
    assert statuses[-1] == "done" and "running" in statuses, server
    assert statuses.index("running") < statuses.index("done"), server
    values = [value for status, value in server if status == "running" and value is not None]
    assert values == sorted(values), server
    text = download_pdf(page, tmp_path, "district.pdf")
    assert "ขอนแก่น" in text


def test_director_downloads_the_school_report(stage_url, page_factory, screenshot, tmp_path):
    page = page_factory(width=1366, height=900)
    log_in(page, stage_url, "director1")
    page.locator("#school-dashboard-link").click()
    page.wait_for_load_state()
    page.locator("#school-report-pdf").click()
    page.wait_for_load_state()
    server, shown = watch_job(page)
    assert shown[0][0] in ("queued", "running") and shown[-1][0] == "done", shown
    screenshot(page, "stage-school-report-done")
    text = download_pdf(page, tmp_path, "school.pdf")
    assert "หนองบัว" in text
