"""Reads of the cumulative record: one student's record, completeness of many students in one
query, the history of a section, and the facts screening uses (``record_facts``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from schools.models import Classroom
from students.models import Enrolment, RecordRevision, Student, TermResult
from students.record.sections import (
    SECTIONS,
    SUMMARY_FIELDS,
    Completeness,
    Section,
    SectionView,
    StudentRecord,
    completeness_annotations,
    completeness_from_annotations,
    health_bmi,
    missing_fields,
    revision_changes,
    section_rows,
    stored,
)


# --- completeness of many students -------------------------------------------------------------
def record_completeness_for_classroom(*, classroom: Classroom) -> dict[int, Completeness]:
    """{student id: Completeness} for every student of the classroom, in one query."""
    students = (
        Student.objects.filter(enrolments__classroom=classroom)
        .annotate(**completeness_annotations())
        .only("pk")
    )
    return {s.pk: completeness_from_annotations(s, classroom.grade) for s in students}


def record_completeness_for_student(*, student: Student, grade: int | None) -> Completeness:
    annotated = (
        Student.objects.filter(pk=student.pk).annotate(**completeness_annotations()).only("pk")
    ).get()
    return completeness_from_annotations(annotated, grade)


def current_grade(student: Student, academic_year) -> int | None:
    """The grade of the student's classroom in ``academic_year`` (None when not enrolled)."""
    if academic_year is None:
        return None
    return (
        Enrolment.objects.filter(student=student, academic_year=academic_year)
        .values_list("classroom__grade", flat=True)
        .first()
    )


# --- one student's record ----------------------------------------------------------------------
def _one_to_one(student: Student, related_name: str):
    try:
        return getattr(student, related_name)
    except ObjectDoesNotExist:  # the section was never saved
        return None


def record_load(
    *, student: Student, academic_year=None, today: datetime.date | None = None
) -> StudentRecord:
    """Everything the record pages and the PDF show, in three queries: the student with the
    four sections and who changed them, the term results, and the enrolment of the year."""
    today = today or timezone.localdate()
    related = [spec.related_name for spec in SECTIONS.values()]
    student = (
        Student.objects.select_related(
            "school", *related, *(f"{name}__updated_by" for name in related)
        )
        .prefetch_related(
            Prefetch(
                "term_results",
                queryset=TermResult.objects.select_related("updated_by").order_by("-year", "-term"),
            )
        )
        .get(pk=student.pk)
    )
    enrolment = None
    if academic_year is not None:
        enrolment = (
            Enrolment.objects.filter(student=student, academic_year=academic_year)
            .select_related("classroom__academic_year")
            .first()
        )
    records = {key: _one_to_one(student, spec.related_name) for key, spec in SECTIONS.items()}
    term_results = list(student.term_results.all())
    has_gpa = any(r.gpa is not None for r in term_results)
    grade = enrolment.classroom.grade if enrolment else None

    sections = {}
    for key, spec in SECTIONS.items():
        record = records[key]
        missing = missing_fields(key, record, has_gpa=has_gpa, grade=grade)
        changed = [(record.updated_at, record.updated_by)] if record is not None else []
        if key == "ability":
            changed += [(r.updated_at, r.updated_by) for r in term_results]
        changed_at, changed_by = max(changed, key=lambda c: c[0]) if changed else (None, None)
        rows = section_rows(key, record)
        sections[key] = SectionView(
            key=key,
            label=spec.label,
            record=record,
            complete=not missing,
            missing=missing,
            rows=rows,
            summary=[r for r in rows if r.name in SUMMARY_FIELDS[key]],
            changed_at=changed_at,
            changed_by=changed_by.display_name if changed_by else "",
        )
    completeness = Completeness(**{key: s.complete for key, s in sections.items()})
    return StudentRecord(
        student=student,
        enrolment=enrolment,
        **records,  # the four sections
        term_results=term_results,
        completeness=completeness,
        bmi=health_bmi(records["health"], student, today),
        sections=sections,
    )


def record_section_values(*, student: Student, section: str) -> dict:
    """The section's stored values as a dict (None or empty where nothing is recorded), e.g.
    to show them beside a home visit's answers before the teacher confirms an update."""
    spec = SECTIONS[section]
    record = spec.model.objects.filter(student=student).first()
    return {name: stored(getattr(record, name)) if record else None for name in spec.fields}


# --- history -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class HistoryEntry:
    revision: RecordRevision
    changes: list


def record_history(*, student: Student, section: str, limit: int = 50) -> list[HistoryEntry]:
    """The section's changes, newest first (at most ``limit``), each with what changed."""
    revisions = RecordRevision.objects.filter(student=student, section=section).order_by(
        "-changed_at", "-id"
    )[:limit]
    return [HistoryEntry(revision=r, changes=revision_changes(r)) for r in revisions]


# --- facts for screening -----------------------------------------------------------------------
def record_facts(student: Student, term=None, *, today: datetime.date | None = None) -> dict:
    """What the record says that screening suggestions use (docs/record.md, "Facts").

    ``term`` (a ``schools.Term``) chooses the grade-point average of that term; without it, the
    latest term that has one. Values are None (or empty lists) when not recorded. Five queries.
    """
    today = today or timezone.localdate()
    results = TermResult.objects.filter(student=student, gpa__isnull=False).order_by(
        "-year", "-term"
    )
    if term is not None:
        results = results.filter(year=term.academic_year.year, term=term.number)
    result = results.first()
    health, family, protection, ability = (
        SECTIONS[key].model.objects.filter(student=student).first()
        for key in (Section.HEALTH, Section.FAMILY, Section.PROTECTION, Section.ABILITY)
    )
    bmi = health_bmi(health, student, today)
    return {
        "gpa": result.gpa if result else None,
        "gpa_term": str(result) if result else None,
        "failed_subjects": list(result.failed_subjects) if result else [],
        "incomplete_subjects": list(result.incomplete_subjects) if result else [],
        "talents": (ability.talents if ability else "") or "",
        "awards": (ability.awards if ability else "") or "",
        "bmi": bmi.bmi if bmi else None,
        "bmi_z": round(bmi.z, 2) if bmi and bmi.z is not None else None,
        "bmi_band": bmi.band if bmi else None,
        "eyesight": (health.eyesight or None) if health else None,
        "hearing": (health.hearing or None) if health else None,
        "chronic_illness": health.has_chronic_illness if health else None,
        "disabilities": list(health.disabilities) if health else [],
        "lives_with": (family.lives_with or None) if family else None,
        "parents_status": (family.parents_status or None) if family else None,
        "household_size": family.household_size if family else None,
        "income_per_month": family.income_per_month if family else None,
        "income_per_person": family.income_per_person if family else None,
        "welfare_card": family.welfare_card if family else None,
        "equity_scholarship": (family.equity_scholarship or None) if family else None,
        "risk_notes": list(protection.risks) if protection else [],
        "risk_note": (protection.risk_note if protection else "") or "",
        "travel_mode": (protection.travel_mode or None) if protection else None,
        "travel_minutes": protection.travel_minutes if protection else None,
        "travel_distance_km": protection.travel_distance_km if protection else None,
        "travel_cost_baht": protection.travel_cost_baht if protection else None,
        "pocket_money_baht": protection.pocket_money_baht if protection else None,
    }


def students_with_record(qs: QuerySet[Student]) -> QuerySet[Student]:
    """``qs`` annotated for completeness (see students.record.sections.completeness_annotations)."""
    return qs.annotate(**completeness_annotations())
