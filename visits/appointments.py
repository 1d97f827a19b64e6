"""Home-visit appointments (docs/portal.md): the homeroom teacher proposes a day and a time, a
parent confirms it in the portal or suggests another day with a note, the teacher sees the
answer; the teacher may cancel. Writes and reads; every write is audited under the student.

Who may propose is the visits' rule (``visits.access``: whoever records the student's visits);
who answers is a parent of the child (the portal's lookups). Telling the other side (the
notifications, with the portal's addresses) is the caller's.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_row
from carecore.dates import format_date
from carecore.models import AuditEvent
from carecore.writes import locked_row
from visits.models import VisitAppointment

Status = VisitAppointment.Status


def _day_errors(day: datetime.date | None, time: datetime.time | None, fields: tuple[str, str]):
    day_field, time_field = fields
    errors = {}
    if day is None:
        errors[day_field] = _("Choose the day of the visit.")
    elif day < timezone.localdate():
        errors[day_field] = _("The day has passed: choose today or a later day.")
    if time is None:
        errors[time_field] = _("Choose the time of the visit.")
    return errors


def _when(day, time) -> str:
    return f"{format_date(day)} {time:%H:%M}" if time else format_date(day)


@transaction.atomic
def appointment_propose(
    *, student, date, time, note: str = "", user, request=None
) -> VisitAppointment:
    """Propose a home visit to the family. A proposal still waiting for the family is replaced
    (cancelled): the family sees one proposal at a time."""
    errors = _day_errors(date, time, ("date", "time"))
    if errors:
        raise ValidationError(errors)
    VisitAppointment.objects.filter(
        student=student, school_id=student.school_id, status=Status.PROPOSED
    ).update(status=Status.CANCELLED)
    appointment = VisitAppointment.objects.create(
        school_id=student.school_id,
        student=student,
        date=date,
        time=time,
        note=(note or "").strip(),
        proposed_by=user,
    )
    audit_row(
        appointment,
        _("Proposed a home visit to the family on %(when)s") % {"when": _when(date, time)},
        user=user,
        request=request,
        action=AuditEvent.Action.CREATE,
    )
    return appointment


@transaction.atomic
def appointment_answer(
    *,
    appointment: VisitAppointment,
    confirm: bool,
    user,
    suggested_date=None,
    suggested_time=None,
    note: str = "",
    request=None,
) -> VisitAppointment:
    """A parent's answer: confirm the day, or suggest another (a day is needed, the time and a
    note are optional). A parent may change their answer until the teacher cancels or the day
    has passed; a cancelled appointment takes no answer."""
    locked = locked_row(appointment, "student", "school")
    if locked.status == Status.CANCELLED:
        raise ValidationError(
            _("The teacher cancelled this appointment: there is nothing to answer.")
        )
    if locked.date < timezone.localdate():
        raise ValidationError(_("The day of this appointment has passed."))
    note = (note or "").strip()
    if confirm:
        locked.status = Status.CONFIRMED
        locked.suggested_date = locked.suggested_time = None
        summary = _("The family confirmed the home visit of %(when)s")
    else:
        errors = {}
        if suggested_date is None:
            errors["suggested_date"] = _("Choose the day that suits you better.")
        elif suggested_date < timezone.localdate():
            errors["suggested_date"] = _("The day has passed: choose today or a later day.")
        if errors:
            raise ValidationError(errors)
        locked.status = Status.ANOTHER_DAY
        locked.suggested_date, locked.suggested_time = suggested_date, suggested_time
        summary = _("The family suggested another day for the home visit of %(when)s")
    locked.answer_note = note
    locked.answered_by = user
    locked.answered_at = timezone.now()
    locked.save()
    audit_row(
        locked,
        summary % {"when": _when(locked.date, locked.time)},
        user=user,
        request=request,
    )
    return locked


@transaction.atomic
def appointment_cancel(*, appointment: VisitAppointment, user, request=None) -> VisitAppointment:
    locked = locked_row(appointment, "student", "school")
    if locked.status == Status.CANCELLED:
        return locked
    locked.status = Status.CANCELLED
    locked.save(update_fields=["status"])
    audit_row(
        locked,
        _("Cancelled the home visit of %(when)s") % {"when": _when(locked.date, locked.time)},
        user=user,
        request=request,
    )
    return locked


# --- reads -------------------------------------------------------------------------------------
def student_appointments(*, student) -> QuerySet[VisitAppointment]:
    """The student's appointments, newest first (one query)."""
    return VisitAppointment.objects.filter(
        student=student, school_id=student.school_id
    ).select_related("proposed_by", "answered_by")


def current_appointment(*, student) -> VisitAppointment | None:
    """The appointment the family sees: the newest one not cancelled whose day (or the day the
    family suggested) has not passed."""
    today = timezone.localdate()
    for appointment in student_appointments(student=student).exclude(status=Status.CANCELLED)[:5]:
        if appointment.date >= today or (
            appointment.suggested_date and appointment.suggested_date >= today
        ):
            return appointment
    return None
