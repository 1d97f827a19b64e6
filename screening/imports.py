"""Importing SDQ answers collected on paper or with Google Forms (CSV or XLSX).

One row is one form: ``student_code``, ``rater`` (teacher, parent or student), ``q1`` … ``q25``
(0, 1 or 2) and, optionally, the impact supplement (``impact_difficulties`` … ``impact_burden``,
0 to 3). The import is all or nothing: when any row has a problem nothing is written and every
problem is listed with its row, column and a message. An imported row replaces the student's
form of that rater for the term (the preview says how many are new and how many replace one).

Problems are kept as data (row, column, code, value, params) and turned into sentences only when
shown (``error_message``), so that they follow the language of whoever reads them. Files are read
with the student import's reader (UTF-8 with or without BOM, TIS-620/cp874, XLSX).

Public functions:
- ``import_check(*, data, filename, school, term, progress=None) -> ImportReport``
- ``import_apply(*, data, filename, school, term, user=None, progress=None, on_applied=None,
  record=None) -> ImportReport`` (all or nothing, one transaction)
- ``screening_import_create``, ``screening_import_validate``, ``screening_import_confirm``,
  ``screening_import_apply``, ``screening_import_retry``, ``screening_import_fail``: the same for
  a stored ``ScreeningImport`` (what the views and the jobs call);
- ``error_message(error)``, ``error_column(error)``, ``template_file(fmt)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from carecore.dates import ARABIC_DIGITS
from carecore.dbstats import analyze_tables_on_commit
from carecore.spreadsheets import csv_bytes, xlsx_bytes, xlsx_row
from schools.models import Grade, School, Term
from screening import scoring
from screening.models import CareGroup, Rater, ScreeningImport, SdqResponse, Source
from students import sheet_reader
from students.imports import (
    ImportFileError,
    Sheet,
    cell_text,
    import_file_data,
    progress_writer,
    read_sheet,
    record_applied,
    record_invalid,
)
from students.models import Enrolment, Student

MAX_ROWS = sheet_reader.MAX_ROWS
PREVIEW_ROWS = 20
HEADER_SEARCH_ROWS = sheet_reader.HEADER_SEARCH_ROWS
ITEMS = 25

Progress = Callable[[int], None] | None

# --- columns -----------------------------------------------------------------------------------
ANSWER_COLUMNS = [f"q{i}" for i in range(1, ITEMS + 1)]
REQUIRED = ["student_code", "rater", *ANSWER_COLUMNS]
# The impact supplement, in the order of the paper form; the column is ``impact_<field>``.
IMPACT_FIELDS = [
    "difficulties",
    "chronicity",
    "distress",
    "home",
    "friendships",
    "classroom",
    "leisure",
    "peers",
    "burden",
]
IMPACT_COLUMNS = [f"impact_{name}" for name in IMPACT_FIELDS]
IMPACT_GATE = "difficulties"
# The columns of an export (screening.exports): scores are always computed again from the
# answers, so these are accepted and ignored, and an export with answers imports as it is.
SCORE_COLUMNS = [
    "emotional",
    "conduct",
    "hyperactivity",
    "peer",
    "prosocial",
    "total",
    "emotional_band",
    "conduct_band",
    "hyperactivity_band",
    "peer_band",
    "total_band",
    "prosocial_band",
    "criteria_version",
    "impact",
    "impact_band",
]

# Raters as written in files: the codes, and the Thai words.
RATER_ALIASES = {
    "teacher": Rater.TEACHER,
    "t": Rater.TEACHER,
    "ครู": Rater.TEACHER,
    "ครูประจำชั้น": Rater.TEACHER,
    "parent": Rater.PARENT,
    "p": Rater.PARENT,
    "ผู้ปกครอง": Rater.PARENT,
    "student": Rater.STUDENT,
    "s": Rater.STUDENT,
    "self": Rater.STUDENT,
    "นักเรียน": Rater.STUDENT,
    "ตนเอง": Rater.STUDENT,
}


def _header_key(text) -> str:
    """Headers compare without case, spaces, underscores, dashes and dots."""
    text = str(text or "").replace("\ufeff", "").replace("\u200b", "")
    return re.sub(r"[\s_\-.]+", "", text).casefold()


HEADER_ALIASES: dict[str, str] = {}
for _name in REQUIRED + IMPACT_COLUMNS:
    HEADER_ALIASES[_header_key(_name)] = _name
for _i in range(1, ITEMS + 1):
    HEADER_ALIASES[_header_key(f"ข้อ {_i}")] = f"q{_i}"
    HEADER_ALIASES[_header_key(f"item {_i}")] = f"q{_i}"
for _name, _aliases in {
    "student_code": ["เลขประจำตัวนักเรียน", "รหัสนักเรียน", "student id"],
    "rater": ["ผู้ประเมิน"],
}.items():
    for _alias in _aliases:
        HEADER_ALIASES[_header_key(_alias)] = _name
IGNORED_HEADERS = {_header_key(name) for name in SCORE_COLUMNS}


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
    "empty": gettext_lazy("The file has no answers in it."),
    "missing_columns": gettext_lazy("Required columns are missing: %(columns)s."),
    "unknown_columns": gettext_lazy(
        "Unknown columns: %(columns)s. Use the headers of the template file."
    ),
    "unnamed_column": gettext_lazy("Column %(number)s has values but no header."),
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
    # One row or cell.
    "required": gettext_lazy("The value is missing."),
    "student_unknown": gettext_lazy("No student of this school has this student code."),
    "not_enrolled": gettext_lazy(
        "This student is not in a classroom of the school in academic year %(year)s."
    ),
    "rater_unknown": gettext_lazy(
        "Unknown rater: write teacher, parent or student (ครู, ผู้ปกครอง or นักเรียน)."
    ),
    "answer_invalid": gettext_lazy("An answer is 0, 1 or 2."),
    "answers_missing": gettext_lazy("Answers are missing for items %(items)s."),
    "impact_invalid": gettext_lazy("An answer of the impact questions is 0, 1, 2 or 3."),
    "impact_not_on_form": gettext_lazy("This question is not on the %(rater)s form."),
    "impact_gate_missing": gettext_lazy(
        "The impact questions are answered but not the first one (impact_difficulties)."
    ),
    "impact_incomplete": gettext_lazy(
        "impact_difficulties says there are difficulties, but these impact questions are not "
        "answered: %(columns)s."
    ),
    "form_not_for_grade": gettext_lazy(
        "Students in %(grade)s have no %(rater)s form (forms for this grade: %(forms)s)."
    ),
    "duplicate_form": gettext_lazy(
        "The %(rater)s form of this student is also on row %(other_row)s."
    ),
}

COLUMN_LABELS = {
    "student_code": gettext_lazy("Student code"),
    "rater": gettext_lazy("Rater"),
}


def _rater_label(code: str) -> str:
    try:
        return str(Rater(code).label)
    except ValueError:
        return code


def error_message(error: dict) -> str:
    """The sentence for a stored problem, in the active language."""
    template = MESSAGES.get(error.get("code"), MESSAGES["job_failed"])
    params = dict(error.get("params") or {})
    if "columns" in params:
        params["columns"] = ", ".join(params["columns"])
    if "items" in params:
        params["items"] = ", ".join(str(i) for i in params["items"])
    if "rater" in params:
        params["rater"] = _rater_label(params["rater"])
    if "forms" in params:
        params["forms"] = ", ".join(_rater_label(r) for r in params["forms"])
    if "grade" in params:
        params["grade"] = str(Grade(params["grade"]).label)
    text = str(template)
    return text % params if params else text


def error_column(error: dict) -> str:
    """The column as the file heads it (or the columns, for a problem of several)."""
    return error.get("column") or ""


def _error(code, /, *, row=None, field_name="", column="", value="", **params) -> dict:
    return {
        "row": row,
        "field": field_name,
        "column": column,
        "code": code,
        "value": "" if value is None else str(value)[:200],
        "params": params,
    }


# --- reading -----------------------------------------------------------------------------------
@dataclass
class Row:
    """One form of the file: the values that could be read; ``ok`` when the whole row is good."""

    row: int
    student_code: str = ""
    rater: str = ""
    answers: list[int | None] = field(default_factory=list)
    impact: dict[str, int] = field(default_factory=dict)
    ok: bool = True


@dataclass
class ParsedFile:
    rows: list[Row]
    errors: list[dict]
    columns: dict[str, str] = field(default_factory=dict)  # our name -> header in the file
    has_impact: bool = False


def _find_header(sheet: Sheet) -> tuple[int, list]:
    """The header row: the first of the first rows that names student_code and rater (a title
    row or two above it is allowed), else the first row with anything in it."""
    first = None
    for position, (_n, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if not any(cell_text(c) for c in cells):
            continue
        if first is None:
            first = position
        names = {HEADER_ALIASES.get(_header_key(cell_text(c))) for c in cells}
        if {"student_code", "rater"} <= names:
            return position, cells
    if first is None:
        raise ImportFileError("empty")
    return first, sheet.rows[first][1]


def _number(value) -> str:
    return cell_text(value).translate(ARABIC_DIGITS)


def _answer(text: str, allowed: range) -> int | None:
    """0, 1, 2 (or 0..3): also "1.0" as some programs write whole numbers; None if not one."""
    if re.fullmatch(r"\d+(\.0+)?", text):
        value = int(float(text))
        if value in allowed:
            return value
    return None


def impact_questions(rater: str) -> list[str]:
    """The impact questions on the rater's form (from the SDQ key)."""
    return list(scoring.sdq_key().impact_questions(rater))


def impact_scored(rater: str) -> list[str]:
    """The impact questions that count in the impact score after a "yes" to the first one."""
    return list(scoring.sdq_key().impact_scored(rater))


def parse_file(data: bytes, filename: str, progress: Progress = None) -> ParsedFile:
    """Read the file and check each row on its own (no database)."""
    try:
        sheet = read_sheet(data, filename)
        position, header = _find_header(sheet)
    except ImportFileError as exc:
        # The same shape of problem as here: the code, and the row and column when known.
        return ParsedFile(rows=[], errors=[exc.error])
    body = [
        (n, cells) for n, cells in sheet.rows[position + 1 :] if any(cell_text(c) for c in cells)
    ]
    mapping: dict[str, int] = {}
    seen: dict[str, list[str]] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = cell_text(cell)
        key = _header_key(text)
        if not key:
            if any(index < len(cells) and cell_text(cells[index]) for _n, cells in body):
                return ParsedFile(rows=[], errors=[_error("unnamed_column", number=index + 1)])
            continue
        name = HEADER_ALIASES.get(key)
        if name is None:
            if key not in IGNORED_HEADERS:
                unknown.append(text)
            continue
        seen.setdefault(name, []).append(text)
        mapping.setdefault(name, index)
    errors = []
    missing = [name for name in REQUIRED if name not in mapping]
    if missing:
        errors.append(_error("missing_columns", columns=missing))
    if unknown:
        errors.append(_error("unknown_columns", columns=unknown))
    doubled = [" / ".join(heads) for heads in seen.values() if len(heads) > 1]
    if doubled:
        errors.append(_error("duplicate_column", columns=doubled))
    if errors:
        return ParsedFile(rows=[], errors=errors)
    if not body:
        return ParsedFile(rows=[], errors=[_error("empty")])
    if len(body) > MAX_ROWS:
        return ParsedFile(rows=[], errors=[_error("too_many_rows", max=MAX_ROWS)])

    columns = {name: cell_text(header[i]) for name, i in mapping.items()}
    parsed = ParsedFile(
        rows=[], errors=[], columns=columns, has_impact=any(c in mapping for c in IMPACT_COLUMNS)
    )
    step = max(1, len(body) // 20)
    impact_asked = {r: impact_questions(r) for r in Rater.values}
    for count, (n, cells) in enumerate(body):
        if progress and count % step == 0:
            progress(count * 100 // len(body))
        row = Row(row=n)

        def get(name, cells=cells) -> str:
            index = mapping.get(name)
            return _number(cells[index]) if index is not None and index < len(cells) else ""

        def problem(code, name="", value="", row=row, column=None, **params):
            row.ok = False
            parsed.errors.append(
                _error(
                    code,
                    row=row.row,
                    field_name=name,
                    column=columns.get(name, "") if column is None else column,
                    value=value,
                    **params,
                )
            )

        row.student_code = get("student_code")
        if not row.student_code:
            problem("required", "student_code")
        raw_rater = get("rater")
        rater = RATER_ALIASES.get(re.sub(r"[\s.]", "", raw_rater).casefold())
        if not raw_rater:
            problem("required", "rater")
        elif rater is None:
            problem("rater_unknown", "rater", raw_rater)
        else:
            row.rater = rater

        missing_items = []
        for number, name in enumerate(ANSWER_COLUMNS, start=1):
            text = get(name)
            if not text:
                missing_items.append(number)
                row.answers.append(None)
                continue
            value = _answer(text, range(3))
            if value is None:
                problem("answer_invalid", name, text)
            row.answers.append(value)
        if missing_items:
            problem(
                "answers_missing",
                column=", ".join(columns[f"q{i}"] for i in missing_items),
                items=missing_items,
            )

        given: dict[str, int] = {}
        for name in IMPACT_FIELDS:
            column = f"impact_{name}"
            text = get(column)
            if not text:
                continue
            value = _answer(text, range(4))
            if value is None:
                problem("impact_invalid", column, text)
            elif row.rater and name not in impact_asked[row.rater]:
                problem("impact_not_on_form", column, text, rater=row.rater)
            else:
                given[name] = value
        if given and row.rater:
            gate = given.get(IMPACT_GATE)
            unanswered = [
                f"impact_{name}" for name in impact_scored(row.rater) if name not in given
            ]
            if gate is None:
                problem("impact_gate_missing", f"impact_{IMPACT_GATE}")
            elif gate > 0 and unanswered:
                problem(
                    "impact_incomplete",
                    column=", ".join(columns.get(c, c) for c in unanswered),
                    columns=unanswered,
                )
        row.impact = given
        parsed.rows.append(row)

    # The same form twice in the file.
    first_row: dict[tuple[str, str], int] = {}
    for row in parsed.rows:
        if not row.student_code or not row.rater:
            continue
        key = (row.student_code, row.rater)
        if key in first_row:
            row.ok = False
            parsed.errors.append(
                _error(
                    "duplicate_form",
                    row=row.row,
                    field_name="student_code",
                    column=columns["student_code"],
                    value=row.student_code,
                    rater=row.rater,
                    other_row=first_row[key],
                )
            )
        else:
            first_row[key] = row.row
    if progress:
        progress(100)
    return parsed


# --- planning against the database -------------------------------------------------------------
@dataclass
class Planned:
    row: Row
    student: Student
    enrolment: Enrolment
    result: scoring.SdqResult
    replaces: bool


@dataclass
class Plan:
    forms: list[Planned] = field(default_factory=list)
    criteria_version: str = ""
    counts: dict = field(default_factory=dict)


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


def plan_import(parsed: ParsedFile, *, school: School, term: Term) -> tuple[Plan, list[dict]]:
    """Compare the rows with the school's students (four queries whatever the size of the
    file). Returns the plan and the problems that need the database to be seen."""
    from screening.services import sdq_criteria_version

    errors: list[dict] = []

    def problem(row, code, name, value, /, **params):
        row.ok = False
        errors.append(
            _error(
                code,
                row=row.row,
                field_name=name,
                column=parsed.columns.get(name, ""),
                value=value,
                **params,
            )
        )

    # Every student of the school: a code that Excel turned into a number (00123 -> 123) is
    # still found when exactly one student's code has that value.
    students = {s.student_code: s for s in Student.objects.filter(school=school)}
    by_number: dict[int, list[Student]] = {}
    for code, student in students.items():
        if code.isdigit():
            by_number.setdefault(int(code), []).append(student)

    def find(code: str) -> Student | None:
        student = students.get(code)
        if student is None and code.isdigit() and len(by_number.get(int(code), [])) == 1:
            student = by_number[int(code)][0]
        return student

    enrolments = {
        e.student_id: e
        for e in Enrolment.objects.filter(
            academic_year_id=term.academic_year_id, classroom__school=school
        ).select_related("classroom")
    }
    existing = set(
        SdqResponse.objects.filter(student__school=school, term=term).values_list(
            "student_id", "rater"
        )
    )
    criteria = sdq_criteria_version(school=school)
    year = term.academic_year.year

    plan = Plan(criteria_version=criteria)
    counts = {"new": 0, "replaced": 0, "students": 0}
    counts |= {f"rater_{r}": 0 for r in Rater.values}
    counts |= {f"level_{level}": 0 for level in scoring.LEVELS}
    touched = set()
    seen: dict[tuple[int, str], Row] = {}
    for row in parsed.rows:
        if not row.student_code:
            continue
        student = find(row.student_code)
        if student is None:
            problem(row, "student_unknown", "student_code", row.student_code)
            continue
        enrolment = enrolments.get(student.pk)
        if enrolment is None:
            problem(row, "not_enrolled", "student_code", row.student_code, year=year)
            continue
        if not row.rater:
            continue
        first = seen.setdefault((student.pk, row.rater), row)
        if first is not row and first.student_code != row.student_code:
            # The same student written two ways (00123 and 123); the same text twice was
            # reported while reading.
            problem(
                row,
                "duplicate_form",
                "student_code",
                row.student_code,
                rater=row.rater,
                other_row=first.row,
            )
            continue
        grade = enrolment.classroom.grade
        forms = tuple(scoring.sdq_forms_for_grade(grade))
        if row.rater not in forms:
            problem(
                row,
                "form_not_for_grade",
                "rater",
                row.rater,
                grade=grade,
                rater=row.rater,
                forms=list(forms),
            )
            continue
        if not row.ok or errors or parsed.errors:
            continue  # nothing will be written: no need to score
        result = scoring.sdq_score(
            row.answers, row.rater, impact=row.impact or None, criteria=criteria
        )
        replaces = (student.pk, row.rater) in existing
        plan.forms.append(Planned(row, student, enrolment, result, replaces))
        counts["replaced" if replaces else "new"] += 1
        counts[f"rater_{row.rater}"] += 1
        counts[f"level_{result.level}"] += 1
        touched.add(student.pk)
    counts["students"] = len(touched)
    plan.counts = counts
    return plan, errors


def _preview(plan: Plan) -> list[dict]:
    return [
        {
            "row": p.row.row,
            "student_code": p.student.student_code,
            "name": p.student.full_name,
            "grade": p.enrolment.classroom.grade,
            "room": p.enrolment.classroom.room,
            "number": p.enrolment.number,
            "rater": p.row.rater,
            "total": p.result.total,
            "prosocial": p.result.prosocial,
            "impact": p.result.impact,
            "level": p.result.level,
            "action": "replace" if p.replaces else "new",
        }
        for p in plan.forms[:PREVIEW_ROWS]
    ]


def _column_order(error: dict) -> int:
    order = {name: i for i, name in enumerate(REQUIRED + IMPACT_COLUMNS)}
    return order.get(error["field"], len(order))


def _sorted(errors: list[dict]) -> list[dict]:
    return sorted(errors, key=lambda e: (e["row"] or 0, _column_order(e), e["code"]))


def _scaled(progress: Progress, start: int, end: int) -> Progress:
    if progress is None:
        return None
    return lambda pct: progress(start + (end - start) * pct // 100)


def _plan(parsed: ParsedFile, school: School, term: Term) -> tuple[Plan, list[dict]]:
    plan, db_errors = plan_import(parsed, school=school, term=term)
    return plan, _sorted(parsed.errors + db_errors)


def _summary(plan: Plan) -> dict:
    return {**plan.counts, "criteria_version": plan.criteria_version}


def import_check(
    *, data: bytes, filename: str, school: School, term: Term, progress: Progress = None
) -> ImportReport:
    """Read and check the file against the school's students; change nothing."""
    parsed = parse_file(data, filename, _scaled(progress, 0, 80))
    report = ImportReport(rows=len(parsed.rows))
    if not parsed.rows:
        report.errors = parsed.errors
        return report
    plan, report.errors = _plan(parsed, school, term)
    if report.ok:
        report.summary = _summary(plan)
        report.preview = _preview(plan)
    if progress:
        progress(100)
    return report


def import_apply(
    *,
    data: bytes,
    filename: str,
    school: School,
    term: Term,
    user=None,
    progress: Progress = None,
    on_applied: Callable[[ImportReport], None] | None = None,
    record=None,
) -> ImportReport:
    """Check the file and, when every row is good, save every form in one transaction: all or
    nothing. With any problem nothing is written and the report lists every problem.

    ``on_applied`` runs inside the transaction after the writes (to record the outcome
    atomically with them); ``record`` is the object the audit event names."""
    parsed = parse_file(data, filename, _scaled(progress, 0, 20))
    report = ImportReport(rows=len(parsed.rows))
    if not parsed.rows:
        report.errors = parsed.errors
        return report
    if parsed.errors:
        _plan_unused, report.errors = _plan(parsed, school, term)
        return report
    with transaction.atomic():
        # One import at a time per school: a second one waits here for the first to finish.
        list(School.objects.select_for_update().filter(pk=school.pk).values_list("pk"))
        plan, report.errors = _plan(parsed, school, term)
        if not report.ok:
            return report
        _write(plan, term=term, user=user, progress=_scaled(progress, 25, 100))
        # Fresh statistics for the planner once the forms are committed (carecore/dbstats.py).
        analyze_tables_on_commit([SdqResponse, CareGroup], rows=len(plan.forms))
        report.summary = _summary(plan)
        report.preview = _preview(plan)
        _audit(school=school, term=term, user=user, counts=plan.counts, record=record)
        if on_applied:
            on_applied(report)
    if progress:
        progress(100)
    return report


BATCH = 500  # forms per round of queries while writing


def _write(plan: Plan, *, term: Term, user, progress: Progress) -> None:
    """Save every form and derive each touched student's group once, in batches: a fixed
    number of queries per batch whatever its size.

    This is the bulk twin of ``services.sdq_response_save(source=IMPORT)`` followed by
    ``services.care_group_refresh`` per student (measured: about 20 ms per form one by one,
    41 s for 2,000 rows; see docs/screening.md): each form is scored with the same scorer and
    written with the same fields, its revision bumped (so a colleague's open form is refused as
    stale, as with any other save), and the groups are derived by ``care_group_derive``.
    ``test_import.py`` checks that the result equals the one-by-one path."""
    batches = [plan.forms[i : i + BATCH] for i in range(0, len(plan.forms), BATCH)]
    for number, batch in enumerate(batches, start=1):
        _write_forms(batch, term=term, user=user)
        _refresh_groups([p.student for p in batch], term=term)
        if progress:
            progress(number * 100 // len(batches))


def _write_forms(batch: list[Planned], *, term: Term, user) -> None:
    from screening.services import _apply_sdq_result

    revisions = {
        (student_id, rater): revision
        for student_id, rater, revision in SdqResponse.objects.select_for_update()
        .filter(term=term, student_id__in={p.student.pk for p in batch})
        .values_list("student_id", "rater", "revision")
    }
    entered_by = user if getattr(user, "is_authenticated", False) else None
    forms = []
    for p in batch:
        before = revisions.get((p.student.pk, p.row.rater), 0)
        response = SdqResponse(
            student=p.student,
            term=term,
            rater=p.row.rater,
            source=Source.IMPORT,
            answers=list(p.row.answers),
            impact_answers=dict(p.row.impact),
            entered_by=entered_by,
            revision=before + 1,
        )
        _apply_sdq_result(response, p.result)
        forms.append(response)
    # One INSERT … ON CONFLICT per batch (bulk_update's CASE expressions took a minute for
    # 2,000 rows); the creation time of a replaced form stays.
    SdqResponse.objects.bulk_create(
        forms,
        update_conflicts=True,
        unique_fields=["student", "term", "rater"],
        update_fields=SDQ_WRITTEN_FIELDS,
    )


SDQ_WRITTEN_FIELDS = [
    "answers",
    "impact_answers",
    *SdqResponse.SCALES,
    *(f"{scale}_band" for scale in (*SdqResponse.SCALES, "impact")),
    "impact",
    "level",
    "key_version",
    "criteria_version",
    "status",
    "source",
    "entered_by",
    "revision",
    "modified",
]


def _refresh_groups(students: list[Student], *, term: Term) -> None:
    """``care_group_refresh`` for many students: four reads and at most three writes."""
    from screening.models import AspectResult, CareGroup, EqResponse
    from screening.services import care_group_derive

    students = list({s.pk: s for s in students}.values())
    ids = [s.pk for s in students]
    results: dict[int, dict[str, list]] = {pk: {"sdq": [], "eq": [], "aspects": []} for pk in ids}
    for key, model in (("sdq", SdqResponse), ("eq", EqResponse), ("aspects", AspectResult)):
        for row in model.objects.filter(term=term, student_id__in=ids):
            results[row.student_id][key].append(row)
    groups = {g.student_id: g for g in CareGroup.objects.filter(term=term, student_id__in=ids)}
    kept, gone = [], []
    for student in students:
        derived = care_group_derive(**results[student.pk])
        group = groups.get(student.pk)
        if derived is None:
            if group is not None and not group.is_overridden:
                gone.append(group.pk)
            continue
        level, reasons, special, special_reasons = derived
        override = group.override_level if group is not None else ""
        kept.append(
            CareGroup(
                student=student,
                term=term,
                school_id=student.school_id,
                derived_level=level,
                reasons=reasons,
                special=special,
                special_reasons=special_reasons,
                level=override or level,
            )
        )
    if kept:
        # The override and its reason are never written here.
        CareGroup.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["student", "term"],
            update_fields=[
                "derived_level",
                "reasons",
                "special",
                "special_reasons",
                "level",
                "computed",
            ],
        )
    if gone:
        CareGroup.objects.filter(pk__in=gone).delete()


def summary_text(counts: dict) -> str:
    """For the audit trail and the command line, in the active language."""
    return gettext("%(new)s new forms, %(replaced)s replacing existing forms") % {
        "new": counts.get("new", 0),
        "replaced": counts.get("replaced", 0),
    }


def _audit(*, school: School, term: Term, user, counts: dict, record=None) -> None:
    from carecore.audit import audit_record
    from carecore.models import AuditEvent

    audit_record(
        action=AuditEvent.Action.IMPORT,
        user=user,
        school=school,
        obj=record,
        summary=gettext("SDQ answers for term %(term)s: %(counts)s")
        % {"term": str(term), "counts": summary_text(counts)},
        changes={"term": f"{term.academic_year.year}-{term.number}", **counts},
    )


# --- the import as a job -----------------------------------------------------------------------
def _enqueue(task, pk: int) -> None:
    transaction.on_commit(lambda: task.delay(pk))


def screening_import_create(*, school: School, term: Term, uploaded_by, upload) -> ScreeningImport:
    """Store the uploaded file and check it in a job."""
    from screening.tasks import screening_import_validate_task

    record = ScreeningImport(
        school=school,
        term=term,
        uploaded_by=uploaded_by,
        original_name=str(upload.name)[-255:],
    )
    record.file.save(upload.name, upload, save=False)
    record.save()
    _enqueue(screening_import_validate_task, record.pk)
    return record


def screening_import_validate(
    *, screening_import: ScreeningImport, progress: Progress = None
) -> ScreeningImport:
    """Check the stored file (the body of the validation job)."""
    record = screening_import
    Status = ScreeningImport.Status
    if record.status not in (Status.UPLOADED, Status.VALIDATING):
        return record  # a job delivered twice
    record.status = Status.VALIDATING
    record.progress = 0
    record.save(update_fields=["status", "progress"])
    report = import_check(
        data=import_file_data(record),
        filename=record.original_name,
        school=record.school,
        term=record.term,
        progress=progress or progress_writer(record),
    )
    record.row_count = report.rows
    record.errors = report.errors
    record.summary = {**report.summary, "preview": report.preview} if report.ok else {}
    record.status = Status.READY if report.ok else Status.INVALID
    record.progress = 100
    record.finished = None if report.ok else timezone.now()
    record.save()
    return record


def screening_import_confirm(*, screening_import: ScreeningImport, user=None) -> bool:
    """Start the import of a checked file; False when it is not ready (already started)."""
    from screening.tasks import screening_import_apply_task

    Status = ScreeningImport.Status
    started = ScreeningImport.objects.filter(pk=screening_import.pk, status=Status.READY).update(
        status=Status.IMPORTING, progress=0, confirmed_by=user
    )
    if started:
        _enqueue(screening_import_apply_task, screening_import.pk)
    return bool(started)


def screening_import_apply(
    *, screening_import: ScreeningImport, progress: Progress = None
) -> ScreeningImport:
    """Apply a confirmed import (the body of the import job)."""
    record = screening_import
    Status = ScreeningImport.Status
    if record.status != Status.IMPORTING:
        return record  # a job delivered twice

    report = import_apply(
        data=import_file_data(record),
        filename=record.original_name,
        school=record.school,
        term=record.term,
        user=record.confirmed_by or record.uploaded_by,
        progress=progress or progress_writer(record),
        on_applied=lambda report: record_applied(record, report),
        record=record,
    )
    if not report.ok:
        record_invalid(record, report)
    return record


def screening_import_fail(*, import_id: int, exc: BaseException) -> None:
    """Mark an import whose job broke; it can be retried."""
    ScreeningImport.objects.filter(pk=import_id).update(
        status=ScreeningImport.Status.FAILED,
        errors=[_error("job_failed", value=type(exc).__name__)],
        finished=timezone.now(),
    )


def screening_import_retry(*, screening_import: ScreeningImport) -> bool:
    """Check a failed import's file again; False when it had not failed."""
    from screening.tasks import screening_import_validate_task

    Status = ScreeningImport.Status
    restarted = ScreeningImport.objects.filter(pk=screening_import.pk, status=Status.FAILED).update(
        status=Status.VALIDATING, progress=0, errors=[], summary={}, finished=None
    )
    if restarted:
        _enqueue(screening_import_validate_task, screening_import.pk)
    return bool(restarted)


# --- the template file -------------------------------------------------------------------------
TEMPLATE_HEADERS = REQUIRED + IMPACT_COLUMNS
# An example teacher's form (student code 12345 is made up): total difficulties 10, impact 0.
TEMPLATE_EXAMPLE = ["12345", "teacher"]
TEMPLATE_EXAMPLE += [2, 1, 0, 2, 0, 1, 2, 0, 2, 1, 2, 0, 1, 2, 0, 1, 2, 1, 2, 2, 2, 0, 0, 1, 1]
TEMPLATE_EXAMPLE += [0, "", "", "", "", "", "", "", ""]


def template_file(fmt: str) -> tuple[bytes, str, str]:
    """A file with the headers and one example row: (content, content type, file name)."""
    if fmt == "csv":
        # The BOM makes Excel open UTF-8 Thai correctly; text never as a formula.
        content = csv_bytes([TEMPLATE_HEADERS, TEMPLATE_EXAMPLE])
        return content, "text/csv; charset=utf-8", "sdq-answers.csv"
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "sdq"
    sheet.append(xlsx_row(sheet, TEMPLATE_HEADERS))
    sheet.append(xlsx_row(sheet, [None if v == "" else v for v in TEMPLATE_EXAMPLE]))
    sheet.column_dimensions["A"].width = 16
    # Text, so that Excel keeps the leading zeros of student codes.
    for row in range(2, 2002):
        sheet.cell(row=row, column=1).number_format = "@"
    sheet.freeze_panes = "C2"
    return (
        xlsx_bytes(workbook),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "sdq-answers.xlsx",
    )
