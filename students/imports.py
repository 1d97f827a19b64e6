"""Student import from CSV and XLSX files: reading, checking every row, and applying.

The file is the truth for the students it lists: new student codes are created, known ones are
updated, and each listed student is put in the classroom of the file for the academic year.
Students of the school who are not in the file are left alone (and counted).

Problems are kept as data (row, column, code, value, params) and turned into sentences only when
shown (``error_message``), so that they follow the language of whoever reads them.

Public functions:
- ``import_check(*, data, filename, school, academic_year, progress=None) -> ImportReport``
- ``import_apply(*, data, filename, school, academic_year, user=None, progress=None,
  on_applied=None, record=None) -> ImportReport`` (all or nothing, one transaction)
- ``student_import_validate(*, student_import, progress=None)`` and
  ``student_import_apply(*, student_import, progress=None)``: the same for a ``StudentImport``
  (the bodies of the Celery tasks);
- ``student_import_create``, ``student_import_confirm``, ``student_import_retry``: what the views
  call; they enqueue the tasks after commit;
- ``error_message(error) -> str``, ``template_file(fmt) -> (bytes, content_type, filename)``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from carecore.dates import ARABIC_DIGITS, BE_OFFSET, THAI_MONTHS, THAI_MONTHS_SHORT, parse_date
from carecore.dbstats import analyze_tables_on_commit
from carecore.spreadsheets import csv_bytes, xlsx_bytes, xlsx_row
from schools.models import AcademicYear, Classroom, Grade, School
from students import sheet_reader
from students.models import Enrolment, Student, StudentImport
from students.validators import national_id_check_digit, normalize_national_id

MAX_ROWS = sheet_reader.MAX_ROWS
MAX_NUMBER = 999  # room and class numbers
PREVIEW_ROWS = 20
HEADER_SEARCH_ROWS = sheet_reader.HEADER_SEARCH_ROWS

Progress = Callable[[int], None] | None

# --- columns -----------------------------------------------------------------------------------
REQUIRED = [
    "student_code",
    "national_id",
    "prefix",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "grade",
    "room",
]
OPTIONAL = ["number", "nickname"]

# The Thai header of each column in the OBEC student-data exports, first; other names after.
THAI_HEADERS = {
    "student_code": "เลขประจำตัวนักเรียน",
    "national_id": "เลขประจำตัวประชาชน",
    "prefix": "คำนำหน้าชื่อ",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "gender": "เพศ",
    "birth_date": "วันเกิด",
    "grade": "ชั้น",
    "room": "ห้อง",
    "number": "เลขที่",
    "nickname": "ชื่อเล่น",
}
_OTHER_ALIASES = {
    "student_code": ["รหัสนักเรียน", "student code", "student id"],
    "national_id": ["เลขบัตรประชาชน", "เลขประจำตัวประชาชน 13 หลัก", "national id", "citizen id"],
    "prefix": ["คำนำหน้า", "title"],
    "first_name": ["ชื่อนักเรียน", "first name"],
    "last_name": ["last name", "surname"],
    "gender": ["sex"],
    "birth_date": ["วันเดือนปีเกิด", "วันที่เกิด", "birth date", "date of birth", "birthdate"],
    "grade": ["ระดับชั้น", "class"],
    "room": ["ห้องเรียน"],
    "number": ["no", "class number"],
    "nickname": [],
}

MAX_LENGTH = {
    "student_code": 20,
    "first_name": 100,
    "last_name": 100,
    "nickname": 50,
}


def _header_key(text) -> str:
    """Headers compare without case, spaces, underscores, dashes and dots."""
    text = str(text or "").replace("\ufeff", "").replace("\u200b", "")
    return re.sub(r"[\s_\-.]+", "", text).casefold()


HEADER_ALIASES: dict[str, str] = {}
for _field in REQUIRED + OPTIONAL:
    for _name in [_field, THAI_HEADERS[_field], *_OTHER_ALIASES[_field]]:
        HEADER_ALIASES[_header_key(_name)] = _field


# --- error messages ----------------------------------------------------------------------------
MESSAGES = {
    # The file as a whole.
    "encoding": gettext_lazy(
        "The file cannot be read as text: save it as CSV UTF-8 (or Thai TIS-620) or as an Excel "
        ".xlsx file."
    ),
    "xls": gettext_lazy(
        "Old Excel files (.xls) cannot be read: open the file in Excel and save it as .xlsx or as "
        "CSV UTF-8."
    ),
    "format": gettext_lazy(
        "This kind of file cannot be read: upload a CSV or an Excel .xlsx file."
    ),
    "xlsx_unreadable": gettext_lazy(
        "This Excel file cannot be opened; it may be damaged. Save it again as .xlsx."
    ),
    "empty": gettext_lazy("The file has no students in it."),
    "missing_columns": gettext_lazy("Required columns are missing: %(columns)s."),
    "duplicate_column": gettext_lazy("Two columns have the same meaning: %(columns)s."),
    "too_many_rows": gettext_lazy(
        "The file has more than %(max)s rows: split it into several files."
    ),
    "job_failed": gettext_lazy(
        "The import stopped because of an unexpected error. Nothing was imported; you can try "
        "again."
    ),
    # Limits on what a file may hold.
    **sheet_reader.LIMIT_MESSAGES,
    # One cell.
    "required": gettext_lazy("The value is missing."),
    "too_long": gettext_lazy("The value is too long (at most %(max)s characters)."),
    "national_id_format": gettext_lazy(
        "A national ID has 13 digits (or a G code: G and 12 digits)."
    ),
    "check_digit": gettext_lazy(
        "This national ID is not valid: its last digit does not match the check digit."
    ),
    "prefix_unknown": gettext_lazy("Unknown prefix: use ด.ช., ด.ญ., นาย or นางสาว."),
    "gender_unknown": gettext_lazy("Unknown gender: use ชาย or หญิง (or M or F)."),
    "grade_unknown": gettext_lazy("Unknown grade: write it like ป.4, ม.1 or อ.2."),
    "date_unreadable": gettext_lazy(
        "This date cannot be read: write day/month/year, for example 15/06/2558."
    ),
    "date_future": gettext_lazy("The birth date cannot be in the future."),
    "room_invalid": gettext_lazy("The room must be a whole number from 1 to %(max)s."),
    "number_invalid": gettext_lazy("The class number must be a whole number from 1 to %(max)s."),
    "duplicate_code": gettext_lazy("This student code is also on row %(other_row)s."),
    "duplicate_national_id": gettext_lazy("This national ID is also on row %(other_row)s."),
    "national_id_taken": gettext_lazy(
        "Another student of the school (student code %(code)s) has this national ID."
    ),
    "number_duplicate": gettext_lazy(
        "Row %(other_row)s has the same class number in the same classroom."
    ),
    "number_taken": gettext_lazy(
        "This class number belongs to a student of the classroom who is not in the file "
        "(student code %(code)s)."
    ),
}

FIELD_LABELS = {
    "student_code": gettext_lazy("Student code"),
    "national_id": gettext_lazy("National ID"),
    "prefix": gettext_lazy("Prefix"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "gender": gettext_lazy("Gender"),
    "birth_date": gettext_lazy("Birth date"),
    "grade": gettext_lazy("Grade"),
    "room": gettext_lazy("Room"),
    "number": gettext_lazy("No."),
    "nickname": gettext_lazy("Nickname"),
}


def column_description(field_name: str) -> str:
    """student_code (เลขประจำตัวนักเรียน): how a column may be headed."""
    return f"{field_name} ({THAI_HEADERS[field_name]})"


def error_message(error: dict) -> str:
    """The sentence for a stored problem, in the active language."""
    template = MESSAGES.get(error.get("code"), MESSAGES["job_failed"])
    params = dict(error.get("params") or {})
    if "columns" in params:
        params["columns"] = ", ".join(column_description(c) for c in params["columns"])
    text = str(template)
    return text % params if params else text


def error_column(error: dict) -> str:
    """The column as the file heads it, or the field's label when the file had no such header."""
    if error.get("column"):
        return error["column"]
    if error.get("field"):
        return str(FIELD_LABELS[error["field"]])
    return ""


def _error(code, /, *, row=None, field_name="", column="", value="", **params) -> dict:
    return {
        "row": row,
        "field": field_name,
        "column": column,
        "code": code,
        "value": "" if value is None else str(value)[:200],
        "params": params,
    }


class ImportFileError(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.error = _error(code, **params)


# --- reading -----------------------------------------------------------------------------------
# The file is read, within the limits on what it may hold, in students.sheet_reader (shared with
# the screening import).
Sheet = sheet_reader.Sheet


def check_file_name(filename: str) -> str | None:
    """The error code for a file name that cannot be an import file, or None."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext == "xls":
        return "xls"
    if ext not in ("csv", "txt", "tsv", "xlsx", "xlsm"):
        return "format"
    return None


def read_sheet(data: bytes, filename: str) -> Sheet:
    try:
        return sheet_reader.read_sheet(data, filename)
    except sheet_reader.FileRefused as exc:
        raise ImportFileError(exc.code, row=exc.row, column=exc.column, **exc.params) from None


# --- cells -------------------------------------------------------------------------------------
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None, "\xa0": " "})


def cell_text(value) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores IDs and codes as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return " ".join(str(value).translate(_INVISIBLE).split())


_PREFIXES = {
    Student.Prefix.BOY: ["ด.ช.", "เด็กชาย", "master"],
    Student.Prefix.GIRL: ["ด.ญ.", "เด็กหญิง"],
    Student.Prefix.MR: ["นาย", "mr"],
    Student.Prefix.MISS: ["นางสาว", "น.ส.", "miss", "ms"],
}
_PREFIX_KEYS = {
    re.sub(r"[\s.]", "", name).casefold(): value
    for value, names in _PREFIXES.items()
    for name in names
}


def parse_prefix(text: str) -> str | None:
    return _PREFIX_KEYS.get(re.sub(r"[\s.]", "", text).casefold())


_GENDERS = {
    "ชาย": Student.Gender.MALE,
    "ช": Student.Gender.MALE,
    "m": Student.Gender.MALE,
    "male": Student.Gender.MALE,
    "หญิง": Student.Gender.FEMALE,
    "ญ": Student.Gender.FEMALE,
    "f": Student.Gender.FEMALE,
    "female": Student.Gender.FEMALE,
}


def parse_gender(text: str) -> str | None:
    return _GENDERS.get(re.sub(r"[\s.]", "", text).casefold())


_GRADE_RE = re.compile(
    r"^(?:ชั้น)?(?P<level>ประถมศึกษาปีที่|ประถมศึกษา|ประถม|ป|p|มัธยมศึกษาปีที่|มัธยมศึกษา|มัธยม|ม|m"
    r"|อนุบาลปีที่|อนุบาล|อ|k|kg)(?P<year>\d)$"
)
_GRADE_BASE = {"p": Grade.P1, "m": Grade.M1, "k": Grade.K1}
_GRADE_YEARS = {"p": 6, "m": 6, "k": 3}


def parse_grade(text: str) -> int | None:
    """ป.4, ป4, ป. 4, ประถมศึกษาปีที่ 4, ม.1, มัธยมศึกษาปีที่ 1, อ.2, อนุบาล 2, P.4, M.1, K2."""
    key = re.sub(r"[\s.]", "", text.translate(ARABIC_DIGITS)).casefold()
    match = _GRADE_RE.match(key)
    if not match:
        return None
    level = match.group("level")
    kind = "p" if level[0] in "ปp" else "m" if level[0] in "มm" else "k"
    year = int(match.group("year"))
    if not 1 <= year <= _GRADE_YEARS[kind]:
        return None
    return _GRADE_BASE[kind] + year - 1


_MONTH_NAMES = {
    re.sub(r"[\s.]", "", name): i + 1
    for names in (THAI_MONTHS, THAI_MONTHS_SHORT)
    for i, name in enumerate(names)
}
_THAI_DATE_RE = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})$")


def parse_birth_date(value) -> datetime.date | None:
    """A date cell: an Excel date (CE, or BE when someone typed a BE year into a date cell),
    or text in BE, CE, ISO, Thai digits, or with a Thai month name (15 มิ.ย. 2558)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if value.year >= 2400:
            try:
                return value.replace(year=value.year - BE_OFFSET)
            except ValueError:
                return None
        return value
    text = cell_text(value)
    parsed = parse_date(text)
    if parsed:
        return parsed
    match = _THAI_DATE_RE.match(text.translate(ARABIC_DIGITS))
    if match:
        month = _MONTH_NAMES.get(re.sub(r"[\s.]", "", match.group(2)))
        year = int(match.group(3))
        if month:
            try:
                return datetime.date(
                    year - BE_OFFSET if year >= 2400 else year, month, int(match.group(1))
                )
            except ValueError:
                return None
    return None


def parse_positive(value) -> int | None:
    text = cell_text(value).translate(ARABIC_DIGITS)
    if not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_NUMBER else None


def national_id_problem(value: str) -> str | None:
    if len(value) != 13 or not (value.isdigit() or (value[0] == "G" and value[1:].isdigit())):
        return "national_id_format"
    if value.isdigit() and national_id_check_digit(value[:12]) != int(value[12]):
        return "check_digit"
    return None


# --- checking rows -----------------------------------------------------------------------------
@dataclass
class Row:
    """One student row: the values that could be read; ``ok`` when the whole row is good."""

    row: int
    values: dict = field(default_factory=dict)
    ok: bool = True


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e["row"] for e in self.errors if e["row"] is not None})


@dataclass
class ParsedFile:
    rows: list[Row]
    errors: list[dict]
    has_number: bool = False
    has_nickname: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # field -> header in the file


def _map_header(cells: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = HEADER_ALIASES.get(_header_key(cell_text(cell)))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def _find_header(sheet: Sheet) -> tuple[int, list, dict[str, int]]:
    """The header row: the first of the first rows that names at least three known columns
    (exports often have a title row or two above it)."""
    first = None
    for position, (_n, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if not any(cell_text(c) for c in cells):
            continue
        if first is None:
            first = position
        mapping = _map_header(cells)
        if len(mapping) >= 3:
            return position, cells, mapping
    if first is None:
        raise ImportFileError("empty")
    cells = sheet.rows[first][1]
    return first, cells, _map_header(cells)


def parse_file(data: bytes, filename: str, progress: Progress = None) -> ParsedFile:
    """Read the file and check each row on its own (no database)."""
    try:
        sheet = read_sheet(data, filename)
        position, header, mapping = _find_header(sheet)
    except ImportFileError as exc:
        return ParsedFile(rows=[], errors=[exc.error])
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        return ParsedFile(rows=[], errors=[_error("missing_columns", columns=missing)])
    seen: dict[str, list[str]] = {}
    for cell in header:
        name = HEADER_ALIASES.get(_header_key(cell_text(cell)))
        if name:
            seen.setdefault(name, []).append(cell_text(cell))
    doubled = [f for f, heads in seen.items() if len(heads) > 1]
    if doubled:
        return ParsedFile(rows=[], errors=[_error("duplicate_column", columns=doubled)])
    body = [
        (n, cells) for n, cells in sheet.rows[position + 1 :] if any(cell_text(c) for c in cells)
    ]
    if not body:
        return ParsedFile(rows=[], errors=[_error("empty")])
    if len(body) > MAX_ROWS:
        return ParsedFile(rows=[], errors=[_error("too_many_rows", max=MAX_ROWS)])
    columns = {f: cell_text(header[i]) for f, i in mapping.items()}
    parsed = ParsedFile(
        rows=[],
        errors=[],
        has_number="number" in mapping,
        has_nickname="nickname" in mapping,
        columns=columns,
    )
    today = timezone.localdate()
    step = max(1, len(body) // 20)
    for count, (n, cells) in enumerate(body):
        if progress and count % step == 0:
            progress(count * 100 // len(body))
        row = Row(row=n)

        def get(name, cells=cells):
            index = mapping.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        def problem(code, name, value, row=row, **params):
            row.ok = False
            parsed.errors.append(
                _error(
                    code, row=row.row, field_name=name, column=columns[name], value=value, **params
                )
            )

        for name in ("student_code", "first_name", "last_name", "nickname"):
            if name == "nickname" and name not in mapping:
                continue
            text = cell_text(get(name))
            if name == "student_code":
                text = text.translate(ARABIC_DIGITS)
            if not text and name != "nickname":
                problem("required", name, "")
            elif len(text) > MAX_LENGTH[name]:
                problem("too_long", name, text, max=MAX_LENGTH[name])
            else:
                row.values[name] = text

        raw = cell_text(get("national_id"))
        national_id = normalize_national_id(raw.translate(ARABIC_DIGITS))
        if not national_id:
            problem("required", "national_id", "")
        elif code := national_id_problem(national_id):
            problem(code, "national_id", raw)
        else:
            row.values["national_id"] = national_id

        for name, parse, unknown in (
            ("prefix", parse_prefix, "prefix_unknown"),
            ("gender", parse_gender, "gender_unknown"),
            ("grade", parse_grade, "grade_unknown"),
        ):
            text = cell_text(get(name))
            value = parse(text) if text else None
            if not text:
                problem("required", name, "")
            elif value is None:
                problem(unknown, name, text)
            else:
                row.values[name] = value

        raw_date = get("birth_date")
        if cell_text(raw_date) == "":
            row.values["birth_date"] = None
        else:
            born = parse_birth_date(raw_date)
            if born is None:
                problem("date_unreadable", "birth_date", cell_text(raw_date))
            elif born > today:
                problem("date_future", "birth_date", cell_text(raw_date))
            else:
                row.values["birth_date"] = born

        text = cell_text(get("room"))
        room = parse_positive(text)
        if not text:
            problem("required", "room", "")
        elif room is None:
            problem("room_invalid", "room", text, max=MAX_NUMBER)
        else:
            row.values["room"] = room

        text = cell_text(get("number"))
        if text:
            number = parse_positive(text)
            if number is None:
                problem("number_invalid", "number", text, max=MAX_NUMBER)
            else:
                row.values["number"] = number
        parsed.rows.append(row)

    # The same student twice in the file.
    for name, code in (
        ("student_code", "duplicate_code"),
        ("national_id", "duplicate_national_id"),
    ):
        first_row: dict[str, int] = {}
        for row in parsed.rows:
            value = row.values.get(name)
            if value is None:
                continue
            if value in first_row:
                row.ok = False
                parsed.errors.append(
                    _error(
                        code,
                        row=row.row,
                        field_name=name,
                        column=columns[name],
                        value=value,
                        other_row=first_row[value],
                    )
                )
            else:
                first_row[value] = row.row
    if progress:
        progress(100)
    return parsed


# --- planning against the database -------------------------------------------------------------
STUDENT_FIELDS = ["national_id", "prefix", "first_name", "last_name", "gender", "birth_date"]


Key = tuple[int, int]  # (grade, room)


@dataclass
class SchoolState:
    """The school's students, and its classrooms and enrolments of the academic year."""

    students_by_code: dict[str, Student]
    code_by_national_id: dict[str, str]
    classrooms: dict[Key, Classroom]
    enrolments: dict[int, Enrolment]  # student id -> enrolment of the year

    @classmethod
    def load(cls, school: School, academic_year: AcademicYear) -> SchoolState:
        students = list(Student.objects.filter(school=school))
        classrooms = {
            (c.grade, c.room): c
            for c in Classroom.objects.filter(school=school, academic_year=academic_year)
        }
        enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(classroom__school=school, academic_year=academic_year)
        }
        return cls(
            students_by_code={s.student_code: s for s in students},
            code_by_national_id={s.national_id: s.student_code for s in students},
            classrooms=classrooms,
            enrolments=enrolments,
        )


@dataclass
class Placement:
    row: Row
    student: Student
    key: Key
    number: int
    enrolment: Enrolment | None
    action: str = "unchanged"


@dataclass
class Plan:
    """What applying the file does."""

    new_students: list[Student] = field(default_factory=list)
    changed_students: list[Student] = field(default_factory=list)
    classrooms: dict[Key, Classroom] = field(default_factory=dict)  # every room of the file
    new_classrooms: list[Classroom] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


COUNT_KEYS = ("created", "updated", "moved", "enrolled", "unchanged", "classrooms_created")


def _class_numbers(
    parsed: ParsedFile, state: SchoolState, problem
) -> tuple[list[tuple[Row, Key, Enrolment | None]], dict[int, int]]:
    """Each row's class number (เลขที่): the one in the file; else the student keeps theirs when
    they stay in the room; else the next one after the room's last. Numbers of students who are
    not in the file stay theirs."""
    key_of = {c.pk: key for key, c in state.classrooms.items()}
    file_codes = {r.values["student_code"] for r in parsed.rows if "student_code" in r.values}
    taken: dict[Key, dict[int, str]] = {}
    code_of = {s.pk: code for code, s in state.students_by_code.items()}
    for enrolment in state.enrolments.values():
        code = code_of.get(enrolment.student_id)
        if code is not None and code not in file_codes:
            taken.setdefault(key_of[enrolment.classroom_id], {})[enrolment.number] = code

    used: dict[Key, dict[int, int]] = {}  # room -> number -> row
    wanted: list[tuple[Row, Key, Enrolment | None]] = []
    final: dict[int, int] = {}  # row -> number
    for row in parsed.rows:
        if "grade" not in row.values or "room" not in row.values:
            continue
        key = (row.values["grade"], row.values["room"])
        student = state.students_by_code.get(row.values.get("student_code"))
        wanted.append((row, key, state.enrolments.get(student.pk) if student else None))
        number = row.values.get("number")
        if number is None:
            continue
        if number in taken.get(key, {}):
            problem(row, "number_taken", "number", number, code=taken[key][number])
        elif number in used.get(key, {}):
            problem(row, "number_duplicate", "number", number, other_row=used[key][number])
        else:
            used.setdefault(key, {})[number] = row.row
            final[row.row] = number
    for row, key, enrolment in wanted:
        if row.row in final or "number" in row.values or enrolment is None:
            continue
        stays = key_of.get(enrolment.classroom_id) == key
        if stays and enrolment.number not in used.get(key, {}):
            used.setdefault(key, {})[enrolment.number] = row.row
            final[row.row] = enrolment.number
    for row, key, _enrolment in wanted:
        if row.row in final or "number" in row.values:
            continue
        number = max([*used.get(key, {}), *taken.get(key, {})], default=0) + 1
        used.setdefault(key, {})[number] = row.row
        final[row.row] = number
    return wanted, final


def plan_import(
    parsed: ParsedFile, state: SchoolState, school: School, academic_year: AcademicYear
) -> tuple[Plan, list[dict]]:
    """Compare the rows with the school's students. Returns the plan and the problems that need
    the database to be seen (national IDs of other students, class numbers taken)."""
    errors: list[dict] = []

    def problem(row, code, name, value, /, **params):
        row.ok = False
        errors.append(_error(code, row=row.row, field_name=name, value=value, **params))

    for row in parsed.rows:
        national_id = row.values.get("national_id")
        holder = state.code_by_national_id.get(national_id) if national_id else None
        if holder is not None and holder != row.values.get("student_code"):
            problem(row, "national_id_taken", "national_id", national_id, code=holder)
    wanted, final = _class_numbers(parsed, state, problem)

    plan = Plan(counts=dict.fromkeys(COUNT_KEYS, 0))
    if errors or parsed.errors:
        return plan, errors

    key_of = {c.pk: key for key, c in state.classrooms.items()}
    fields = STUDENT_FIELDS + (["nickname"] if parsed.has_nickname else [])
    counts = plan.counts
    for row, key, enrolment in wanted:
        values = row.values
        if key not in plan.classrooms:
            classroom = state.classrooms.get(key)
            if classroom is None:
                classroom = Classroom(
                    school=school, academic_year=academic_year, grade=key[0], room=key[1]
                )
                plan.new_classrooms.append(classroom)
            plan.classrooms[key] = classroom
        student = state.students_by_code.get(values["student_code"])
        placement = Placement(row, student, key, final[row.row], enrolment)
        if student is None:
            placement.student = Student(
                school=school,
                student_code=values["student_code"],
                nickname=values.get("nickname", ""),
                **{f: values[f] for f in STUDENT_FIELDS},
            )
            plan.new_students.append(placement.student)
            counts["created"] += 1
            placement.action = "new"
        else:
            changed = [f for f in fields if getattr(student, f) != values[f]]
            for f in changed:
                setattr(student, f, values[f])
            if changed:
                plan.changed_students.append(student)
            if enrolment is None:
                placement.action = "enrolled"
            elif key_of.get(enrolment.classroom_id) != key:
                placement.action = "moved"
            elif changed or enrolment.number != placement.number:
                placement.action = "updated"
            if changed or (placement.action == "updated"):
                counts["updated"] += 1
            if placement.action in ("enrolled", "moved"):
                counts[placement.action] += 1
            if placement.action == "unchanged":
                counts["unchanged"] += 1
        plan.placements.append(placement)
    counts["classrooms_created"] = len(plan.new_classrooms)
    file_codes = {r.values["student_code"] for r in parsed.rows}
    counts["not_in_file"] = sum(1 for code in state.students_by_code if code not in file_codes)
    return plan, errors


def _preview(plan: Plan) -> list[dict]:
    return [
        {
            "row": p.row.row,
            "student_code": p.student.student_code,
            "name": p.student.full_name,
            "grade": p.key[0],
            "room": p.key[1],
            "number": p.number,
            "action": p.action,
        }
        for p in plan.placements[:PREVIEW_ROWS]
    ]


def _sorted(errors: Iterable[dict]) -> list[dict]:
    order = {name: i for i, name in enumerate(REQUIRED + OPTIONAL)}
    return sorted(errors, key=lambda e: (e["row"] or 0, order.get(e["field"], -1), e["code"]))


def _fill_columns(parsed: ParsedFile, errors: list[dict]) -> None:
    """Problems found against the database carry the file's header like the others."""
    for e in errors:
        if not e["column"] and e["field"]:
            e["column"] = parsed.columns.get(e["field"], "")


def _scaled(progress: Progress, start: int, end: int) -> Progress:
    if progress is None:
        return None
    return lambda pct: progress(start + (end - start) * pct // 100)


def _plan(parsed, school, academic_year) -> tuple[SchoolState, Plan, list[dict]]:
    state = SchoolState.load(school, academic_year)
    plan, db_errors = plan_import(parsed, state, school, academic_year)
    _fill_columns(parsed, db_errors)
    return state, plan, _sorted(parsed.errors + db_errors)


def import_check(
    *,
    data: bytes,
    filename: str,
    school: School,
    academic_year: AcademicYear,
    progress: Progress = None,
) -> ImportReport:
    """Read and check the file against the school's students; change nothing."""
    parsed = parse_file(data, filename, _scaled(progress, 0, 90))
    report = ImportReport(rows=len(parsed.rows))
    if not parsed.rows:
        report.errors = parsed.errors
        return report
    _state, plan, report.errors = _plan(parsed, school, academic_year)
    if report.ok:
        report.summary = plan.counts
        report.preview = _preview(plan)
    if progress:
        progress(100)
    return report


def import_apply(
    *,
    data: bytes,
    filename: str,
    school: School,
    academic_year: AcademicYear,
    user=None,
    progress: Progress = None,
    on_applied: Callable[[ImportReport], None] | None = None,
    record=None,
) -> ImportReport:
    """Check the file and, when every row is good, apply it in one transaction: all or nothing.

    With any problem nothing is written and the report lists every problem. ``on_applied`` runs
    inside the transaction after the writes (to record the outcome atomically with them);
    ``record`` is the object the audit event names (the ``StudentImport``)."""
    parsed = parse_file(data, filename, _scaled(progress, 0, 60))
    report = ImportReport(rows=len(parsed.rows))
    if not parsed.rows:
        report.errors = parsed.errors
        return report
    if parsed.errors:
        # Nothing will be written; the database is still asked, to report every problem.
        _state, _plan_unused, report.errors = _plan(parsed, school, academic_year)
        return report
    with transaction.atomic():
        # One import at a time per school: a second one waits here for the first to finish.
        list(School.objects.select_for_update().filter(pk=school.pk).values_list("pk"))
        _state, plan, report.errors = _plan(parsed, school, academic_year)
        if not report.ok:
            return report
        _write(plan, academic_year)
        # Fresh statistics for the planner once the rows are committed (carecore/dbstats.py).
        analyze_tables_on_commit([Student, Enrolment, Classroom], rows=report.rows)
        report.summary = {
            **plan.counts,
            "classroom_ids": sorted(c.pk for c in plan.classrooms.values()),
        }
        report.preview = _preview(plan)
        _audit(school=school, user=user, counts=plan.counts, record=record)
        if on_applied:
            on_applied(report)
    if progress:
        progress(100)
    return report


BATCH = 1000
PARKING = 10000  # above every real class number


def _write(plan: Plan, academic_year: AcademicYear) -> None:
    """The plan into the database, with a fixed number of queries whatever the number of rows."""
    if plan.new_classrooms:
        Classroom.objects.bulk_create(plan.new_classrooms)
    if plan.new_students:
        Student.objects.bulk_create(plan.new_students, batch_size=BATCH)
    if plan.changed_students:
        now = timezone.now()
        for student in plan.changed_students:
            student.modified = now
        Student.objects.bulk_update(
            plan.changed_students, [*STUDENT_FIELDS, "nickname", "modified"], batch_size=BATCH
        )
    new_enrolments: list[Enrolment] = []
    changed: list[tuple[Enrolment, int, int]] = []
    for p in plan.placements:
        classroom_id = plan.classrooms[p.key].pk
        if p.enrolment is None:
            new_enrolments.append(
                Enrolment(
                    student=p.student,
                    classroom_id=classroom_id,
                    academic_year=academic_year,
                    number=p.number,
                )
            )
        elif p.enrolment.classroom_id != classroom_id or p.enrolment.number != p.number:
            changed.append((p.enrolment, classroom_id, p.number))
    if changed:
        # Class numbers are unique per room: park the enrolments that change on numbers nobody
        # uses first, so that students who swap numbers or rooms never collide on the way.
        for i, (enrolment, _classroom_id, _number) in enumerate(changed):
            enrolment.number = PARKING + i
        enrolments = [e for e, _c, _n in changed]
        Enrolment.objects.bulk_update(enrolments, ["number"], batch_size=BATCH)
        for enrolment, classroom_id, number in changed:
            enrolment.classroom_id = classroom_id
            enrolment.number = number
        Enrolment.objects.bulk_update(enrolments, ["classroom", "number"], batch_size=BATCH)
    if new_enrolments:
        Enrolment.objects.bulk_create(new_enrolments, batch_size=BATCH)


def summary_text(counts: dict) -> str:
    """12 created, 3 updated, 2 moved…, in the active language (for logs and the audit trail)."""
    return gettext(
        "%(created)s created, %(updated)s updated, %(moved)s moved, %(enrolled)s enrolled, "
        "%(unchanged)s unchanged"
    ) % {k: counts.get(k, 0) for k in ("created", "updated", "moved", "enrolled", "unchanged")}


def _audit(*, school: School, user, counts: dict, record=None) -> None:
    from carecore.audit import audit_record
    from carecore.models import AuditEvent

    audit_record(
        action=AuditEvent.Action.IMPORT,
        user=user,
        school=school,
        obj=record,
        summary=summary_text(counts),
        changes={k: counts.get(k, 0) for k in (*COUNT_KEYS, "not_in_file")},
    )


# --- the import as a job -----------------------------------------------------------------------
def progress_writer(record, step: int = 5) -> Callable[[int], None]:
    """Write the progress to an import's row (a student or a screening import), at most every
    ``step`` percent."""
    last = record.progress

    def write(pct: int) -> None:
        nonlocal last
        pct = max(0, min(100, int(pct)))
        if pct >= last + step or (pct == 100 and last != 100):
            last = pct
            record.progress = pct
            type(record).objects.filter(pk=record.pk).update(progress=pct)

    return write


def record_applied(record, report) -> None:
    """An import's rows are written (called inside the writing transaction; ``report`` is the
    ImportReport of either import): the record is done, and its school's dashboard figures are
    refreshed by a job (bulk writes fire no signals)."""
    from dashboards.rollups import school_changed

    record.status = record.Status.DONE
    record.row_count = report.rows
    record.summary = {**report.summary, "preview": report.preview}
    record.errors = []
    record.progress = 100
    record.finished = timezone.now()
    record.save()
    school_changed(record.school_id)


def record_invalid(record, report) -> None:
    """The school's data changed since the check: nothing was imported; the rows say why."""
    record.status = record.Status.INVALID
    record.errors = report.errors
    record.summary = {}
    record.progress = 100
    record.finished = timezone.now()
    record.save()


def import_file_data(record) -> bytes:
    """The uploaded file of an import (a student or a screening import)."""
    with record.file.open("rb") as f:
        return f.read()


def _enqueue(task, pk: int) -> None:
    transaction.on_commit(lambda: task.delay(pk))


def student_import_create(
    *, school: School, academic_year: AcademicYear, uploaded_by, upload
) -> StudentImport:
    """Store the uploaded file and check it in a job."""
    from students.tasks import student_import_validate_task

    student_import = StudentImport(
        school=school,
        academic_year=academic_year,
        uploaded_by=uploaded_by,
        original_name=str(upload.name)[-255:],
    )
    student_import.file.save(upload.name, upload, save=False)
    student_import.save()
    _enqueue(student_import_validate_task, student_import.pk)
    return student_import


def student_import_validate(
    *, student_import: StudentImport, progress: Progress = None
) -> StudentImport:
    """Check the stored file (the body of the validation job)."""
    Status = StudentImport.Status
    if student_import.status not in (Status.UPLOADED, Status.VALIDATING):
        return student_import  # a job delivered twice
    student_import.status = Status.VALIDATING
    student_import.progress = 0
    student_import.save(update_fields=["status", "progress"])
    report = import_check(
        data=import_file_data(student_import),
        filename=student_import.original_name,
        school=student_import.school,
        academic_year=student_import.academic_year,
        progress=progress or progress_writer(student_import),
    )
    student_import.row_count = report.rows
    student_import.errors = report.errors
    student_import.summary = {**report.summary, "preview": report.preview} if report.ok else {}
    student_import.status = Status.READY if report.ok else Status.INVALID
    student_import.progress = 100
    student_import.finished = None if report.ok else timezone.now()
    student_import.save()
    return student_import


def student_import_confirm(*, student_import: StudentImport, user=None) -> bool:
    """Start the import of a checked file; False when it is not ready (already started)."""
    from students.tasks import student_import_apply_task

    Status = StudentImport.Status
    started = StudentImport.objects.filter(pk=student_import.pk, status=Status.READY).update(
        status=Status.IMPORTING, progress=0, confirmed_by=user
    )
    if started:
        _enqueue(student_import_apply_task, student_import.pk)
    return bool(started)


def student_import_apply(*, student_import: StudentImport, progress: Progress = None):
    """Apply a confirmed import (the body of the import job)."""
    Status = StudentImport.Status
    if student_import.status != Status.IMPORTING:
        return student_import  # a job delivered twice

    report = import_apply(
        data=import_file_data(student_import),
        filename=student_import.original_name,
        school=student_import.school,
        academic_year=student_import.academic_year,
        user=student_import.confirmed_by or student_import.uploaded_by,
        progress=progress or progress_writer(student_import),
        on_applied=lambda report: record_applied(student_import, report),
        record=student_import,
    )
    if not report.ok:
        record_invalid(student_import, report)
    return student_import


def student_import_fail(*, import_id: int, exc: BaseException) -> None:
    """Mark an import whose job broke; it can be retried."""
    StudentImport.objects.filter(pk=import_id).update(
        status=StudentImport.Status.FAILED,
        errors=[_error("job_failed", value=type(exc).__name__)],
        finished=timezone.now(),
    )


def student_import_retry(*, student_import: StudentImport) -> bool:
    """Check a failed import's file again; False when it had not failed."""
    from students.tasks import student_import_validate_task

    Status = StudentImport.Status
    restarted = StudentImport.objects.filter(pk=student_import.pk, status=Status.FAILED).update(
        status=Status.VALIDATING, progress=0, errors=[], summary={}, finished=None
    )
    if restarted:
        _enqueue(student_import_validate_task, student_import.pk)
    return bool(restarted)


# --- the template file -------------------------------------------------------------------------
def template_headers(thai: bool) -> list[str]:
    return [THAI_HEADERS[f] if thai else f for f in REQUIRED + OPTIONAL]


def template_file(fmt: str, *, thai: bool = True) -> tuple[bytes, str, str]:
    """An empty file with the headers: (content, content type, file name)."""
    headers = template_headers(thai)
    if fmt == "csv":
        # The BOM makes Excel open UTF-8 Thai correctly; text never as a formula.
        return csv_bytes([headers]), "text/csv; charset=utf-8", "students.csv"
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "students"
    sheet.append(xlsx_row(sheet, headers))
    for i, name in enumerate(REQUIRED + OPTIONAL, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = 20 if name in ("national_id", "first_name") else 14
        if name in ("student_code", "national_id"):
            # Text, so that Excel keeps leading zeros and all 13 digits.
            for row in range(2, 1002):
                sheet.cell(row=row, column=i).number_format = "@"
    return (
        xlsx_bytes(workbook),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "students.xlsx",
    )
