"""Import files that would exhaust the server are refused cleanly.

The bombs of the report are built here, small on disk and in this process (zip parts written in
chunks): an XLSX whose shared strings hold one 300 MB string, a sheet of 1,000 rows × 16,384 cells,
a sheet with an entity expansion ("billion laughs"), and a CSV with a 50 MB line. Each import
reads each of them in a child process limited to 512 MB of memory, and must answer with the Thai
message for the limit, quickly. Then the same through the import pages: the message is shown and
nothing is imported. Smaller files check each limit in this process.
"""

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from django.utils.html import escape
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains

from carecore.imports import sheet_reader
from screening import imports as screening_imports
from screening.models import ScreeningImport, SdqResponse
from students import imports as student_imports
from students.models import Student, StudentImport

MEMORY_LIMIT = 512 * 1024 * 1024
TIME_LIMIT = 20  # seconds, for a child process to start, read the file and answer
ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


# --- building files ----------------------------------------------------------------------------
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="{PKG}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{REL}/officeDocument"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}/relationships">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{REL}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL}/sharedStrings"/>
</Relationships>"""
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>student_code</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>rater</t></is></c></row>'
)


def sheet_xml(rows: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def shared_strings_xml(*strings: str) -> str:
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'


def write_xlsx(path: Path, parts: dict) -> Path:
    """A minimal workbook; a part given as a function writes itself in chunks into the zip."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": shared_strings_xml(),
        **parts,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in parts.items():
            if callable(content):
                with zf.open(name, "w") as part:
                    content(part)
            else:
                zf.writestr(name, content)
    return path


def xlsx_bytes(parts: dict) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, parts)
    return buffer.getvalue()


def shared_string_bomb(path: Path, size: int = 300 * MB) -> Path:
    """One shared string of ``size`` characters, used by the first data row."""

    def strings(part):
        part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>'.encode())
        chunk = b"A" * MB
        for _ in range(size // MB):
            part.write(chunk)
        part.write(b"</t></si></sst>")

    row = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    parts = {
        "xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + row),
        "xl/sharedStrings.xml": strings,
    }
    return write_xlsx(path, parts)


def wide_sheet_bomb(path: Path, rows: int = 1000, columns: int = 16384) -> Path:
    """``rows`` rows of ``columns`` cells holding a number (about 250 MB of XML)."""

    def sheet(part):
        head, tail = sheet_xml("|").split("|")
        part.write(head.encode())
        row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
        for _ in range(rows):
            part.write(row)
        part.write(tail.encode())

    return write_xlsx(path, {"xl/worksheets/sheet1.xml": sheet})


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def entity_bomb(path: Path) -> Path:
    """A sheet whose one cell expands to 10⁹ "lol"s if entities are expanded."""
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return write_xlsx(
        path, {"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + row, BILLION_LAUGHS)}
    )


def long_line_csv(path: Path, size: int = 50 * MB) -> Path:
    with open(path, "wb") as f:
        f.write(b"student_code,rater\r\n1,")
        chunk = b"A" * MB
        for _ in range(size // MB):
            f.write(chunk)
        f.write(b"\r\n")
    return path


def th(message) -> str:
    with translation.override("th"):
        return str(message)


def message(code: str, **params) -> str:
    """The Thai message of a limit."""
    return th(sheet_reader.LIMIT_MESSAGES[code]) % params


# --- in a child process under a memory limit ---------------------------------------------------
CHILD = """
import json, resource, sys
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import django
django.setup()
from django.utils import translation
from screening import imports as screening_imports
from students import imports as student_imports

with open(sys.argv[1], "rb") as f:
    data = f.read()
translation.activate("th")
answer = {}
for name, module in (("students", student_imports), ("screening", screening_imports)):
    parsed = module.parse_file(data, sys.argv[2])
    answer[name] = {
        "rows": len(parsed.rows),
        "errors": [[e["code"], e["row"], module.error_message(e)] for e in parsed.errors],
    }
print(json.dumps(answer))
"""


def read_in_child(path: Path, filename: str, script: str = CHILD) -> dict:
    """Both imports read the file in a fresh process with 512 MB of address space."""
    result = subprocess.run(
        [sys.executable, "-c", script, str(path), filename, str(MEMORY_LIMIT)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "carecore.settings_test",
            "PYTHONPATH": str(ROOT),
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_refused(answer: dict, code: str, text: str) -> None:
    for name in ("students", "screening"):
        assert answer[name]["rows"] == 0
        assert [(c, m) for c, _row, m in answer[name]["errors"]] == [(code, text)], name


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        "shared_string": shared_string_bomb(folder / "shared-string.xlsx"),
        "wide": wide_sheet_bomb(folder / "wide.xlsx"),
        "entities": entity_bomb(folder / "entities.xlsx"),
        "long_line": long_line_csv(folder / "long-line.csv"),
    }


class TestBombsInAChildProcess:
    def test_the_bombs_are_small_files(self, bombs):
        # What the upload cap (10 MB) lets through.
        assert all(
            path.stat().st_size < 2 * MB for name, path in bombs.items() if name != "long_line"
        )

    def test_one_300_mb_shared_string(self, bombs):
        answer = read_in_child(bombs["shared_string"], "students.xlsx")
        text = message("part_too_large", part="xl/sharedStrings.xml", max=50)
        assert "xl/sharedStrings.xml" in text and "50 MB" in text
        assert_refused(answer, "part_too_large", text)

    def test_the_memory_limit_is_real(self, bombs):
        """Without the reader's checks, openpyxl alone runs out of the same memory."""
        script = """
import resource, sys
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import openpyxl
try:
    openpyxl.load_workbook(sys.argv[1], read_only=True)
except MemoryError:
    print("{\\"memory\\": \\"exhausted\\"}")
"""
        assert read_in_child(bombs["shared_string"], "x.xlsx", script) == {"memory": "exhausted"}

    def test_a_sheet_of_1000_rows_of_16384_cells(self, bombs):
        answer = read_in_child(bombs["wide"], "wide.xlsx")
        text = message("part_too_large", part="xl/worksheets/sheet1.xml", max=50)
        assert_refused(answer, "part_too_large", text)

    def test_an_entity_expansion(self, bombs):
        answer = read_in_child(bombs["entities"], "entities.xlsx")
        assert_refused(answer, "xlsx_unsafe", th(sheet_reader.LIMIT_MESSAGES["xlsx_unsafe"]))

    def test_a_csv_with_a_50_mb_line(self, bombs):
        answer = read_in_child(bombs["long_line"], "students.csv")
        assert_refused(answer, "csv_too_large", message("csv_too_large", max=20))


# --- each limit, in this process ---------------------------------------------------------------
def read(data: bytes, filename: str = "f.xlsx"):
    """The file as the student import reads it, or its one problem."""
    parsed = student_imports.parse_file(data, filename)
    return parsed.errors


def codes(errors) -> list:
    return [(e["code"], e["row"], e["column"]) for e in errors]


def rows_sheet(*rows: str) -> bytes:
    return xlsx_bytes({"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + "".join(rows))})


class TestLimits:
    def test_openpyxl_parses_xml_with_defusedxml(self):
        assert openpyxl.DEFUSEDXML is True

    def test_an_ordinary_workbook_reads_as_before(self):
        workbook = openpyxl.Workbook()
        workbook.active.append(["student_code", "rater"] + [f"q{i}" for i in range(1, 26)])
        workbook.active.append(["10001", "ครู"] + [1] * 25)
        buffer = io.BytesIO()
        workbook.save(buffer)
        sheet = sheet_reader.read_sheet(buffer.getvalue(), "a.xlsx")
        assert sheet.rows == [
            (1, ["student_code", "rater"] + [f"q{i}" for i in range(1, 26)]),
            (2, ["10001", "ครู"] + [1] * 25),
        ]

    def test_a_part_packed_a_thousand_times_is_refused_before_reading(self):
        data = shared_string_bomb(io.BytesIO(), size=3 * MB)
        errors = read(data.getvalue())
        assert codes(errors) == [("compression_ratio", None, "")]
        assert student_imports.error_message(errors[0]) == message("compression_ratio", max=200)

    def test_the_sum_of_the_parts_is_limited(self, monkeypatch):
        data = rows_sheet(*(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 30)))
        sizes = [info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()]
        # Each part within the limit, not all of them together.
        monkeypatch.setattr(sheet_reader, "MAX_UNPACKED_BYTES", max(sizes))
        errors = read(data)
        assert codes(errors) == [("file_too_large", None, "")]
        assert student_imports.error_message(errors[0]) == message("file_too_large", max=0)

    def test_too_many_parts(self, monkeypatch):
        monkeypatch.setattr(sheet_reader, "MAX_PARTS", 5)
        assert codes(read(rows_sheet())) == [("too_many_parts", None, "")]

    def test_a_directory_that_lies_about_sizes_gives_a_damaged_file(self):
        data = bytearray(rows_sheet('<row r="2"><c r="A2"><v>1</v></c></row>' * 200))
        # Every part declares 10 bytes unpacked in the central directory; the zip module never
        # unpacks more than that, so the XML is cut short.
        archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
        directory = data.rfind(b"PK\x05\x06")
        offset = int.from_bytes(data[directory + 16 : directory + 20], "little")
        for info in archive.infolist():
            assert data[offset : offset + 4] == b"PK\x01\x02"
            data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
            offset += 46 + len(info.filename.encode()) + len(info.extra) + len(info.comment)
        assert codes(read(bytes(data))) == [("xlsx_unreadable", None, "")]

    def test_a_value_beyond_the_last_column(self):
        errors = read(rows_sheet('<row r="2"><c r="A2"><v>1</v></c><c r="CW2"><v>1</v></c></row>'))
        assert codes(errors) == [("too_many_columns", 2, "")]
        assert student_imports.error_message(errors[0]) == message("too_many_columns", max=100)

    def test_empty_styled_cells_beyond_the_last_column_are_ignored(self):
        errors = read(rows_sheet('<row r="2"><c r="A2"><v>1</v></c><c r="XFD2" s="1"/></row>'))
        assert "too_many_columns" not in [e["code"] for e in errors]

    def test_a_long_cell_names_its_row_and_column(self):
        long = "ก" * 1001
        inline = f'<row r="7"><c r="C7" t="inlineStr"><is><t>{long}</t></is></c></row>'
        errors = read(rows_sheet(inline))
        assert codes(errors) == [("cell_too_long", 7, "C")]
        assert student_imports.error_message(errors[0]) == message("cell_too_long", max=1000)
        shared = xlsx_bytes(
            {
                "xl/worksheets/sheet1.xml": sheet_xml(
                    HEADER_ROW + '<row r="3"><c r="B3" t="s"><v>1</v></c></row>'
                ),
                "xl/sharedStrings.xml": shared_strings_xml("ok", long),
            }
        )
        assert codes(read(shared)) == [("cell_too_long", 3, "B")]

    def test_a_long_shared_string_that_no_cell_uses_is_no_problem(self):
        data = xlsx_bytes(
            {
                "xl/worksheets/sheet1.xml": sheet_xml(
                    HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
                ),
                "xl/sharedStrings.xml": shared_strings_xml("10001", "x" * 5000),
            }
        )
        assert sheet_reader.read_sheet(data, "a.xlsx").rows[1] == (2, ["10001"])

    def test_rows_are_counted_while_reading(self, monkeypatch):
        monkeypatch.setattr(sheet_reader, "MAX_ROWS", 3)
        rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 40)]
        assert codes(read(rows_sheet(*rows))) == [("too_many_rows", None, "")]
        # Rows without a value do not count, however far down the last one is.
        far = '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
        sheet = sheet_reader.read_sheet(rows_sheet(far), "a.xlsx")
        assert [n for n, _cells in sheet.rows] == [1, 1048576]

    def test_deeply_nested_xml(self):
        nested = "<x>" * 100 + "</x>" * 100
        assert codes(read(rows_sheet(nested))) == [("xlsx_unreadable", None, "")]

    def test_entities_in_a_part_openpyxl_reads(self):
        workbook = WORKBOOK.replace("<workbook", f"{BILLION_LAUGHS}<workbook", 1)
        data = xlsx_bytes({"xl/workbook.xml": workbook, "xl/worksheets/sheet1.xml": sheet_xml("")})
        assert codes(read(data)) == [("xlsx_unsafe", None, "")]

    def test_csv_columns_cells_and_lines(self):
        wide = "student_code,rater\r\n1,teacher" + ",x" * 100 + "\r\n"
        assert codes(read(wide.encode(), "s.csv")) == [("too_many_columns", 2, "")]
        trailing = "student_code,rater\r\n1,teacher" + "," * 500 + "\r\n"
        assert "too_many_columns" not in [e["code"] for e in read(trailing.encode(), "s.csv")]
        long = "student_code,rater\r\n1," + "ข" * 1001 + "\r\n"
        assert codes(read(long.encode(), "s.csv")) == [("cell_too_long", 2, "B")]
        line = "student_code,rater\r\n" + "1," * 150_000 + "\r\n"
        errors = read(line.encode(), "s.csv")
        assert codes(errors) == [("line_too_long", 2, "")]
        assert student_imports.error_message(errors[0]) == message("line_too_long", max="200,300")
        quoted = 'student_code,rater\r\n1,"' + "ค\n" * 70_000 + '"\r\n'
        assert codes(read(quoted.encode(), "s.csv")) == [("cell_too_long", 2, "")]

    def test_csv_rows_are_counted_while_reading(self, monkeypatch):
        monkeypatch.setattr(sheet_reader, "MAX_ROWS", 3)
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["student_code", "rater"]] + [[n, "ครู"] for n in range(40)])
        assert codes(read(buffer.getvalue().encode(), "s.csv")) == [("too_many_rows", None, "")]

    def test_the_message_follows_the_language(self):
        errors = read(rows_sheet('<row r="2"><c r="CW2"><v>1</v></c></row>'))
        with translation.override("en"):
            assert student_imports.error_message(errors[0]) == (
                "The file has values in more than 100 columns: keep only the columns of the "
                "template file."
            )
        with translation.override("th"):
            assert student_imports.error_message(errors[0]).startswith("ไฟล์มีข้อมูลเกิน 100 คอลัมน์")

    def test_the_screening_import_reports_the_same_problem(self):
        cell = '<c r="B4" t="inlineStr"><is><t>' + "x" * 2000 + "</t></is></c>"
        parsed = screening_imports.parse_file(
            rows_sheet(f'<row r="4">{cell}</row>'), "answers.xlsx"
        )
        errors = parsed.errors
        assert codes(errors) == [("cell_too_long", 4, "B")]
        assert screening_imports.error_message(errors[0]) == message("cell_too_long", max=1000)


# --- through the pages -------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, path: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, path.read_bytes())


class TestImportPages:
    def test_student_import_shows_the_limit_and_imports_nothing(
        self, world, login, bombs, django_capture_on_commit_callbacks
    ):
        from django.urls import reverse

        a = world.a
        with scopes_disabled():
            before = Student.objects.count()
        client = login(a.users["coordinator"])
        start = reverse("students:import_start", kwargs={"school_code": a.school.code})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                start,
                {
                    "file": upload("students.xlsx", bombs["shared_string"]),
                    "academic_year": world.year.pk,
                },
            )
        with scopes_disabled():
            record = StudentImport.objects.latest("created")
            assert Student.objects.count() == before
        assert record.status == StudentImport.Status.INVALID
        page = client.get(response["Location"])
        assertContains(page, escape(message("part_too_large", part="xl/sharedStrings.xml", max=50)))
        confirm = reverse(
            "students:import_confirm",
            kwargs={"school_code": a.school.code, "import_id": record.pk},
        )
        assert confirm not in page.content.decode()

    def test_a_long_cell_is_shown_on_its_row_and_column(
        self, world, login, tmp_path, django_capture_on_commit_callbacks
    ):
        from django.urls import reverse

        a = world.a
        path = tmp_path / "students.csv"
        path.write_text("student_code,national_id\r\n1,2\r\n3," + "ง" * 1001 + "\r\n")
        client = login(a.users["coordinator"])
        start = reverse("students:import_start", kwargs={"school_code": a.school.code})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                start, {"file": upload("students.csv", path), "academic_year": world.year.pk}
            )
        page = client.get(response["Location"])
        row = (
            f"<tr><td>3</td><td>B</td><td></td>"
            f"<td>{escape(message('cell_too_long', max=1000))}</td></tr>"
        )
        assertContains(page, row, html=True)

    def test_screening_import_shows_the_limit_and_imports_nothing(
        self, world, login, bombs, django_capture_on_commit_callbacks
    ):
        from django.urls import reverse

        from schools.models import Term

        a = world.a
        with scopes_disabled():
            term = Term.objects.select_related("academic_year").get(
                academic_year=world.year, number=1
            )
            before = SdqResponse.objects.count()
        client = login(a.users["coordinator"])
        start = reverse("screening:import_start", kwargs={"school_code": a.school.code})
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                start,
                {
                    "file": upload("answers.xlsx", bombs["wide"]),
                    "term": f"{term.academic_year.year}-{term.number}",
                },
            )
        with scopes_disabled():
            record = ScreeningImport.objects.latest("created")
            assert SdqResponse.objects.count() == before
        assert record.status == ScreeningImport.Status.INVALID
        page = client.get(response["Location"])
        text = message("part_too_large", part="xl/worksheets/sheet1.xml", max=50)
        assertContains(page, escape(text))
