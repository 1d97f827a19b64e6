"""In a real browser, on a phone-sized window: the coordinator imports SDQ answers from an Excel
file (a file with mistakes lists every bad row; a good one shows the preview, is confirmed and
the groups follow), then makes the export of the term and downloads it."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from schools.models import Term
from screening.models import CareGroup, SdqResponse
from screening.tests.test_import import HEADER, answers_for
from tests.browser.helpers import log_in

# The file holds a self-report of the world's ป.4 student: make them of its age (11-17).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("of_self_report_age"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ui(text: str) -> str:
    with translation.override("th"):
        return translation.gettext(text)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(page, base_url, school_code, path):
    page.goto(f"{base_url}/s/{school_code}/screening/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name=ui("Upload and check")).click()
    page.wait_for_load_state()
    # The check runs in a job; the page polls until it is over.
    page.wait_for_selector("#import-errors, #import-preview", timeout=15000)


def test_coordinator_imports_answers_and_exports_them(
    world,
    live_server,
    page_factory,
    screenshot,
    tmp_path,
):
    a = world.a
    code = a.school.code
    page = page_factory()
    log_in(page, live_server.url, a.users["coordinator"].username)
    students = [a.student.student_code, a.other_student.student_code]

    bad = tmp_path / "มีข้อผิดพลาด.xlsx"
    bad_rows = [
        [students[0], "teacher", *answers_for(1)],
        [students[1], "ครู", *answers_for(2)[:24], 5],  # q25 out of range
        ["99999", "teacher", *answers_for(3)],  # nobody
    ]
    bad.write_bytes(xlsx(bad_rows))
    upload(page, live_server.url, code, bad)
    screenshot(page, "screening-import-errors")
    table = page.locator("#import-errors tbody tr")
    assert table.count() == 2
    assert table.nth(0).locator("td").nth(1).inner_text() == "q25"
    assert table.nth(1).locator("td").first.inner_text() == "4"
    assert page.get_by_role("button", name=ui("Confirm the import")).count() == 0
    with scopes_disabled():
        assert not SdqResponse.objects.exists()

    good = tmp_path / "คำตอบ SDQ.xlsx"
    all_ones = [1] * 25  # every subscale 5: teacher total 20, "has problems"
    good_rows = [
        [students[0], "teacher", *all_ones],
        [students[0], "student", *answers_for(4)],
        [students[1], "teacher", *[2 if n in (7, 11, 14, 21, 25) else 0 for n in range(1, 26)]],
    ]
    good.write_bytes(xlsx(good_rows))
    upload(page, live_server.url, code, good)
    screenshot(page, "screening-import-preview")
    assert page.locator("#count-new").inner_text() == "3"
    assert page.locator("#import-preview tbody tr").count() == 3
    assert "20" in page.locator("#import-preview tbody tr").first.inner_text()
    with scopes_disabled():
        assert not SdqResponse.objects.exists()

    page.get_by_role("button", name=ui("Confirm the import")).click()
    page.wait_for_load_state()
    page.wait_for_selector(".alert-success", timeout=15000)
    screenshot(page, "screening-import-done")
    with scopes_disabled():
        term = Term.objects.get(pk=SdqResponse.objects.first().term_id)
        assert SdqResponse.objects.count() == 3
        assert CareGroup.objects.get(student=a.student, term=term).level == "problem"
        assert CareGroup.objects.get(student=a.other_student, term=term).level == "normal"

    page.goto(f"{live_server.url}/s/{code}/screening/export/")
    screenshot(page, "screening-export")
    page.get_by_label("CSV").check()
    page.get_by_role("button", name=ui("Make the file")).click()
    page.wait_for_load_state()
    with page.expect_download(timeout=15000) as download_info:
        page.locator("a[href$='/download/']").first.click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert content[0].startswith("student_code,rater,emotional,conduct,")
    assert len(content) == 4
