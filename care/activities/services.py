"""Recording care activities (steps 3 and 4): a homeroom session, a classroom parent meeting,
talent development, buddy pairs, remedial teaching, an activity in or outside class, a
counselling session, a contact with parents.

Views check who may do what (carecore.access) and write the audit events; these functions keep
the rows consistent: the term comes from the date, the category from the kind
(``care.models.ACTIVITY_CATEGORY``), kind-specific facts go into ``details`` and nothing else
does, counselling notes only on counselling sessions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from care.models import ACTIVITY_CATEGORY, Activity, ActivityKind, ActivityParticipant
from carecore.dates import format_date
from carecore.writes import acting_user
from schools.models import Term

# The facts each kind keeps in ``Activity.details``.
KIND_DETAILS: dict[str, tuple[str, ...]] = {
    ActivityKind.PARENT_MEETING: ("parents_present", "issues", "agreements"),
    ActivityKind.BUDDY: ("subject",),
    ActivityKind.REMEDIAL: ("subject",),
    ActivityKind.PARENT_CONTACT: ("method",),
}


def term_for_date(day: datetime.date) -> Term | None:
    """The term whose dates contain ``day`` (None in the breaks between terms)."""
    return (
        Term.objects.select_related("academic_year")
        .filter(start__lte=day, end__gte=day)
        .order_by("start")
        .first()
    )


def _term_or_error(day: datetime.date) -> Term:
    term = term_for_date(day)
    if term is None:
        raise ValidationError(
            _(
                "No term contains %(date)s (it falls in a break between terms, or the academic "
                "year is not set up). Choose a date within a term."
            )
            % {"date": format_date(day, "long")},
            code="no_term",
        )
    return term


def _clean_details(kind: str, details: dict | None) -> dict:
    keep = KIND_DETAILS.get(kind, ())
    cleaned = {}
    for key, value in (details or {}).items():
        if key in keep and value not in (None, ""):
            cleaned[key] = value
    return cleaned


def _participants(
    activity: Activity, students: Iterable, pairs: Sequence[tuple]
) -> list[ActivityParticipant]:
    """Rows for the students; for buddy pairs, each pair's helper and helped with their partner."""
    rows: dict[int, ActivityParticipant] = {}
    Role = ActivityParticipant.Role
    for helper, helped in pairs:
        for student, role, partner in (
            (helper, Role.HELPER, helped),
            (helped, Role.HELPED, helper),
        ):
            rows[student.pk] = ActivityParticipant(
                activity=activity,
                school_id=activity.school_id,
                student=student,
                role=role,
                partner=partner,
            )
    for student in students:
        if student.pk not in rows:
            rows[student.pk] = ActivityParticipant(
                activity=activity, school_id=activity.school_id, student=student
            )
    return list(rows.values())


def _check(*, school, kind: str, students: list, pairs: Sequence[tuple]) -> None:
    if kind not in ActivityKind.values:
        raise ValidationError(_("Unknown kind of activity."), code="kind")
    everyone = [*students, *(s for pair in pairs for s in pair)]
    if not everyone:
        raise ValidationError(_("Choose at least one student."), code="no_students")
    if any(s.school_id != school.pk for s in everyone):
        raise ValidationError(_("A student of another school was chosen."), code="school")
    if kind == ActivityKind.BUDDY and not pairs:
        raise ValidationError(_("Buddy pairs need at least one pair."), code="no_pairs")
    paired = [s.pk for pair in pairs for s in pair]
    if len(paired) != len(set(paired)):
        raise ValidationError(_("A student can be in one pair only."), code="pairs")


@transaction.atomic
def activity_record(
    *,
    school,
    kind: str,
    date: datetime.date,
    topic: str,
    user,
    students: Iterable = (),
    pairs: Sequence[tuple] = (),
    classroom=None,
    notes: str = "",
    sensitive_notes: str = "",
    details: dict | None = None,
    attachment=None,
    attachment_name: str = "",
) -> Activity:
    """Record an activity with its participants. ``pairs`` are (helper, helped) students of a
    buddy activity; ``attachment`` an uploaded file (validated by the form). Raises
    ValidationError for a date outside every term, no students, or another school's student."""
    students = list(students)
    pairs = list(pairs) if kind == ActivityKind.BUDDY else []
    _check(school=school, kind=kind, students=students, pairs=pairs)
    term = _term_or_error(date)
    activity = Activity(
        school=school,
        term=term,
        classroom=classroom,
        kind=kind,
        category=ACTIVITY_CATEGORY[kind],
        date=date,
        topic=topic.strip(),
        notes=notes.strip(),
        sensitive_notes=sensitive_notes.strip() if kind == ActivityKind.COUNSELLING else "",
        details=_clean_details(kind, details),
        recorded_by=acting_user(user),
    )
    if attachment is not None:
        activity.attachment_name = (attachment_name or attachment.name)[:200]
        activity.attachment.save(attachment.name, attachment, save=False)
    activity.save()
    ActivityParticipant.objects.bulk_create(_participants(activity, students, pairs))
    return activity


def _delete_file_after_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    kind: str,
    date: datetime.date,
    topic: str,
    students: Iterable = (),
    pairs: Sequence[tuple] = (),
    notes: str = "",
    sensitive_notes: str = "",
    details: dict | None = None,
    attachment=None,
    attachment_name: str = "",
    remove_attachment: bool = False,
) -> Activity:
    """Change an activity; its participants become exactly ``students`` and ``pairs``."""
    students = list(students)
    pairs = list(pairs) if kind == ActivityKind.BUDDY else []
    _check(school=activity.school, kind=kind, students=students, pairs=pairs)
    activity.term = _term_or_error(date)
    activity.kind = kind
    activity.category = ACTIVITY_CATEGORY[kind]
    activity.date = date
    activity.topic = topic.strip()
    activity.notes = notes.strip()
    activity.sensitive_notes = sensitive_notes.strip() if kind == ActivityKind.COUNSELLING else ""
    activity.details = _clean_details(kind, details)
    old_file = activity.attachment.name if activity.attachment else ""
    storage = activity.attachment.storage
    if attachment is not None:
        activity.attachment_name = (attachment_name or attachment.name)[:200]
        activity.attachment.save(attachment.name, attachment, save=False)
        _delete_file_after_commit(old_file, storage)
    elif remove_attachment and old_file:
        activity.attachment = ""
        activity.attachment_name = ""
        _delete_file_after_commit(old_file, storage)
    activity.save()
    activity.participants.all().delete()
    ActivityParticipant.objects.bulk_create(_participants(activity, students, pairs))
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    """Delete an activity, its participants and its attachment."""
    name = activity.attachment.name if activity.attachment else ""
    storage = activity.attachment.storage
    activity.delete()
    _delete_file_after_commit(name, storage)
