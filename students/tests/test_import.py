"""Student import: reading CSV and XLSX files, every problem reported, all or nothing, re-imports,
the command, and the coordinator's pages.

Texts are compared through the catalogue in Thai (the default language); names, codes and dates
as data.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from carecore.models import AuditEvent
from conftest import insert_statements, make_national_id
from schools.models import Classroom, Grade
from students import imports
from students.imports import import_apply, import_check
from students.models import Enrolment, Student, StudentImport

ENGLISH = ["student_code", "national_id", "prefix", "first_name", "last_name", "gender"]
ENGLISH += ["birth_date", "grade", "room"]
THAI = ["เลขประจำตัวนักเรียน", "เลขประจำตัวประชาชน", "คำนำหน้าชื่อ", "ชื่อ", "นามสกุล", "เพศ"]
THAI += ["วันเกิด", "ชั้น", "ห้อง"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- helpers -----------------------------------------------------------------------------------
def th(message: str, **params) -> str:
    with translation.override("th"):
        text = gettext(message)
    return escape(text % params if params else text)


def student_row(n: int, **overrides) -> dict:
    """A good row for student number ``n`` of the file."""
    row = {
        "student_code": f"9{n:04d}",
        "national_id": make_national_id(700000 + n),
        "prefix": "ด.ช." if n % 2 else "ด.ญ.",
        "first_name": f"นำเข้า{n}",
        "last_name": "ทดลอง",
        "gender": "ชาย" if n % 2 else "หญิง",
        "birth_date": "15/06/2558",
        "grade": "ป.4",
        "room": "1",
    }
    row.update(overrides)
    return row


def rows(count: int, **overrides) -> list[dict]:
    return [student_row(n, **overrides) for n in range(1, count + 1)]


def csv_bytes(data: list[dict], headers=ENGLISH, encoding="utf-8", extra=()) -> bytes:
    keys = ENGLISH + list(extra)
    heads = list(headers) + list(extra)
    lines = [",".join(heads)]
    lines += [",".join(str(r.get(k, "")) for k in keys) for r in data]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(data: list[dict], headers=ENGLISH, extra=(), title_rows=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append([title])
    keys = ENGLISH + list(extra)
    sheet.append(list(headers) + list(extra))
    for r in data:
        sheet.append([r.get(k) for k in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(world, data, filename="students.csv"):
    with scope(school=world.a.school.pk):
        return import_check(
            data=data, filename=filename, school=world.a.school, academic_year=world.year
        )


def apply(world, data, filename="students.csv", user=None):
    with scope(school=world.a.school.pk):
        return import_apply(
            data=data,
            filename=filename,
            school=world.a.school,
            academic_year=world.year,
            user=user,
        )


def students_of(world) -> dict[str, Student]:
    with scopes_disabled():
        return {s.student_code: s for s in Student.objects.filter(school=world.a.school)}


def placement(world, code: str) -> tuple[str, int]:
    """The student's classroom (as shown in Thai) and number this year."""
    with scopes_disabled():
        e = Enrolment.objects.select_related("classroom").get(
            student__school=world.a.school, student__student_code=code, academic_year=world.year
        )
    with translation.override("th"):
        return str(e.classroom), e.number


def problems(report) -> list[tuple]:
    return [(e["row"], e["field"], e["code"]) for e in report.errors]


# --- reading files -----------------------------------------------------------------------------
class TestReading:
    def test_csv_utf8_creates_students_classrooms_and_enrolments(self, world):
        data = rows(2) + [student_row(3, grade="ป.5", room="2")]
        report = apply(world, csv_bytes(data))

        assert report.ok, report.errors
        assert report.summary["created"] == 3
        assert report.summary["classrooms_created"] == 1
        # The school's two students of the world are not in the file: left alone, counted.
        assert report.summary["not_in_file"] == 2
        students = students_of(world)
        first = students["90001"]
        assert (first.prefix, first.first_name, first.last_name, first.gender) == (
            "ด.ช.",
            "นำเข้า1",
            "ทดลอง",
            "M",
        )
        assert first.birth_date == datetime.date(2015, 6, 15)
        assert students["90002"].gender == "F"
        # ป.4/1 already has number 1 (a student not in the file): the new ones follow.
        assert placement(world, "90001") == ("ป.4/1", 2)
        assert placement(world, "90002") == ("ป.4/1", 3)
        assert placement(world, "90003") == ("ป.5/2", 1)
        assert placement(world, world.a.student.student_code) == ("ป.4/1", 1)

    def test_csv_with_byte_order_mark(self, world):
        report = apply(world, b"\xef\xbb\xbf" + csv_bytes(rows(2)))
        assert report.ok, report.errors
        assert report.summary["created"] == 2

    def test_csv_in_tis620_with_thai_headers(self, world):
        data = csv_bytes(rows(2), headers=THAI, encoding="cp874")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        report = apply(world, data)

        assert report.ok, report.errors
        assert students_of(world)["90002"].first_name == "นำเข้า2"

    def test_semicolon_csv_and_headers_in_any_case_and_spacing(self, world):
        headers = ["Student Code", " NATIONAL_ID", "Prefix", "First Name", "last_name"]
        headers += ["Gender", "Birth Date", "GRADE", "room "]
        lines = [";".join(headers)]
        lines += [";".join(r[k] for k in ENGLISH) for r in rows(2)]
        report = apply(world, "\n".join(lines).encode())
        assert report.ok, report.errors
        assert report.summary["created"] == 2

    def test_xlsx_with_date_cells_numbers_and_a_title_row(self, world):
        data = rows(2, birth_date=datetime.datetime(2015, 6, 15), room=2)
        for r in data:
            r["national_id"] = int(r["national_id"])  # Excel keeps IDs as numbers
            r["student_code"] = int(r["student_code"])
        content = xlsx_bytes(
            data,
            headers=THAI,
            extra=["เลขที่", "ชื่อเล่น"],
            title_rows=["รายชื่อนักเรียน ปีการศึกษา 2568"],
        )
        data[0]["เลขที่"] = None
        report = apply(world, content, filename="รายชื่อ.xlsx")

        assert report.ok, report.errors
        student = students_of(world)["90001"]
        assert student.birth_date == datetime.date(2015, 6, 15)
        assert student.national_id == make_national_id(700001)
        assert placement(world, "90001") == ("ป.4/2", 2)  # number 1 is the world's student

    def test_xlsx_rows_are_numbered_as_in_the_spreadsheet(self, world):
        content = xlsx_bytes(
            [student_row(1), student_row(2, grade="ป.9")], title_rows=["title", ""]
        )
        report = check(world, content, filename="students.xlsx")
        # Two title rows, the header on row 3: the second student is on row 5.
        assert problems(report) == [(5, "grade", "grade_unknown")]
        assert report.errors[0]["column"] == "grade"

    @pytest.mark.parametrize(
        "text",
        ["15/06/2558", "15/06/2015", "2015-06-15", "๑๕/๐๖/๒๕๕๘", "15 มิ.ย. 2558", "15-6-58"],
    )
    def test_buddhist_and_christian_era_dates(self, world, text):
        report = apply(world, csv_bytes([student_row(1, birth_date=text)]))
        assert report.ok, report.errors
        assert students_of(world)["90001"].birth_date == datetime.date(2015, 6, 15)

    def test_thai_digits_and_dashes_in_codes_and_ids(self, world):
        thai = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
        national_id = make_national_id(700001)
        dashed = f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:]}"
        row = student_row(
            1, student_code="90001".translate(thai), national_id=dashed.translate(thai)
        )
        report = apply(world, csv_bytes([row, student_row(2, room="๒")]))
        assert report.ok, report.errors
        assert students_of(world)["90001"].national_id == national_id
        assert placement(world, "90002") == ("ป.4/2", 2)

    def test_buddhist_year_typed_into_an_excel_date_cell(self, world):
        content = xlsx_bytes([student_row(1, birth_date=datetime.datetime(2558, 6, 15))])
        report = apply(world, content, filename="s.xlsx")
        assert report.ok, report.errors
        assert students_of(world)["90001"].birth_date == datetime.date(2015, 6, 15)

    @pytest.mark.parametrize(
        ("text", "grade"),
        [
            ("ป.4", Grade.P4),
            ("ป4", Grade.P4),
            ("ป. 4", Grade.P4),
            ("ประถมศึกษาปีที่ 4", Grade.P4),
            ("ชั้นประถมศึกษาปีที่ 6", Grade.P6),
            ("ม.1", Grade.M1),
            ("มัธยมศึกษาปีที่ 1", Grade.M1),
            ("ม.๖", Grade.M6),
            ("อ.2", Grade.K2),
            ("อนุบาล 2", Grade.K2),
            ("P.4", Grade.P4),
            ("p4", Grade.P4),
            ("M.1", Grade.M1),
            ("K2", Grade.K2),
            ("ป.๔", Grade.P4),
        ],
    )
    def test_grades_as_schools_write_them(self, text, grade):
        assert imports.parse_grade(text) == grade

    @pytest.mark.parametrize("text", ["ป.7", "ม.0", "อ.4", "4", "ปวช.1", "Grade 4", ""])
    def test_unknown_grades(self, text):
        assert imports.parse_grade(text) is None

    @pytest.mark.parametrize(
        ("text", "gender"),
        [("ชาย", "M"), ("หญิง", "F"), ("ช", "M"), ("ญ", "F"), ("M", "M"), ("f", "F")]
        + [("male", "M"), ("Female", "F")],
    )
    def test_genders(self, text, gender):
        assert imports.parse_gender(text) == gender

    @pytest.mark.parametrize(
        ("text", "prefix"),
        [("ด.ช.", "ด.ช."), ("ดช", "ด.ช."), ("เด็กชาย", "ด.ช."), ("ด.ญ", "ด.ญ.")]
        + [("เด็กหญิง", "ด.ญ."), ("นาย", "นาย"), ("น.ส.", "นางสาว"), ("นางสาว", "นางสาว")],
    )
    def test_prefixes(self, text, prefix):
        assert imports.parse_prefix(text) == prefix


# --- problems ----------------------------------------------------------------------------------
class TestProblems:
    def test_every_bad_row_is_reported_and_nothing_is_imported(self, world):
        bad_digit = make_national_id(700003)[:12] + str(
            (int(make_national_id(700003)[12]) + 1) % 10
        )
        future = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
        data = [
            student_row(1),
            student_row(2),
            student_row(3, national_id=bad_digit),
            student_row(4, grade="ป.8"),
            student_row(5, student_code="90001"),  # the code of row 2 again
            student_row(6, first_name=""),
            student_row(7, birth_date="31/02/2558"),
            student_row(8, birth_date=future),
            student_row(9, gender="อื่น"),
            student_row(10, room="สอง"),
            student_row(11, national_id=make_national_id(700001)),  # row 2's ID again
            student_row(12, national_id=world.a.other_student.national_id),
            student_row(13, national_id="12345"),
            student_row(14, prefix="คุณ", last_name="", room="0"),
        ]
        before = students_of(world)
        report = apply(world, csv_bytes(data))

        assert not report.ok
        assert problems(report) == [
            (4, "national_id", "check_digit"),
            (5, "grade", "grade_unknown"),
            (6, "student_code", "duplicate_code"),
            (7, "first_name", "required"),
            (8, "birth_date", "date_unreadable"),
            (9, "birth_date", "date_future"),
            (10, "gender", "gender_unknown"),
            (11, "room", "room_invalid"),
            (12, "national_id", "duplicate_national_id"),
            (13, "national_id", "national_id_taken"),
            (14, "national_id", "national_id_format"),
            (15, "prefix", "prefix_unknown"),
            (15, "last_name", "required"),
            (15, "room", "room_invalid"),
        ]
        assert report.bad_rows == 12
        assert students_of(world).keys() == before.keys()
        # The messages say what to fix, with the other row or student where there is one.
        messages = {e["row"]: imports.error_message(e) for e in report.errors}
        with translation.override("en"):
            assert imports.error_message(report.errors[2]) == (
                "This student code is also on row 2."
            )
        assert messages[13] == str(imports.MESSAGES["national_id_taken"]) % {
            "code": world.a.other_student.student_code
        }

    def test_class_numbers_taken_or_given_twice(self, world):
        data = [student_row(1, number="1"), student_row(2, number="5"), student_row(3, number="5")]
        report = check(world, csv_bytes(data, extra=["number"]))
        assert problems(report) == [
            (2, "number", "number_taken"),
            (4, "number", "number_duplicate"),
        ]
        assert report.errors[0]["column"] == "number"
        assert report.errors[0]["params"] == {"code": world.a.student.student_code}

    def test_one_bad_row_among_many_imports_nothing(self, world):
        data = rows(150) + [student_row(151, grade="ป.10")]
        report = apply(world, csv_bytes(data))
        assert problems(report) == [(152, "grade", "grade_unknown")]
        assert len(students_of(world)) == 2
        with scopes_disabled():
            assert Classroom.objects.filter(school=world.a.school).count() == 2

    def test_file_in_an_unknown_encoding(self, world):
        data = "student_code,ÿÿ\n1,2\n".encode("latin-1")
        report = check(world, data)
        assert problems(report) == [(None, "", "encoding")]
        assert imports.error_message(report.errors[0]) == str(imports.MESSAGES["encoding"])

    def test_binary_file_named_csv(self, world):
        report = check(world, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filename="photo.csv")
        assert problems(report) == [(None, "", "encoding")]

    def test_old_excel_file(self, world):
        report = check(world, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "list.xls")
        assert problems(report) == [(None, "", "xls")]

    def test_other_kinds_of_file(self, world):
        assert problems(check(world, b"%PDF-1.4", "list.pdf")) == [(None, "", "format")]
        assert problems(check(world, b"PK\x03\x04broken", "list.xlsx")) == [
            (None, "", "xlsx_unreadable")
        ]

    def test_missing_columns_are_named(self, world):
        data = "student_code,first_name,last_name,grade\n1,ก,ข,ป.1\n".encode()
        report = check(world, data)
        assert problems(report) == [(None, "", "missing_columns")]
        assert report.errors[0]["params"]["columns"] == [
            "national_id",
            "prefix",
            "gender",
            "birth_date",
            "room",
        ]
        with translation.override("en"):
            assert "national_id (เลขประจำตัวประชาชน)" in imports.error_message(report.errors[0])

    def test_empty_file(self, world):
        assert problems(check(world, csv_bytes([]))) == [(None, "", "empty")]
        assert problems(check(world, b"")) == [(None, "", "empty")]


# --- applying ----------------------------------------------------------------------------------
class TestApplying:
    def test_the_same_file_twice_changes_nothing(self, world):
        content = csv_bytes(rows(5) + [student_row(6, grade="ม.1")])
        first = apply(world, content)
        assert first.summary["created"] == 6
        modified = {code: s.modified for code, s in students_of(world).items()}

        second = apply(world, content)

        assert second.ok
        assert {k: second.summary[k] for k in imports.COUNT_KEYS} == {
            "created": 0,
            "updated": 0,
            "moved": 0,
            "enrolled": 0,
            "unchanged": 6,
            "classrooms_created": 0,
        }
        assert {code: s.modified for code, s in students_of(world).items()} == modified

    def test_changed_file_updates_and_moves_students(self, world):
        apply(world, csv_bytes(rows(4)))
        data = rows(4)
        data[0]["last_name"] = "เปลี่ยนนามสกุล"
        data[1]["room"] = "2"  # to ป.4/2
        data[2]["grade"] = "ป.5"  # to a classroom that does not exist yet
        report = apply(world, csv_bytes(data))

        assert report.ok, report.errors
        summary = report.summary
        assert (summary["created"], summary["updated"], summary["moved"]) == (0, 1, 2)
        assert (summary["unchanged"], summary["classrooms_created"]) == (1, 1)
        assert students_of(world)["90001"].last_name == "เปลี่ยนนามสกุล"
        # ป.4/2 has the world's other student as number 1.
        assert placement(world, "90002") == ("ป.4/2", 2)
        assert placement(world, "90003") == ("ป.5/1", 1)
        assert placement(world, "90004") == ("ป.4/1", 5)

    def test_students_swap_class_numbers_without_tripping_the_constraint(self, world):
        apply(world, csv_bytes(rows(3), extra=["number"]))  # numbers 2, 3, 4
        data = rows(3)
        data[0]["number"], data[1]["number"], data[2]["number"] = "3", "2", "4"
        report = apply(world, csv_bytes(data, extra=["number"]))
        assert report.ok, report.errors
        assert report.summary["updated"] == 2
        assert placement(world, "90001") == ("ป.4/1", 3)
        assert placement(world, "90002") == ("ป.4/1", 2)

    def test_existing_student_gets_a_classroom_for_a_new_year(self, world):
        a = world.a
        row = student_row(
            1,
            student_code=a.student.student_code,
            national_id=a.student.national_id,
            first_name=a.student.first_name,
            last_name=a.student.last_name,
            grade="ป.5",
        )
        from schools.services import academic_year_create

        with scopes_disabled():
            next_year = academic_year_create(year=world.year.year + 1)
        with scope(school=a.school.pk):
            report = import_apply(
                data=csv_bytes([row]),
                filename="next.csv",
                school=a.school,
                academic_year=next_year,
            )
        assert report.ok, report.errors
        assert report.summary["enrolled"] == 1
        with scopes_disabled():
            years = {
                e.academic_year.year: str(e.classroom.grade)
                for e in Enrolment.objects.filter(student=a.student).select_related(
                    "academic_year", "classroom"
                )
            }
        assert years == {world.year.year: str(Grade.P4), world.year.year + 1: str(Grade.P5)}

    def test_nickname_column_when_present(self, world):
        data = rows(1)
        data[0]["nickname"] = "ต้น"
        apply(world, csv_bytes(data, extra=["nickname"]))
        assert students_of(world)["90001"].nickname == "ต้น"
        # A file without the column leaves nicknames alone.
        report = apply(world, csv_bytes(rows(1)))
        assert report.summary["unchanged"] == 1
        assert students_of(world)["90001"].nickname == "ต้น"

    def test_applied_import_is_in_the_audit_log(self, world):
        coordinator = world.a.users["coordinator"]
        apply(world, csv_bytes(rows(3)), user=coordinator)
        event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
        assert (event.school_id, event.user_id) == (world.a.school.pk, coordinator.pk)
        assert event.changes["created"] == 3
        assert "3" in event.summary

    def test_queries_do_not_grow_with_the_number_of_rows(self, world):
        def count(n, offset):
            data = [student_row(i) for i in range(offset, offset + n)]
            with CaptureQueriesContext(connection) as ctx:
                report = apply(world, csv_bytes(data))
            assert report.ok, report.errors
            # Less the extra INSERTs of a split bulk_create (SQLite only; none on PostgreSQL).
            split = insert_statements(Student, n) - 1 + insert_statements(Enrolment, n) - 1
            return len(ctx.captured_queries) - split

        assert count(10, 100) == count(300, 200)


# --- the job and the command -------------------------------------------------------------------
def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


class TestJob:
    def test_failed_job_is_marked_and_can_be_retried(
        self, world, django_capture_on_commit_callbacks
    ):
        a = world.a
        with scope(school=a.school.pk):
            with django_capture_on_commit_callbacks(execute=False):
                student_import = imports.student_import_create(
                    school=a.school,
                    academic_year=world.year,
                    uploaded_by=a.users["coordinator"],
                    upload=upload("s.csv", csv_bytes(rows(2))),
                )
            content = student_import.file.read()
            student_import.file.close()
            # The stored file went missing before the job ran.
            student_import.file.storage.delete(student_import.file.name)
        from students.tasks import student_import_validate_task

        student_import_validate_task.delay(student_import.pk)
        with scopes_disabled():
            student_import.refresh_from_db()
        assert student_import.status == StudentImport.Status.FAILED
        assert [e["code"] for e in student_import.errors] == ["job_failed"]

        with scope(school=a.school.pk):
            student_import.file.storage.save(student_import.file.name, io.BytesIO(content))
            with django_capture_on_commit_callbacks(execute=True):
                assert imports.student_import_retry(student_import=student_import)
            student_import.refresh_from_db()
        assert student_import.status == StudentImport.Status.READY
        assert student_import.summary["created"] == 2


class TestCommand:
    def test_imports_a_good_file(self, world, tmp_path):
        path = tmp_path / "students.xlsx"
        path.write_bytes(xlsx_bytes(rows(3), headers=THAI))
        out = io.StringIO()
        call_command(
            "import_students",
            str(path),
            school=world.a.school.code,
            year=world.year.year,
            stdout=out,
        )
        assert "3 created" in out.getvalue()
        assert {"90001", "90002", "90003"} <= students_of(world).keys()

    def test_dry_run_changes_nothing(self, world, tmp_path):
        path = tmp_path / "students.csv"
        path.write_bytes(csv_bytes(rows(3)))
        out = io.StringIO()
        call_command(
            "import_students",
            str(path),
            "--dry-run",
            school=world.a.school.code,
            year=world.year.year,
            stdout=out,
        )
        assert "3 created" in out.getvalue()
        assert "90001" not in students_of(world)

    def test_bad_file_prints_every_problem_and_imports_nothing(self, world, tmp_path):
        path = tmp_path / "students.csv"
        path.write_bytes(csv_bytes([student_row(1, grade="ป.9"), student_row(2, room="x")]))
        err = io.StringIO()
        with pytest.raises(CommandError, match="Nothing imported"):
            call_command(
                "import_students",
                str(path),
                school=world.a.school.code,
                year=world.year.year,
                stderr=err,
            )
        lines = err.getvalue().splitlines()
        assert len(lines) == 2
        assert lines[0].startswith("row 2, grade 'ป.9': ")
        assert lines[1].startswith("row 3, room 'x': ")
        assert "90001" not in students_of(world)

    def test_unknown_school_or_year(self, world, tmp_path):
        path = tmp_path / "students.csv"
        path.write_bytes(csv_bytes(rows(1)))
        with pytest.raises(CommandError, match="No school"):
            call_command("import_students", str(path), school="9999999999", year=2568)
        with pytest.raises(CommandError, match="No academic year"):
            call_command("import_students", str(path), school=world.a.school.code, year=2400)


# --- pages -------------------------------------------------------------------------------------
def url(name, side, **kwargs):
    return reverse(f"students:{name}", kwargs={"school_code": side.school.code, **kwargs})


def post_file(client, side, world, name, content, callbacks):
    with callbacks(execute=True):
        return client.post(
            url("import_start", side),
            {"file": upload(name, content), "academic_year": world.year.pk},
        )


def latest_import():
    with scopes_disabled():
        return StudentImport.objects.latest("created")


class TestImportPages:
    def test_coordinator_uploads_previews_and_confirms(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["coordinator"])
        start = client.get(url("import_start", a))
        assert start.status_code == 200
        assertContains(start, "เลขประจำตัวนักเรียน")
        assertContains(start, url("import_template_xlsx", a))

        content = xlsx_bytes(rows(3) + [student_row(4, grade="ป.6", room="1")])
        response = post_file(
            client, a, world, "list.xlsx", content, django_capture_on_commit_callbacks
        )
        student_import = latest_import()
        detail = url("import_detail", a, import_id=student_import.pk)
        assertRedirects(response, detail)
        assert student_import.status == StudentImport.Status.READY
        assert student_import.uploaded_by == a.users["coordinator"]
        assert student_import.file.name.startswith("imports/")
        assert "list" not in student_import.file.name

        preview = client.get(detail)
        assertContains(preview, '<div class="value" id="count-created">4</div>', html=True)
        assertContains(preview, "นำเข้า1")
        assertContains(preview, url("import_confirm", a, import_id=student_import.pk))
        assert "90001" not in students_of(world)  # nothing before confirming

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("import_confirm", a, import_id=student_import.pk))
        assertRedirects(response, detail)
        done = client.get(detail)
        student_import = latest_import()
        assert student_import.status == StudentImport.Status.DONE
        assert student_import.finished is not None
        assert {"90001", "90004"} <= students_of(world).keys()
        with scopes_disabled():
            new_room = Classroom.objects.get(school=a.school, grade=Grade.P6, room=1)
        assertContains(
            done, reverse("classrooms:classroom_detail", args=[a.school.code, new_room.pk])
        )
        assertNotContains(done, url("import_confirm", a, import_id=student_import.pk))
        # Confirming twice does nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("import_confirm", a, import_id=student_import.pk))
        assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1

    def test_bad_file_lists_every_bad_row_and_imports_nothing(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["coordinator"])
        content = csv_bytes(
            [
                student_row(1),
                student_row(2, grade="ป.9"),
                student_row(3, birth_date="วันไหนก็ได้"),
                student_row(4, student_code="90001"),
            ]
        )
        post_file(client, a, world, "bad.csv", content, django_capture_on_commit_callbacks)
        student_import = latest_import()
        assert student_import.status == StudentImport.Status.INVALID
        page = client.get(url("import_detail", a, import_id=student_import.pk))

        rows_html = page.content.decode().split('id="import-errors"')[1]
        for row_number, value, message in (
            (3, "ป.9", th(str(imports.MESSAGES["grade_unknown"]))),
            (4, "วันไหนก็ได้", th(str(imports.MESSAGES["date_unreadable"]))),
            (5, "90001", th(str(imports.MESSAGES["duplicate_code"]), other_row=2)),
        ):
            assert f"<td>{row_number}</td>" in rows_html
            assert value in rows_html
            assert message in rows_html
        assertContains(page, url("import_start", a))
        assertNotContains(page, url("import_confirm", a, import_id=student_import.pk))
        assert "90001" not in students_of(world)
        # Confirming an import with problems is refused.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url("import_confirm", a, import_id=student_import.pk))
        assert latest_import().status == StudentImport.Status.INVALID
        assert "90001" not in students_of(world)

    def test_old_excel_file_is_refused_at_upload(
        self, world, login, django_capture_on_commit_callbacks
    ):
        a = world.a
        client = login(a.users["coordinator"])
        response = post_file(
            client, a, world, "list.xls", b"\xd0\xcf\x11\xe0", django_capture_on_commit_callbacks
        )
        assert response.status_code == 200
        assertContains(response, th(str(imports.MESSAGES["xls"])))
        with scopes_disabled():
            assert not StudentImport.objects.filter(school=a.school).exists()

    def test_running_import_polls_and_refreshes_without_javascript(self, world, login):
        a = world.a
        with scope(school=a.school.pk):
            student_import = StudentImport.objects.create(
                school=a.school,
                academic_year=world.year,
                original_name="s.csv",
                file="imports/x/upload.csv",
                status=StudentImport.Status.VALIDATING,
                progress=40,
            )
        client = login(a.users["coordinator"])
        status_url = url("import_status", a, import_id=student_import.pk)
        page = client.get(url("import_detail", a, import_id=student_import.pk))
        assertContains(page, f'hx-get="{status_url}"')
        assertContains(page, 'hx-trigger="every 1s"')
        assertContains(page, 'hx-swap="outerHTML"')
        assertContains(page, '<meta http-equiv="refresh" content="2">')
        assertContains(page, "40%")

        fragment = client.get(status_url, headers={"HX-Request": "true"})
        assertContains(fragment, 'hx-trigger="every 1s"')
        assert "HX-Redirect" not in fragment

        with scopes_disabled():
            StudentImport.objects.filter(pk=student_import.pk).update(
                status=StudentImport.Status.READY
            )
        fragment = client.get(status_url, headers={"HX-Request": "true"})
        assertNotContains(fragment, "hx-trigger")
        assert fragment["HX-Redirect"] == url("import_detail", a, import_id=student_import.pk)
        page = client.get(url("import_detail", a, import_id=student_import.pk))
        assertNotContains(page, 'http-equiv="refresh"')

    def test_failed_import_offers_a_retry(self, world, login):
        a = world.a
        with scope(school=a.school.pk):
            student_import = StudentImport.objects.create(
                school=a.school,
                academic_year=world.year,
                original_name="s.csv",
                file="imports/x/upload.csv",
                status=StudentImport.Status.FAILED,
                errors=[{"row": None, "field": "", "column": "", "code": "job_failed"}],
            )
        page = login(a.users["coordinator"]).get(
            url("import_detail", a, import_id=student_import.pk)
        )
        assertContains(page, th(str(imports.MESSAGES["job_failed"])))
        assertContains(page, url("import_retry", a, import_id=student_import.pk))

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_template_files_have_the_headers(self, world, login, fmt):
        response = login(world.a.users["coordinator"]).get(url(f"import_template_{fmt}", world.a))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        # The template imports as a file with no students (and no missing columns).
        report = check(world, response.content, filename=f"students.{fmt}")
        assert problems(report) == [(None, "", "empty")]

    @pytest.mark.parametrize("role", ["homeroom", "director", "counsellor"])
    def test_other_roles_get_403(self, world, login, role):
        client = login(world.a.users[role])
        assert client.get(url("import_start", world.a)).status_code == 403
        assert client.get(url("import_template_csv", world.a)).status_code == 403

    def test_other_schools_coordinator_gets_404(self, world, login):
        client = login(world.b.users["coordinator"])
        assert client.get(url("import_start", world.a)).status_code == 404

    def test_another_schools_import_is_not_found(
        self, world, login, django_capture_on_commit_callbacks
    ):
        b = world.b
        client_b = login(b.users["coordinator"])
        post_file(
            client_b, b, world, "b.csv", csv_bytes(rows(1)), django_capture_on_commit_callbacks
        )
        b_import = latest_import()
        client = login(world.a.users["coordinator"])
        for name in ("import_detail", "import_status"):
            assert client.get(url(name, world.a, import_id=b_import.pk)).status_code == 404
        for name in ("import_confirm", "import_retry"):
            assert client.post(url(name, world.a, import_id=b_import.pk)).status_code == 404
        assert latest_import().status == StudentImport.Status.READY

    def test_upload_page_lists_recent_imports_in_a_fixed_number_of_queries(
        self, world, login, django_assert_num_queries
    ):
        a = world.a
        with scope(school=a.school.pk):
            for i in range(5):
                StudentImport.objects.create(
                    school=a.school,
                    academic_year=world.year,
                    uploaded_by=a.users["coordinator"],
                    original_name=f"list{i}.csv",
                    file="imports/x/upload.csv",
                )
        client = login(a.users["coordinator"])
        client.get(url("import_start", a))  # warm the session
        # session, user, memberships, school, academic year, years for the form, recent imports
        with django_assert_num_queries(7):
            response = client.get(url("import_start", a))
        assertContains(response, "list4.csv")
