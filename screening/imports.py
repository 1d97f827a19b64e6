"""Importing SDQ answers collected on paper or with Google Forms (CSV or XLSX): the row schema
of the import engine (carecore.imports).

One row is one form: ``student_code``, ``rater`` (teacher, parent or student), ``q1`` … ``q25``
(0, 1 or 2) and, optionally, the impact supplement (``impact_difficulties`` … ``impact_burden``,
0 to 3). The import is all or nothing: when any row has a problem nothing is written and every
problem is listed with its row, column and a message. An imported row replaces the student's
form of that rater for the term (the preview says how many are new and how many replace one).

Public names:
- ``import_check(*, data, filename, school, term, progress=None) -> ImportReport``
- ``import_apply(*, data, filename, school, term, user=None, progress=None, on_applied=None,
  record=None) -> ImportReport`` (all or nothing, one transaction)
- ``SCREENING_IMPORTS``: the import bound to ``ScreeningImport`` and its jobs (what the views and
  the tasks call);
- ``error_message(error)``, ``error_column(error)``, ``template_file(fmt)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_lazy

from carecore.imports import engine
from carecore.imports.engine import ParsedFile, Progress, RowReader
from carecore.imports.reading import FILE_MESSAGES, header_aliases, header_key
from carecore.writes import acting_user
from schools.models import Grade, School, Term
from screening import scoring
from screening.models import CareGroup, Rater, ScreeningImport, SdqResponse, Source
from students.models import Enrolment, Student

ITEMS = 25

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
# The scores and bands of an export (screening.exports, which adds the impact ones only with the
# answers): scores are always computed again from the answers, so these are accepted and ignored,
# and an export with answers imports as it is.
RESULT_COLUMNS = [
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
]
SCORE_COLUMNS = [*RESULT_COLUMNS, "impact", "impact_band"]

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

HEADER_ALIASES = header_aliases(
    {
        "student_code": ["เลขประจำตัวนักเรียน", "รหัสนักเรียน", "student id"],
        "rater": ["ผู้ประเมิน"],
        **{f"q{i}": [f"ข้อ {i}", f"item {i}"] for i in range(1, ITEMS + 1)},
        **{name: [] for name in IMPACT_COLUMNS},
    }
)
IGNORED_HEADERS = frozenset(header_key(name) for name in SCORE_COLUMNS)


# --- error messages ----------------------------------------------------------------------------
MESSAGES = {
    **FILE_MESSAGES,
    "empty": gettext_lazy("The file has no answers in it."),
    # One row or cell.
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
    "self_report_not_for_age": gettext_lazy(
        "The self-report form is for students aged %(low)s to %(high)s on the first day of the "
        "term; this student's age is %(age)s (no age: no birth date recorded)."
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


# --- one row -----------------------------------------------------------------------------------
@dataclass
class Row:
    """One form of the file: the values that could be read; ``ok`` when the whole row is good."""

    row: int
    student_code: str = ""
    rater: str = ""
    answers: list[int | None] = field(default_factory=list)
    impact: dict[str, int] = field(default_factory=dict)
    ok: bool = True


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


def _read_rater(parsed: ParsedFile, row: Row, cells: RowReader) -> None:
    row.student_code = parsed.filled(row, "student_code", cells.text("student_code"))
    rater = parsed.named(row, "rater", cells, RATER_ALIASES, "rater_unknown")
    if rater is not None:
        row.rater = rater


def _read_answers(parsed: ParsedFile, row: Row, cells: RowReader) -> None:
    missing_items = []
    for number, name in enumerate(ANSWER_COLUMNS, start=1):
        text = cells.text(name)
        if not text:
            missing_items.append(number)
            row.answers.append(None)
            continue
        value = _answer(text, range(3))
        if value is None:
            parsed.problem(row, "answer_invalid", name, text)
        row.answers.append(value)
    if missing_items:
        parsed.problem(
            row,
            "answers_missing",
            column=", ".join(parsed.columns[f"q{i}"] for i in missing_items),
            items=missing_items,
        )


def _read_impact(parsed: ParsedFile, row: Row, cells: RowReader, asked: dict) -> None:
    given: dict[str, int] = {}
    for name in IMPACT_FIELDS:
        column = f"impact_{name}"
        text = cells.text(column)
        if not text:
            continue
        value = _answer(text, range(4))
        if value is None:
            parsed.problem(row, "impact_invalid", column, text)
        elif row.rater and name not in asked[row.rater]:
            parsed.problem(row, "impact_not_on_form", column, text, rater=row.rater)
        else:
            given[name] = value
    if given and row.rater:
        gate = given.get(IMPACT_GATE)
        unanswered = [f"impact_{name}" for name in impact_scored(row.rater) if name not in given]
        if gate is None:
            parsed.problem(row, "impact_gate_missing", f"impact_{IMPACT_GATE}")
        elif gate > 0 and unanswered:
            parsed.problem(
                row,
                "impact_incomplete",
                column=", ".join(parsed.columns.get(c, c) for c in unanswered),
                columns=unanswered,
            )
    row.impact = given


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


def plan_import(parsed: ParsedFile, *, school: School, term: Term) -> Plan:
    """Compare the rows with the school's students (four queries whatever the size of the
    file). Returns the plan; the problems that need the database to be seen are added to the
    file's."""
    from screening.services import sdq_criteria_version

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
            parsed.problem(row, "student_unknown", "student_code", row.student_code)
            continue
        enrolment = enrolments.get(student.pk)
        if enrolment is None:
            parsed.problem(row, "not_enrolled", "student_code", row.student_code, year=year)
            continue
        if not row.rater:
            continue
        first = seen.setdefault((student.pk, row.rater), row)
        if first is not row and first.student_code != row.student_code:
            # The same student written two ways (00123 and 123); the same text twice was
            # reported while reading.
            parsed.problem(
                row,
                "duplicate_form",
                "student_code",
                row.student_code,
                rater=row.rater,
                other_row=first.row,
            )
            continue
        grade = enrolment.classroom.grade
        age = student.age_on(term.start)
        forms = scoring.sdq_forms(grade, age)
        if row.rater == Rater.STUDENT and row.rater not in forms:
            # The self-report goes by age on the term's first day, not by grade.
            low, high = scoring.sdq_key().self_report_ages
            parsed.problem(
                row,
                "self_report_not_for_age",
                "rater",
                row.rater,
                age="—" if age is None else age,
                low=low,
                high=high,
            )
            continue
        if row.rater not in forms:
            parsed.problem(
                row,
                "form_not_for_grade",
                "rater",
                row.rater,
                grade=grade,
                rater=row.rater,
                forms=list(forms),
            )
            continue
        if not row.ok or parsed.errors:
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
    return plan


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
    entered_by = acting_user(user)
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


class ScreeningSchema(engine.ImportSchema):
    required = REQUIRED
    optional = IMPACT_COLUMNS
    header_aliases = HEADER_ALIASES
    ignored_headers = IGNORED_HEADERS
    strict_headers = True
    messages = MESSAGES
    row_class = Row
    check_reading = 80
    apply_reading = 20
    apply_writing_from = 25
    written_models = (SdqResponse, CareGroup)

    def is_header(self, columns: set[str]) -> bool:
        return {"student_code", "rater"} <= columns

    def doubled_column(self, name: str, heads: list[str]) -> str:
        return " / ".join(heads)

    def message_params(self, params: dict) -> dict:
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
        return params

    def parse_state(self) -> dict:
        return {"asked": {r: impact_questions(r) for r in Rater.values}}

    def parse_row(self, parsed: ParsedFile, row: Row, cells: RowReader, state: dict) -> None:
        _read_rater(parsed, row, cells)
        _read_answers(parsed, row, cells)
        _read_impact(parsed, row, cells, state["asked"])

    def check_rows(self, parsed: ParsedFile) -> None:
        """The same form twice in the file."""
        forms = parsed.repeated(
            lambda r: (r.student_code, r.rater) if r.student_code and r.rater else None
        )
        for row, (code, rater), other_row in forms:
            parsed.problem(
                row, "duplicate_form", "student_code", code, rater=rater, other_row=other_row
            )

    def plan(self, parsed: ParsedFile, *, school: School, term: Term) -> Plan:
        return plan_import(parsed, school=school, term=term)

    def write(self, plan: Plan, *, school, user, progress, term: Term) -> None:
        _write(plan, term=term, user=user, progress=progress)

    def summary(self, plan: Plan, *, applied: bool, term: Term) -> dict:
        return {**plan.counts, "criteria_version": plan.criteria_version}

    preview_list = "forms"

    def preview_columns(self, p: Planned) -> dict:
        return {
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

    def audit(self, plan: Plan, *, term: Term) -> tuple[str, dict]:
        summary = gettext("SDQ answers for term %(term)s: %(counts)s") % {
            "term": str(term),
            "counts": summary_text(plan.counts),
        }
        return summary, {"term": f"{term.academic_year.year}-{term.number}", **plan.counts}


SCHEMA = ScreeningSchema()
import_check = SCHEMA.check
import_apply = SCHEMA.apply
parse_file = SCHEMA.parse_file
error_message = SCHEMA.error_message
error_column = SCHEMA.error_column
SCREENING_IMPORTS = engine.Importer(
    SCHEMA,
    model=ScreeningImport,
    period="term",
    tasks="screening.tasks.screening_import",
    related=("term__academic_year",),
)
# Looked up when the job runs, so that a test may replace this module's import_check.
SCREENING_IMPORTS.check = lambda **kwargs: import_check(**kwargs)


# --- the template file -------------------------------------------------------------------------
TEMPLATE_HEADERS = REQUIRED + IMPACT_COLUMNS
# An example teacher's form (student code 12345 is made up): total difficulties 10, impact 0.
TEMPLATE_EXAMPLE = ["12345", "teacher"]
TEMPLATE_EXAMPLE += [2, 1, 0, 2, 0, 1, 2, 0, 2, 1, 2, 0, 1, 2, 0, 1, 2, 1, 2, 2, 2, 0, 0, 1, 1]
TEMPLATE_EXAMPLE += [0, "", "", "", "", "", "", "", ""]


def template_file(fmt: str) -> tuple[bytes, str, str]:
    """A file with the headers and one example row: (content, content type, file name)."""
    return engine.template_file(
        fmt,
        [TEMPLATE_HEADERS, TEMPLATE_EXAMPLE],
        name="sdq-answers",
        # Text, so that Excel keeps the leading zeros of student codes.
        text_columns=[1],
        text_rows=2000,
        widths={1: 16},
        freeze="C2",
    )
