"""Student import from CSV and XLSX files: the row schema of the import engine (carecore.imports).

The file is the truth for the students it lists: new student codes are created, known ones are
updated, and each listed student is put in the classroom of the file for the academic year.
Students of the school who are not in the file are left alone (and counted).

The engine reads the file, keeps problems as data and applies all or nothing; this module says
what a row holds, how it is checked against the school's students and how it is written.

Public names:
- ``import_check(*, data, filename, school, academic_year, progress=None) -> ImportReport``
- ``import_apply(*, data, filename, school, academic_year, user=None, progress=None,
  on_applied=None, record=None) -> ImportReport`` (all or nothing, one transaction)
- ``STUDENT_IMPORTS``: the import bound to ``StudentImport`` and its jobs (what the views, the
  tasks and ``student_import_create``/``student_import_retry`` call);
- ``error_message(error) -> str``, ``error_column(error)``, ``template_file(fmt)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from carecore.dates import ARABIC_DIGITS
from carecore.imports import engine
from carecore.imports.engine import ParsedFile, Row, RowReader
from carecore.imports.reading import (
    FILE_MESSAGES,
    cell_text,
    check_file_name,  # noqa: F401  (the upload form's check)
    digits_text,
    header_aliases,
    parse_date_cell,
    word_key,
)
from carecore.national_id import national_id_check_digit, normalize_national_id
from schools.models import AcademicYear, Classroom, Grade, School
from students.models import Enrolment, Student, StudentImport

MAX_NUMBER = 999  # room and class numbers

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
HEADER_ALIASES = header_aliases(
    {name: [THAI_HEADERS[name], *others] for name, others in _OTHER_ALIASES.items()}
)

MAX_LENGTH = {
    "student_code": 20,
    "first_name": 100,
    "last_name": 100,
    "nickname": 50,
}

# --- error messages ----------------------------------------------------------------------------
MESSAGES = {
    **FILE_MESSAGES,
    "empty": gettext_lazy("The file has no students in it."),
    # One cell.
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


# --- cells -------------------------------------------------------------------------------------
_PREFIXES = {
    Student.Prefix.BOY: ["ด.ช.", "เด็กชาย", "master"],
    Student.Prefix.GIRL: ["ด.ญ.", "เด็กหญิง"],
    Student.Prefix.MR: ["นาย", "mr"],
    Student.Prefix.MISS: ["นางสาว", "น.ส.", "miss", "ms"],
}
_PREFIX_KEYS = {word_key(name): value for value, names in _PREFIXES.items() for name in names}


def parse_prefix(text: str) -> str | None:
    return _PREFIX_KEYS.get(word_key(text))


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
    return _GENDERS.get(word_key(text))


_GRADE_RE = re.compile(
    r"^(?:ชั้น)?(?P<level>ประถมศึกษาปีที่|ประถมศึกษา|ประถม|ป|p|มัธยมศึกษาปีที่|มัธยมศึกษา|มัธยม|ม|m"
    r"|อนุบาลปีที่|อนุบาล|อ|k|kg)(?P<year>\d)$"
)
_GRADE_BASE = {"p": Grade.P1, "m": Grade.M1, "k": Grade.K1}
_GRADE_YEARS = {"p": 6, "m": 6, "k": 3}


def parse_grade(text: str) -> int | None:
    """ป.4, ป4, ป. 4, ประถมศึกษาปีที่ 4, ม.1, มัธยมศึกษาปีที่ 1, อ.2, อนุบาล 2, P.4, M.1, K2."""
    key = word_key(text.translate(ARABIC_DIGITS))
    match = _GRADE_RE.match(key)
    if not match:
        return None
    level = match.group("level")
    kind = "p" if level[0] in "ปp" else "m" if level[0] in "มm" else "k"
    year = int(match.group("year"))
    if not 1 <= year <= _GRADE_YEARS[kind]:
        return None
    return _GRADE_BASE[kind] + year - 1


parse_birth_date = parse_date_cell


def parse_positive(value) -> int | None:
    text = digits_text(value)
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


# --- one row -----------------------------------------------------------------------------------
_CHOICES = (
    ("prefix", parse_prefix, "prefix_unknown"),
    ("gender", parse_gender, "gender_unknown"),
    ("grade", parse_grade, "grade_unknown"),
)


def _read_texts(parsed: ParsedFile, row: Row, cells: RowReader) -> None:
    for name in ("student_code", "first_name", "last_name", "nickname"):
        if name == "nickname" and name not in parsed.columns:
            continue
        text = cell_text(cells.raw(name))
        if name == "student_code":
            text = text.translate(ARABIC_DIGITS)
        if not text and name != "nickname":
            parsed.problem(row, "required", name, "")
        elif len(text) > MAX_LENGTH[name]:
            parsed.problem(row, "too_long", name, text, max=MAX_LENGTH[name])
        else:
            row.values[name] = text


def _read_national_id(parsed: ParsedFile, row: Row, cells: RowReader) -> None:
    raw = cell_text(cells.raw("national_id"))
    national_id = normalize_national_id(raw.translate(ARABIC_DIGITS))
    if not national_id:
        parsed.problem(row, "required", "national_id", "")
    elif code := national_id_problem(national_id):
        parsed.problem(row, code, "national_id", raw)
    else:
        row.values["national_id"] = national_id


def _read_birth_date(parsed: ParsedFile, row: Row, cells: RowReader, today) -> None:
    raw_date = cells.raw("birth_date")
    if cell_text(raw_date) == "":
        row.values["birth_date"] = None
        return
    born = parse_birth_date(raw_date)
    if born is None:
        parsed.problem(row, "date_unreadable", "birth_date", cell_text(raw_date))
    elif born > today:
        parsed.problem(row, "date_future", "birth_date", cell_text(raw_date))
    else:
        row.values["birth_date"] = born


def _read_numbers(parsed: ParsedFile, row: Row, cells: RowReader) -> None:
    room = parsed.required(
        row, "room", cell_text(cells.raw("room")), parse_positive, "room_invalid", max=MAX_NUMBER
    )
    if room is not None:
        row.values["room"] = room
    text = cell_text(cells.raw("number"))
    if text:
        number = parse_positive(text)
        if number is None:
            parsed.problem(row, "number_invalid", "number", text, max=MAX_NUMBER)
        else:
            row.values["number"] = number


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
    parsed: ParsedFile, state: SchoolState
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
            parsed.problem(row, "number_taken", "number", number, code=taken[key][number])
        elif number in used.get(key, {}):
            parsed.problem(row, "number_duplicate", "number", number, other_row=used[key][number])
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
) -> Plan:
    """Compare the rows with the school's students. Returns the plan; the problems that need
    the database to be seen (national IDs of other students, class numbers taken) are added to
    the file's."""
    for row in parsed.rows:
        national_id = row.values.get("national_id")
        holder = state.code_by_national_id.get(national_id) if national_id else None
        if holder is not None and holder != row.values.get("student_code"):
            parsed.problem(row, "national_id_taken", "national_id", national_id, code=holder)
    wanted, final = _class_numbers(parsed, state)

    plan = Plan(counts=dict.fromkeys(COUNT_KEYS, 0))
    if parsed.errors:
        return plan

    key_of = {c.pk: key for key, c in state.classrooms.items()}
    fields = STUDENT_FIELDS + (["nickname"] if "nickname" in parsed.columns else [])
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
    return plan


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


class StudentSchema(engine.ImportSchema):
    required = REQUIRED
    optional = OPTIONAL
    header_aliases = HEADER_ALIASES
    messages = MESSAGES
    check_reading = 90
    apply_reading = 60
    written_models = (Student, Enrolment, Classroom)

    def message_params(self, params: dict) -> dict:
        if "columns" in params:
            params["columns"] = ", ".join(column_description(c) for c in params["columns"])
        return params

    def error_column(self, error: dict) -> str:
        """The column as the file heads it, or the field's label when the file had none."""
        if error.get("column"):
            return error["column"]
        if error.get("field"):
            return str(FIELD_LABELS[error["field"]])
        return ""

    def parse_state(self) -> dict:
        return {"today": timezone.localdate()}

    def parse_row(self, parsed: ParsedFile, row: Row, cells: RowReader, state: dict) -> None:
        _read_texts(parsed, row, cells)
        _read_national_id(parsed, row, cells)
        for name, parse, unknown in _CHOICES:
            value = parsed.required(row, name, cell_text(cells.raw(name)), parse, unknown)
            if value is not None:
                row.values[name] = value
        _read_birth_date(parsed, row, cells, state["today"])
        _read_numbers(parsed, row, cells)

    def check_rows(self, parsed: ParsedFile) -> None:
        """The same student twice in the file."""
        for name, code in (
            ("student_code", "duplicate_code"),
            ("national_id", "duplicate_national_id"),
        ):
            for row, value, other_row in parsed.repeated(lambda r, name=name: r.values.get(name)):
                parsed.problem(row, code, name, value, other_row=other_row)

    def plan(self, parsed: ParsedFile, *, school: School, academic_year: AcademicYear) -> Plan:
        state = SchoolState.load(school, academic_year)
        return plan_import(parsed, state, school, academic_year)

    def write(self, plan: Plan, *, school, user, progress, academic_year: AcademicYear) -> None:
        _write(plan, academic_year)

    def summary(self, plan: Plan, *, applied: bool, academic_year: AcademicYear) -> dict:
        if not applied:
            return plan.counts
        return {**plan.counts, "classroom_ids": sorted(c.pk for c in plan.classrooms.values())}

    preview_list = "placements"

    def preview_columns(self, p: Placement) -> dict:
        return {
            "grade": p.key[0],
            "room": p.key[1],
            "number": p.number,
            "action": p.action,
        }

    def audit(self, plan: Plan, *, academic_year: AcademicYear) -> tuple[str, dict]:
        counts = plan.counts
        return summary_text(counts), {k: counts.get(k, 0) for k in (*COUNT_KEYS, "not_in_file")}


def room_label(grade, room) -> str:
    """ป.4/1: a grade and room of a preview row."""
    return f"{Grade(grade).label}/{room}" if grade else ""


def summary_text(counts: dict) -> str:
    """12 created, 3 updated, 2 moved…, in the active language (for logs and the audit trail)."""
    return gettext(
        "%(created)s created, %(updated)s updated, %(moved)s moved, %(enrolled)s enrolled, "
        "%(unchanged)s unchanged"
    ) % {k: counts.get(k, 0) for k in ("created", "updated", "moved", "enrolled", "unchanged")}


SCHEMA = StudentSchema()
STUDENT_IMPORTS = engine.Importer(
    SCHEMA, model=StudentImport, period="academic_year", tasks="students.tasks.student_import"
)
import_check = SCHEMA.check
import_apply = SCHEMA.apply
parse_file = SCHEMA.parse_file
error_message = SCHEMA.error_message
error_column = SCHEMA.error_column


def student_import_create(*, school, academic_year, uploaded_by, upload) -> StudentImport:
    """Store the uploaded file and check it in a job."""
    return STUDENT_IMPORTS.create(
        school=school, academic_year=academic_year, uploaded_by=uploaded_by, upload=upload
    )


def student_import_retry(*, student_import: StudentImport) -> bool:
    """Check a failed import's file again; False when it had not failed."""
    return STUDENT_IMPORTS.retry(student_import)


# --- the template file -------------------------------------------------------------------------
def template_headers(thai: bool) -> list[str]:
    return [THAI_HEADERS[f] if thai else f for f in REQUIRED + OPTIONAL]


def template_file(fmt: str, *, thai: bool = True) -> tuple[bytes, str, str]:
    """An empty file with the headers: (content, content type, file name)."""
    columns = REQUIRED + OPTIONAL
    return engine.template_file(
        fmt,
        [template_headers(thai)],
        name="students",
        # Text, so that Excel keeps leading zeros and all 13 digits.
        text_columns=[columns.index("student_code") + 1, columns.index("national_id") + 1],
        text_rows=1000,
        widths={
            i: 20 if name in ("national_id", "first_name") else 14
            for i, name in enumerate(columns, start=1)
        },
    )
