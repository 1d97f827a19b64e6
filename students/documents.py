"""Printable student documents: the class list and the student information sheet.

Each function loads everything it prints up front (a fixed number of queries, however many
students) and renders inside ``scope(school=...)`` of the classroom's or student's school, with
that school's header and document settings. The caller chooses the language
(``translation.override``); texts go through gettext in the templates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope

from carecore.jobs import progress_stage
from carecore.pdf import Paper, render_pdf
from carecore.thai import thai_order
from schools.models import AcademicYear, Classroom, HomeroomAssignment, School
from schools.selectors import current_academic_year
from students.models import Enrolment, Guardian, Student

Progress = Callable[[int], None]


def _classroom_load(classroom: Classroom) -> tuple[Classroom, list]:
    """The classroom with its school, district and year, and its teachers (2 queries)."""
    classroom = Classroom.objects.select_related("school__district", "academic_year").get(
        pk=classroom.pk
    )
    teachers = [
        a.teacher
        for a in HomeroomAssignment.objects.filter(classroom=classroom)
        .select_related("teacher")
        .order_by(thai_order("teacher__first_name"), thai_order("teacher__last_name"))
    ]
    return classroom, teachers


def _teacher_signatures(teachers) -> list[tuple[str, str]]:
    position = _("Homeroom teacher")
    return [(position, t.display_name) for t in teachers] or [(position, "")]


def _classroom_heading(classroom: Classroom, teachers, paper: Paper) -> dict:
    return {
        "room": paper.num(classroom),
        "year": paper.num(classroom.academic_year.year),
        "teachers": ", ".join(t.display_name for t in teachers),
    }


# --- the class list (รายชื่อนักเรียน) ------------------------------------------------------------
def classroom_list_pdf(*, classroom: Classroom, progress: Progress | None = None) -> bytes:
    """The list of a classroom's students in number order, with columns left empty for ticking,
    and a signature line for each homeroom teacher."""
    with scope(school=classroom.school_id):
        classroom, teachers = _classroom_load(classroom)
        school = classroom.school
        paper = Paper(school)
        enrolments = list(
            Enrolment.objects.filter(classroom=classroom)
            .select_related("student")
            .order_by("number")
        )
        if progress:
            progress(10)
        rows = [
            {
                "number": paper.num(e.number),
                "code": paper.num(e.student.student_code),
                # Given name (with prefix) and surname: a long name wraps between them.
                "given_name": f"{e.student.prefix}{e.student.first_name}",
                "surname": e.student.last_name,
                "gender": e.student.get_gender_display(),
                "birth_date": paper.date(e.student.birth_date, "numeric"),
            }
            for e in enrolments
        ]
        boys = sum(1 for e in enrolments if e.student.gender == Student.Gender.MALE)
        context = {
            "heading": _classroom_heading(classroom, teachers, paper),
            "rows": rows,
            "tick_columns": range(3),
            "totals": {
                "boys": paper.num(boys),
                "girls": paper.num(len(enrolments) - boys),
                "total": paper.num(len(enrolments)),
            },
            "signatures": _teacher_signatures(teachers),
        }
        pdf = render_pdf(
            "students/pdf/classroom_list.html",
            context,
            school=school,
            progress=progress_stage(progress, 10, 100),
            pages=max(1, len(rows) // 25 + 1),
        )
    if progress:
        progress(100)
    return pdf


# --- the student information sheet ---------------------------------------------------------------
def _age_text(student: Student, today: datetime.date, paper: Paper) -> str:
    age = student.age_on(today)
    if age is None:
        return ""
    return ngettext("%(years)s year", "%(years)s years", age) % {"years": paper.num(age)}


def _sheet(
    student: Student,
    enrolment: Enrolment | None,
    guardians: list[Guardian],
    paper: Paper,
    today: datetime.date,
) -> dict:
    """What one sheet prints, as text. Never the full national ID."""
    return {
        "name": student.full_name,
        "nickname": student.nickname,
        "code": paper.num(student.student_code),
        "national_id": paper.num(student.masked_national_id),
        "gender": student.get_gender_display(),
        "birth_date": paper.date(student.birth_date, "long"),
        "age": _age_text(student, today, paper),
        "room": paper.num(enrolment.classroom) if enrolment else "",
        "number": paper.num(enrolment.number) if enrolment else "",
        "year": paper.num(enrolment.classroom.academic_year.year) if enrolment else "",
        # The address, once the student record has one.
        "address": paper.num(getattr(student, "address", "") or ""),
        "guardians": [
            {
                "name": str(g),
                "relation": g.get_relation_display(),
                "phone": paper.num(g.phone),
                "occupation": g.occupation,
                "lives_with_student": g.lives_with_student,
                "is_primary": g.is_primary,
            }
            for g in guardians
        ],
        # Free text printed above the note lines (no field on the student record yet).
        "note": "",
    }


def _sheet_signatures(teachers) -> list[tuple[str, str]]:
    return [(_("Guardian"), ""), *_teacher_signatures(teachers[:1])]


def student_sheet_pdf(*, student: Student, academic_year: AcademicYear | None = None) -> bytes:
    """One page about one student: identity, classroom, guardians, lines for notes and
    signatures. ``academic_year`` (default: the current one) chooses the classroom shown."""
    with scope(school=student.school_id):
        student = (
            Student.objects.select_related("school__district")
            .prefetch_related("guardians")
            .get(pk=student.pk)
        )
        academic_year = academic_year or current_academic_year()
        enrolment = (
            Enrolment.objects.filter(student=student, academic_year=academic_year)
            .select_related("classroom__academic_year")
            .first()
        )
        teachers = _classroom_load(enrolment.classroom)[1] if enrolment else []
        paper = Paper(student.school)
        today = timezone.localdate()
        sheet = _sheet(student, enrolment, list(student.guardians.all()), paper, today)
        return render_pdf(
            "students/pdf/student_sheet.html",
            {"sheets": [sheet], "signatures": _sheet_signatures(teachers)},
            school=student.school,
        )


def classroom_sheets_pdf(*, classroom: Classroom, progress: Progress | None = None) -> bytes:
    """The sheets of every student of the classroom, one page each, in number order, as one
    PDF. ``progress(percent)`` is called as the pages are laid out."""
    with scope(school=classroom.school_id):
        classroom, teachers = _classroom_load(classroom)
        school = classroom.school
        paper = Paper(school)
        today = timezone.localdate()
        enrolments = list(
            Enrolment.objects.filter(classroom=classroom)
            .select_related("student")
            .prefetch_related(Prefetch("student__guardians", queryset=Guardian.objects.all()))
            .order_by("number")
        )
        if progress:
            progress(5)
        sheets = []
        for e in enrolments:
            e.classroom = classroom  # already loaded, with its year
            sheets.append(_sheet(e.student, e, list(e.student.guardians.all()), paper, today))
        if progress:
            progress(10)
        pdf = render_pdf(
            "students/pdf/student_sheet.html",
            {"sheets": sheets, "signatures": _sheet_signatures(teachers)},
            school=school,
            progress=progress_stage(progress, 10, 95),
            pages=len(sheets),
        )
    if progress:
        progress(100)
    return pdf


# --- the cumulative record (ระเบียนสะสม) ---------------------------------------------------------
SHORT_VALUE = 28  # characters: a value this short shares its line with another field
# Details that only apply to some children: left off the paper when empty.
PAPER_HIDDEN_WHEN_EMPTY = {"lives_with_other", "working_away_place", "chronic_illness"}


def _record_rows(section, paper: Paper, extra: dict | None = None) -> list[dict]:
    """A section's fields as lines ({"pairs": one or two (label, value), "blank": nothing
    recorded}), in the order of the form: short values two to a line, text on a line of its
    own; what is not recorded is left blank to be written by hand. ``extra``: {field name:
    [(label, value)]} printed after that field (the BMI after the height)."""
    from django.db import models

    from students.record.sections import SECTIONS

    spec = SECTIONS[section.key]
    items = []
    for row in section.rows:
        if row.name == "household_members":
            continue  # printed as a table
        if row.name in PAPER_HIDDEN_WHEN_EMPTY and row.value == "—":
            continue
        field = next((f for f in spec.model._meta.fields if f.name == row.name), None)
        long_text = isinstance(field, models.TextField | models.JSONField)
        value = "" if row.value == "—" else paper.num(row.value)  # blank: room to write
        items.append((row.label, value, long_text or len(value) > SHORT_VALUE))
        for label, value in (extra or {}).get(row.name, []):
            items.append((label, paper.num(value), len(value) > SHORT_VALUE))
    pairs: list[list[tuple]] = []
    pending = None
    for label, value, wide in items:
        if wide:
            if pending:
                pairs.append([pending])
                pending = None
            pairs.append([(label, value)])
        elif pending:
            pairs.append([pending, (label, value)])
            pending = None
        else:
            pending = (label, value)
    if pending:
        pairs.append([pending])
    return [{"pairs": p, "blank": not any(value for _label, value in p)} for p in pairs]


def cumulative_record_pdf(*, student: Student, academic_year: AcademicYear | None = None) -> bytes:
    """The student's cumulative record on paper: identity, then the four aspects (ability with
    the grades of every term, health with BMI and its band, family with the household, protection
    and travel), each with when it was last changed and by whom; signature lines for the homeroom
    teachers. A fixed number of queries."""
    from students.record.selectors import record_load

    with scope(school=student.school_id):
        academic_year = academic_year or current_academic_year()
        today = timezone.localdate()
        record = record_load(student=student, academic_year=academic_year, today=today)
        student = record.student
        school = School.objects.select_related("district").get(pk=student.school_id)
        paper = Paper(school)
        enrolment = record.enrolment
        teachers = _classroom_load(enrolment.classroom)[1] if enrolment else []
        guardians = list(Guardian.objects.filter(student=student))
        identity = _sheet(student, enrolment, guardians, paper, today)

        sections = []
        for key, section in record.sections.items():
            extra = {}
            if key == "health" and record.bmi is not None:
                bmi = record.bmi
                band = bmi.band_label or bmi.no_band_reason
                extra["height_cm"] = [(_("BMI"), f"{bmi.bmi} ({band})" if band else str(bmi.bmi))]
            changed = ""
            if section.changed_at:
                changed = _("Last changed %(date)s by %(name)s") % {
                    "date": paper.date(section.changed_at, "short"),
                    "name": section.changed_by or "—",
                }
            sections.append(
                {
                    "key": key,
                    "label": section.label,
                    "lines": _record_rows(section, paper, extra),
                    "complete": section.complete,
                    "missing": section.missing,
                    "changed": changed,
                }
            )
        terms = [
            {
                "term": paper.num(str(r)),
                "gpa": paper.num(f"{r.gpa:.2f}") if r.gpa is not None else "—",
                "failed": ", ".join(r.failed_subjects) or "—",
                "incomplete": ", ".join(r.incomplete_subjects) or "—",
            }
            for r in record.term_results
        ]
        members = [
            {
                "relation": m.get("relation", ""),
                "age": paper.num(m.get("age")) if m.get("age") not in (None, "") else "—",
                "occupation": m.get("occupation") or "—",
            }
            for m in (record.family.household_members if record.family else [])
        ]
        return render_pdf(
            "students/pdf/cumulative_record.html",
            {
                "identity": identity,
                "sections": sections,
                "terms": terms,
                "members": members,
                "done": paper.num(record.completeness.done),
                "total": paper.num(record.completeness.total),
                "complete": record.completeness.complete,
                "signatures": _teacher_signatures(teachers),
            },
            school=school,
        )
