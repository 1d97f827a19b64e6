"""The dashboards in a real browser, on the demo district: district1 opens the district
dashboard, sorts the schools by the share suitably helped, starts the PDF report with a real
worker behind the queue, watches its progress and downloads it; director1 opens their school's
dashboard and drills down from a figure to the list of students it counts."""

import re
import subprocess

import pytest
from django_scopes import scopes_disabled

from conftest import PASSWORD
from demo.world import demo_build
from tests.browser.helpers import log_in, thai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    with scopes_disabled():
        return demo_build(schools=4, students=400, password=PASSWORD)


# The header has two rows (a band over its columns): the column of the header sorting by key
# counts the cells before it in the grid, row and column spans included.
COLUMN_VALUES = """(key) => {
    const table = document.querySelector('#school-table');
    const taken = [];
    let index = -1;
    [...table.tHead.rows].forEach((tr, r) => {
        let c = 0;
        for (const th of tr.cells) {
            while (taken[r] && taken[r][c]) c++;
            if (th.dataset.sortKey === key) index = c;
            for (let i = 0; i < th.rowSpan; i++)
                for (let j = 0; j < th.colSpan; j++) (taken[r + i] ||= [])[c + j] = true;
            c += th.colSpan;
        }
    });
    return [...table.tBodies[0].rows].map(tr => tr.children[index].textContent.trim());
}"""


def _number(text):
    match = re.search(r"\d+(?:\.\d+)?", text.replace(",", ""))
    return float(match.group()) if match else None


def test_district_sorts_schools_and_downloads_the_pdf_report(
    demo, live_server, page_factory, screenshot, start_worker, tmp_path
):
    start_worker("w1")
    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, "district1")
    page.goto(f"{live_server.url}/d/KKN1/")
    page.locator("#district-dashboard").click()
    page.wait_for_load_state()
    assert "/d/KKN1/dashboard/" in page.url
    screenshot(page, "dashboard-district")

    # A short header; its full label is its title (the tooltip) and in the legend.
    page.locator("#school-table thead").get_by_title(thai("Suitably helped"), exact=True).click()
    page.wait_for_load_state()
    assert "sort=cared" in page.url
    values = [_number(v) for v in page.evaluate(COLUMN_VALUES, "cared")]
    shares = [v for v in values if v is not None]
    assert len(shares) == 4 and shares == sorted(shares)  # the weakest school first
    screenshot(page, "dashboard-district-sorted")

    page.locator("#district-report-pdf").click()
    page.wait_for_load_state()
    read_state = """() => {
        const job = document.querySelector('.generated-file');
        const bar = job && job.querySelector('[role=progressbar]');
        return {status: job && job.dataset.status,
                value: bar ? Number(bar.getAttribute('aria-valuenow')) : null};
    }"""
    seen = []
    for _ in range(600):
        state = page.evaluate(read_state)
        seen.append(state["status"])
        if state["status"] in ("done", "failed"):
            break
        page.wait_for_timeout(100)
    assert seen[-1] == "done", seen
    assert seen[0] in ("queued", "running"), seen  # the page answered before the file existed
    link = page.locator(".generated-file").get_by_role("link", name=thai("Download"), exact=False)
    with page.expect_download() as info:
        link.first.click()
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ขอนแก่น" in text and "2569" in text


def test_director_drills_down_from_a_figure_to_its_students(
    demo, live_server, page_factory, screenshot
):
    page = page_factory()  # a phone
    log_in(page, live_server.url, "director1")
    page.locator("#school-dashboard-link").click()
    page.wait_for_load_state()
    screenshot(page, "dashboard-school-phone")
    card = page.locator("[data-group=risk] a[data-figure=group_risk]")
    figure = int(card.inner_text().replace(",", ""))
    assert figure > 0
    card.click()
    page.wait_for_load_state()
    assert int(page.locator("#figure-count").get_attribute("data-count")) == figure
    assert page.locator("table.figure-students tbody tr").count() == min(figure, 100)
    screenshot(page, "dashboard-school-students")
    # A name leads to the student's page.
    page.locator("table.figure-students tbody a").first.click()
    page.wait_for_load_state()
    assert "/students/" in page.url
