"""Writes to the cumulative record. Every save keeps a revision (what changed, by whom, when) and
leaves an entry in the audit log; nothing is written when nothing changed.

``record_section_update`` is also the way for other features to update a section, e.g. the home
visit updating the family and travel facts once the teacher has confirmed them::

    record_section_update(
        student=student,
        section="family",
        data={"household_size": 5, "income_per_month": 6500},
        user=request.user,
        note=gettext("From the home visit of %(date)s") % {"date": format_date(visit.date)},
        request=request,
    )

Only the keys given change; the others keep their values.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from carecore.audit import audit_record, model_changes
from carecore.models import AuditEvent
from students.models import (
    RecordRevision,
    Student,
    TermResult,
)
from students.record.sections import SECTIONS, TERM_RESULT_FIELDS, stored


@dataclass(frozen=True)
class RecordSaved:
    record: object
    revision: RecordRevision | None
    created: bool

    @property
    def changed(self) -> bool:
        return self.revision is not None


def _snapshot(record, fields: Iterable[str]) -> dict:
    return {name: stored(getattr(record, name)) for name in fields}


def _saved_with_revision(
    record,
    before,
    *,
    fields: tuple[str, ...],
    section: str,
    item: str,
    summary: str,
    student: Student,
    user,
    note: str,
    request,
) -> RecordSaved:
    """Save ``record`` (``before``: a copy of it as it was, None for a new one) once the model
    accepts it, with a revision of its ``fields`` and the audit event of the change; nothing is
    written when none of the ``fields`` changed."""
    record.full_clean(exclude=["student"])
    if before is not None and _snapshot(before, fields) == _snapshot(record, fields):
        return RecordSaved(record=before, revision=None, created=False)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    record.updated_by = user if authenticated else None
    record.save()
    after = _snapshot(record, fields)
    old = _snapshot(before, fields) if before is not None else {}
    changes = {
        name: [old.get(name), value]
        for name, value in after.items()
        if old.get(name) != value and not (before is None and value in (None, "", []))
    }
    if not changes and before is not None:
        return RecordSaved(record=record, revision=None, created=False)
    revision = RecordRevision.objects.create(
        student=student,
        section=section,
        item=item,
        data=after,
        changes=changes,
        changed_by=user if authenticated else None,
        changed_by_name=(user.display_name if authenticated else "")[:200],
        note=note[:200],
    )
    audit_record(
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.CHANGE,
        user=user,
        school=getattr(request, "school", None) or student.school,
        student=student,
        obj=record,
        summary=summary,
        changes=model_changes(before, record, list(changes)),
        request=request,
    )
    return RecordSaved(record=record, revision=revision, created=before is None)


@transaction.atomic
def record_section_update(
    *, student: Student, section: str, data: Mapping, user, note: str = "", request=None
) -> RecordSaved:
    """Set the fields in ``data`` of one section of the student's record (created when it does
    not exist yet). Raises ``ValueError`` for a section or field that does not exist and
    ``ValidationError`` for values the model refuses."""
    spec = SECTIONS.get(section)
    if spec is None:
        raise ValueError(f"Unknown record section {section!r}")
    unknown = set(data) - set(spec.fields)
    if unknown:
        raise ValueError(f"Not fields of the {section} section: {sorted(unknown)}")
    record = spec.model.objects.select_for_update().filter(student=student).first()
    before = copy.copy(record) if record is not None else None
    if record is None:
        record = spec.model(student=student)
    for name, value in data.items():
        setattr(record, name, value)
    return _saved_with_revision(
        record,
        before,
        fields=spec.fields,
        section=section,
        item="",
        summary=_("Changed the cumulative record: %(section)s") % {"section": spec.label},
        student=student,
        user=user,
        note=note,
        request=request,
    )


@transaction.atomic
def term_result_save(
    *,
    student: Student,
    year: int,
    term: int,
    gpa: Decimal | None,
    failed_subjects: list[str],
    incomplete_subjects: list[str],
    user,
    note: str = "",
    request=None,
) -> RecordSaved:
    """Record (or correct) the student's grade-point average and subjects of one term."""
    result = (
        TermResult.objects.select_for_update().filter(student=student, year=year, term=term).first()
    )
    before = copy.copy(result) if result is not None else None
    if result is None:
        result = TermResult(student=student, year=year, term=term)
    result.gpa = gpa
    result.failed_subjects = list(failed_subjects)
    result.incomplete_subjects = list(incomplete_subjects)
    return _saved_with_revision(
        result,
        before,
        fields=TERM_RESULT_FIELDS,
        section=RecordRevision.Section.ABILITY,
        item=str(result),
        summary=_("Changed the grades of term %(term)s") % {"term": result},
        student=student,
        user=user,
        note=note,
        request=request,
    )
