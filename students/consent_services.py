"""Writes of guardian consent (PDPA, docs/privacy.md): record a consent, withdraw it.

Withdrawing never deletes the consent row (the history stays); it stops the processing the
consent allowed, in the same transaction:
- photos at home visits: every home-visit photo of the student is deleted (after the person
  confirmed on a page that says how many), each with an audit row; the visits stay;
- data sent to outside agencies: every open external referral of the student gets a note in its
  log and shows "consent withdrawn" to the sender, who tells the agency and decides; what was
  sent is kept as the record of what happened.
Every change is audited (carecore.audit).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_record, model_changes
from carecore.dates import format_date
from carecore.models import AuditEvent
from students.consent_models import GuardianConsent
from students.consent_uses import consent_uses

Purpose = GuardianConsent.Purpose

GIVE_FIELDS = ("purpose", "given_by", "given_on", "method", "note")
WITHDRAW_FIELDS = ("withdrawn_on", "withdrawn_reason")


@dataclass(frozen=True)
class Withdrawal:
    consent: GuardianConsent
    photos_deleted: int = 0
    referrals_marked: list = field(default_factory=list)


def already_recorded_message() -> str:
    return _(
        "The guardian's consent to this is already recorded. Withdraw it first to record it again."
    )


def consent_giver_errors(given_by: str, given_on, by_field: str, on_field: str) -> dict[str, str]:
    """What is missing or wrong in who gave a guardian's consent and when (a consent recorded
    here, a referral's), by the form's field names."""
    errors = {}
    if not given_by:
        errors[by_field] = _("Write who gave consent (name and relation to the student).")
    if given_on is None:
        errors[on_field] = _("Write the day consent was given.")
    elif given_on > timezone.localdate():
        errors[on_field] = _("Consent cannot be dated in the future.")
    return errors


def _purpose_label(purpose: str) -> str:
    return str(Purpose(purpose).label)


def _audit(consent: GuardianConsent, before: GuardianConsent | None, user, request) -> None:
    """The audit row of a consent recorded (``before`` None) or withdrawn."""
    if before is None:
        action, fields = AuditEvent.Action.CREATE, GIVE_FIELDS
        summary = _("Recorded the guardian's consent: %(purpose)s")
    else:
        action, fields = AuditEvent.Action.CHANGE, WITHDRAW_FIELDS
        summary = _("Recorded that the guardian withdrew consent: %(purpose)s")
    student = consent.student
    audit_record(
        action=action,
        user=user,
        school=student.school,
        student=student,
        obj=consent,
        summary=summary % {"purpose": _purpose_label(consent.purpose)},
        changes=model_changes(before, consent, fields),
        request=request,
    )


@transaction.atomic
def consent_give(
    *,
    student,
    purpose: str,
    given_on: datetime.date,
    method: str,
    user,
    guardian=None,
    given_by: str = "",
    note: str = "",
    request=None,
) -> GuardianConsent:
    """Record that a guardian consented to ``purpose`` for ``student``.

    Raises ValidationError (messages for the person, by field) for a day in the future, a
    guardian of another student, no name, or a consent to the same purpose that is current."""
    errors: dict[str, str] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose what the guardian consented to.")
    if method not in GuardianConsent.Method.values:
        errors["method"] = _("Choose how the guardian gave consent.")
    if guardian is not None and guardian.student_id != student.pk:
        errors["guardian"] = _("Choose one of this student's guardians.")
    given_by = (given_by or "").strip() or (str(guardian) if guardian is not None else "")
    errors |= consent_giver_errors(given_by, given_on, "given_by", "given_on")
    if errors:
        raise ValidationError(errors)
    if GuardianConsent.objects.filter(
        student=student, school_id=student.school_id, purpose=purpose, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError(already_recorded_message())
    consent = GuardianConsent(
        school_id=student.school_id,
        student=student,
        purpose=purpose,
        guardian=guardian,
        given_by=given_by[:200],
        given_on=given_on,
        method=method,
        note=(note or "").strip(),
        recorded_by=user,
    )
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        # Someone recorded the same consent at the same moment.
        raise ValidationError(already_recorded_message()) from None
    _audit(consent, None, user, request)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: GuardianConsent,
    withdrawn_on: datetime.date,
    user,
    reason: str = "",
    request=None,
) -> Withdrawal:
    """Withdraw a current consent and stop what it allowed (see the module's docstring).

    Raises ValidationError for a consent withdrawn already, or a day in the future or before
    the consent was given."""
    locked = (
        GuardianConsent.objects.select_for_update()
        .filter(pk=consent.pk, school_id=consent.school_id)
        .first()
    )
    if locked is None or not locked.is_current:
        raise ValidationError(_("This consent was withdrawn already."))
    errors: dict[str, str] = {}
    if withdrawn_on is None:
        errors["withdrawn_on"] = _("Write the day the guardian withdrew consent.")
    elif withdrawn_on > timezone.localdate():
        errors["withdrawn_on"] = _("A withdrawal cannot be dated in the future.")
    elif withdrawn_on < locked.given_on:
        errors["withdrawn_on"] = _(
            "Consent was given on %(date)s: the withdrawal cannot be earlier."
        ) % {"date": format_date(locked.given_on)}
    if errors:
        raise ValidationError(errors)
    before = GuardianConsent(withdrawn_on=None, withdrawn_reason="")
    locked.withdrawn_on = withdrawn_on
    locked.withdrawn_reason = (reason or "").strip()
    locked.withdrawn_by = user
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_on", "withdrawn_reason", "withdrawn_by", "withdrawn_at"])
    _audit(locked, before, user, request)
    student = locked.student
    done: dict = {}
    for use in consent_uses(locked.purpose):
        done |= use.stop(student=student, user=user, request=request)
    return Withdrawal(locked, **done)
