"""Every CSV and XLSX the application writes is safe to open: text that a spreadsheet program
would run as a formula is written as text (carecore/spreadsheets.py), numbers stay numbers."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from carecore.spreadsheets import csv_bytes, safe_cell, safe_row, xlsx_bytes, xlsx_row
from conftest import make_student

# What an attacker would type as a student code or name (OWASP's examples and the issue's).
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(A1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
# Student codes hold at most 20 characters.
CODES = ['=HYPERLINK("x","y")', "+1", "@SUM(A1)", "-2+3"]


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes) -> None:
    formulas = [(c.coordinate, c.value) for c in cells(content) if c.data_type == "f"]
    assert not formulas


class TestHelpers:
    @pytest.mark.parametrize("payload", PAYLOADS)
    def test_text_that_starts_like_a_formula_gets_a_quote_in_csv(self, payload):
        assert safe_cell(payload) == "'" + payload

    def test_other_values_are_left_alone(self):
        values = [-5, 2.5, Decimal("-1.25"), 0, None, "", "ด.ช. สมชาย", "12345", "a=b", "ok-"]
        assert safe_row(values) == values

    def test_csv_reads_back_as_text(self):
        content = csv_bytes([["code", "score"], *([p, -3] for p in PAYLOADS)])
        rows = read_csv(content)
        assert [row[0] for row in rows[1:]] == ["'" + p for p in PAYLOADS]
        # A negative number is a number: no quote.
        assert {row[1] for row in rows[1:]} == {"-3"}

    @pytest.mark.parametrize("write_only", [False, True])
    def test_xlsx_text_is_text_and_numbers_are_numbers(self, write_only):
        book = openpyxl.Workbook(write_only=write_only)
        sheet = book.create_sheet("s") if write_only else book.active
        for payload in PAYLOADS:
            sheet.append(xlsx_row(sheet, [payload, -5, Decimal("2.5"), "#N/A", "ชื่อ\x0bสกุล"]))
        read = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(book))).worksheets[0]
        for row, payload in zip(read.iter_rows(), PAYLOADS, strict=True):
            code, number, decimal, error, name = row
            # (XML reads a carriage return back as a line feed.)
            assert (code.value.replace("\n", "\r"), code.data_type) == (payload, "s")
            assert code.quotePrefix  # stays text when someone edits the cell in Excel
            assert (number.value, number.data_type) == (-5, "n")
            assert (decimal.value, decimal.data_type) == (2.5, "n")
            assert (error.value, error.data_type) == ("#N/A", "s")
            # A control character XML cannot hold is dropped instead of failing the file.
            assert name.value == "ชื่อสกุล"

    def test_xlsx_cells_written_any_other_way_are_made_text_on_save(self):
        book = openpyxl.Workbook()
        book.active.cell(row=1, column=1, value="=1+1")
        book.active.append(["@SUM(A1)", "ok"])
        values = {(c.value, c.data_type) for c in cells(xlsx_bytes(book)) if c.value}
        assert values == {("=1+1", "s"), ("@SUM(A1)", "s"), ("ok", "s")}


@pytest.fixture
def hostile(world, term):
    """School A's students with formula-like codes and names, each with a teacher's SDQ."""
    from screening import services
    from screening.tests.test_import import answers_for

    students = []
    with scopes_disabled():
        for n, code in enumerate(CODES):
            student = make_student(world.a.school, world.a.classroom, 900 + n, 10 + n)
            student.student_code, student.first_name, student.last_name = code, PAYLOADS[0], code
            student.save()
            students.append(student)
    for n, student in enumerate(students):
        with scope(school=world.a.school.pk):
            services.sdq_response_save(
                student=student, term=term, rater="teacher", answers=answers_for(20 + n)
            )
    return students


@pytest.mark.django_db
class TestExports:
    def test_the_sdq_export_writes_codes_as_text(self, world, term, hostile):
        from screening import exports

        with scope(school=world.a.school.pk):
            content, *_ = exports.export_file(school=world.a.school, term=term, fmt="csv")
        codes = [row[0] for row in read_csv(content)[1:]]
        assert sorted(codes) == sorted("'" + code for code in CODES)

        with scope(school=world.a.school.pk):
            content, *_ = exports.export_file(
                school=world.a.school, term=term, fmt="xlsx", answers=True
            )
        assert_no_formula(content)
        codes = {c.value: c.data_type for c in cells(content) if c.column == 1 and c.row > 1}
        assert codes == dict.fromkeys(CODES, "s")

    def test_the_classroom_summary_writes_names_as_text(self, world, login, term, hostile):
        from schools.selectors import term_code

        client = login(world.a.users["homeroom"])
        url = reverse(
            "screening:summary_classroom_xlsx",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )
        response = client.get(url, {"term": term_code(term)})
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert_no_formula(content)
        texts = " ".join(str(c.value) for c in cells(content) if c.data_type == "s")
        assert '=HYPERLINK("http://x","y")' in texts

    def test_the_district_report_writes_school_names_as_text(self, world, term):
        from dashboards import reports
        from schools.models import School

        with scopes_disabled():
            School.objects.create(
                code="1040000077", name='=HYPERLINK("http://x","y")', district=world.a.district
            )
            content = reports.district_report_xlsx(district=world.a.district, term=term)
        assert_no_formula(content)
        names = [c for c in cells(content) if c.value == '=HYPERLINK("http://x","y")']
        assert names and all(c.data_type == "s" for c in names)

    def test_the_import_templates_hold_no_formula(self):
        from screening.imports import template_file as screening_template
        from students.imports import template_file as students_template

        for content, *_ in (students_template("xlsx"), screening_template("xlsx")):
            assert_no_formula(content)
        for content, *_ in (students_template("csv"), screening_template("csv")):
            assert not any(
                cell.startswith(("=", "+", "@")) for row in read_csv(content) for cell in row
            )
