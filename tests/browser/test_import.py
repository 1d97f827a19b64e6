"""The coordinator imports the school's students from an Excel file: upload, preview, confirm,
and the students are in their classroom. A file with mistakes lists every bad row and imports
nothing."""

import io

import openpyxl
import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from conftest import make_national_id
from students.models import Student
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["เลขประจำตัวนักเรียน", "เลขประจำตัวประชาชน", "คำนำหน้าชื่อ", "ชื่อ", "นามสกุล", "เพศ"]
HEADERS += ["วันเกิด", "ชั้น", "ห้อง", "เลขที่"]
NAMES = ["กมล", "ขวัญใจ", "จิราพร", "ชยพล", "ณัฐวุฒิ", "ธนพร", "ปิยะ", "พิมพ์ชนก"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ui(text: str) -> str:
    """A UI text as the Thai page shows it (English until the catalogue has it)."""
    with translation.override("th"):
        return translation.gettext(text)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["รายชื่อนักเรียน ปีการศึกษา 2568"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows():
    rows = []
    for i, name in enumerate(NAMES, start=1):
        girl = i % 2 == 0
        rows.append(
            [
                f"8{i:04d}",
                make_national_id(880000 + i),
                "ด.ญ." if girl else "ด.ช.",
                name,
                "ใจดี",
                "หญิง" if girl else "ชาย",
                f"{i:02d}/05/2558",
                "ป.5",
                "1",
                i,
            ]
        )
    return rows


def upload(page, base_url, school_code, path, shot=None):
    page.goto(f"{base_url}/s/{school_code}/")
    page.get_by_role("link", name=ui("Import students")).click()
    page.wait_for_load_state()
    if shot:
        shot(page, "import-upload")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name=ui("Upload and check")).click()
    page.wait_for_load_state()


def test_coordinator_imports_students_from_excel(
    world, live_server, page_factory, screenshot, tmp_path
):
    code = world.a.school.code
    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, world.a.users["coordinator"].username)

    good = tmp_path / "รายชื่อนักเรียน.xlsx"
    good.write_bytes(xlsx(good_rows()))
    upload(page, live_server.url, code, good, shot=screenshot)
    screenshot(page, "import-preview")

    # The preview: eight new students in a classroom that does not exist yet; nothing saved.
    assert page.locator("#count-created").inner_text() == "8"
    preview = page.locator("#import-preview tbody tr")
    assert preview.count() == 8
    assert "กมล ใจดี" in preview.first.inner_text()
    assert "ป.5/1" in preview.first.inner_text()
    with scopes_disabled():
        assert not Student.objects.filter(school=world.a.school, first_name="กมล").exists()

    page.get_by_role("button", name=ui("Confirm the import")).click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1
    screenshot(page, "import-done")

    page.get_by_role("link", name="ป.5/1").click()
    page.wait_for_load_state()
    roster = page.locator("tbody tr")
    assert roster.count() == 8
    assert "ด.ช.กมล ใจดี" in roster.nth(0).inner_text()
    assert "ด.ญ.พิมพ์ชนก ใจดี" in roster.nth(7).inner_text()
    screenshot(page, "import-classroom")

    # A file with mistakes: every bad row is listed, and nothing is imported.
    rows = good_rows()
    for row in rows:
        row[0] = "9" + row[0][1:]
        row[1] = make_national_id(990000 + int(row[0][1:]))
        row[8] = "2"
    rows[1][1] = rows[1][1][:12] + str((int(rows[1][1][12]) + 1) % 10)  # check digit
    rows[3][7] = "ป.8"  # no such grade
    rows[4][0] = rows[0][0]  # the same student code twice
    rows[6][3] = ""  # no first name
    rows[7][6] = "ปีที่แล้ว"  # not a date
    bad = tmp_path / "มีข้อผิดพลาด.xlsx"
    bad.write_bytes(xlsx(rows))
    with scopes_disabled():
        before = Student.objects.filter(school=world.a.school).count()
    upload(page, live_server.url, code, bad)
    screenshot(page, "import-errors")

    table = page.locator("#import-errors tbody tr")
    assert table.count() == 5
    listed = [table.nth(i).locator("td").first.inner_text() for i in range(5)]
    # Rows as the spreadsheet numbers them: a title row, the header, then the students from 3.
    assert listed == ["4", "6", "7", "9", "10"]
    assert "ป.8" in table.nth(1).inner_text()
    assert page.get_by_role("link", name=ui("Upload a corrected file")).count() == 1
    assert page.get_by_role("button", name=ui("Confirm the import")).count() == 0
    with scopes_disabled():
        assert Student.objects.filter(school=world.a.school).count() == before
