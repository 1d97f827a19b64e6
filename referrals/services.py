"""Writes of referrals (step 5, docs/referrals.md): refer inside the school or to an agency,
accept, note progress, write the result back, record the agency's result, follow up, close.

Every step writes a ``ReferralUpdate`` (the referral's dated log) and an audit event, and tells
whom it concerns (carecore.notifications: a row on their home page and an e-mail with only a
link). Steps that change the referral's own fields take the ``revision`` the form was opened
at: when someone saved since, ``StaleForm`` is raised and nothing is written.

Who may call which step is decided by the views through carecore.access; these functions check
the referral's state and the values.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from carecore.audit import audit_row
from carecore.dates import format_date
from carecore.models import AuditEvent, Membership, Notification, User
from carecore.notifications import notify
from carecore.writes import StaleRevision, acting_user, bump_revision, refuse_stale
from referrals.agency_services import agencies_for_school
from referrals.models import (
    ANSWER_DAYS,
    INTERNAL_ROLES,
    Referral,
    ReferralUpdate,
)
from students.consent_services import consent_giver_errors

Status = Referral.Status


class StaleForm(StaleRevision):
    """Someone changed the referral after this person opened the form; nothing was written."""


# --- helpers -----------------------------------------------------------------------------------


def referral_url(referral: Referral) -> str:
    """The referral's page (an absolute path), for notifications."""
    return reverse(
        "referrals:referral_detail",
        kwargs={"school_code": referral.school.code, "referral_id": referral.pk},
    )


def role_holders(*, school, role: str) -> list[User]:
    """The active staff holding ``role`` at ``school``."""
    return list(
        User.objects.filter(
            is_active=True, memberships__school=school, memberships__role=role
        ).distinct()
    )


def school_staff(*, school) -> list[User]:
    """Every active staff member of the school (anyone holding a role there), by name."""
    return list(
        User.objects.filter(is_active=True, memberships__school=school)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def recipients(referral: Referral) -> list[User]:
    """Whom an internal referral goes to: the named staff member, or every holder of the role.
    An external referral goes to an agency: nobody in the system."""
    if referral.kind != Referral.Kind.INTERNAL:
        return []
    if referral.to_user_id:
        user = referral.to_user
        return [user] if user.is_active else []
    return role_holders(school=referral.school, role=referral.to_role)


def _log(referral: Referral, kind: str, user, text: str = "", date=None) -> ReferralUpdate:
    return ReferralUpdate.objects.create(
        referral=referral,
        school_id=referral.school_id,
        by=acting_user(user),
        kind=kind,
        text=(text or "").strip(),
        date=date,
    )


def _tell(referral: Referral, *, users, kind: str, actor) -> None:
    """Notify ``users`` (the person who acted excluded)."""
    actor_id = getattr(actor, "pk", None)
    notify(
        users=[u for u in users if u is not None and u.pk != actor_id],
        kind=kind,
        url=referral_url(referral),
        place=referral.school.name,
    )


def _tell_sender(referral: Referral, kind: str, actor) -> None:
    _tell(referral, users=[referral.sender], kind=kind, actor=actor)


def _locked(referral: Referral, revision: int | None) -> Referral:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("school", "student", "sender", "to_user", "agency")
        .get(pk=referral.pk)
    )
    return refuse_stale(locked, revision, StaleForm)


def _open_or_refuse(referral: Referral) -> None:
    if referral.status == Status.CLOSED:
        raise ValidationError(_("This referral is closed."))


def _text(value) -> str:
    return (value or "").strip()


def _not_future(day: datetime.date | None, field: str, message: str, errors: dict) -> None:
    if day is not None and day > timezone.localdate():
        errors[field] = message


# --- create ------------------------------------------------------------------------------------
def _check_internal_recipient(*, school, sender, to_role: str, to_user) -> dict:
    errors = {}
    if bool(to_role) == bool(to_user):
        errors["to_role"] = _("Choose a role or a staff member (one of the two).")
        return errors
    if to_role:
        if to_role not in INTERNAL_ROLES:
            errors["to_role"] = _("Choose one of the roles listed.")
        elif not Membership.objects.filter(
            school=school, role=to_role, user__is_active=True
        ).exists():
            errors["to_role"] = _(
                "Nobody holds this role at the school yet; choose a staff member by name."
            )
    else:
        if sender is not None and to_user.pk == sender.pk:
            errors["to_user"] = _("You cannot refer a student to yourself.")
        elif (
            not to_user.is_active
            or not Membership.objects.filter(school=school, user=to_user).exists()
        ):
            errors["to_user"] = _("Choose a staff member of this school.")
    return errors


def _check_consent(*, consent, consent_by, consent_on, not_asked_reason, sent_on) -> dict:
    errors = {}
    if consent == Referral.Consent.GIVEN:
        errors |= consent_giver_errors(consent_by, consent_on, "consent_by", "consent_on")
    elif consent == Referral.Consent.NOT_ASKED:
        if not not_asked_reason:
            errors["consent_not_asked_reason"] = _(
                "Write why the guardian could not be asked (for example an emergency)."
            )
    else:
        errors["consent"] = _("Record the guardian's consent, or why it could not be asked.")
    return errors


@transaction.atomic
def referral_create(
    *,
    student,
    kind: str,
    sender,
    reason: str,
    what_is_asked: str,
    help_given: str = "",
    sensitive_notes: str = "",
    urgency: str = Referral.Urgency.NORMAL,
    sent_on: datetime.date | None = None,
    answer_due: datetime.date | None = None,
    to_role: str = "",
    to_user=None,
    agency=None,
    consent: str = "",
    consent_by: str = "",
    consent_on: datetime.date | None = None,
    consent_not_asked_reason: str = "",
    request=None,
) -> Referral:
    """Refer ``student``: internally to a role of the school (every holder receives it) or to a
    named staff member; externally to an agency of the district's directory in use, with the
    guardian's consent or the reason it could not be asked. The recipients are told."""
    from care.models import CarePlan

    school = student.school
    today = timezone.localdate()
    sent_on = sent_on or today
    errors: dict = {}
    reason, what_is_asked = _text(reason), _text(what_is_asked)
    if not reason:
        errors["reason"] = _("Write the problem observed.")
    if not what_is_asked:
        errors["request"] = _("Write what you ask the recipient to do.")
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = _("Choose the urgency.")
    _not_future(sent_on, "sent_on", _("A referral cannot be dated in the future."), errors)
    if answer_due is None:
        answer_due = sent_on + datetime.timedelta(days=ANSWER_DAYS.get(kind, 3))
    elif answer_due < sent_on:
        errors["answer_due"] = _("The answer cannot be due before the referral is sent.")

    if kind == Referral.Kind.INTERNAL:
        errors |= _check_internal_recipient(
            school=school, sender=sender, to_role=to_role or "", to_user=to_user
        )
        agency = None
        consent, consent_by, consent_on, consent_not_asked_reason = "", "", None, ""
    elif kind == Referral.Kind.EXTERNAL:
        to_role, to_user = "", None
        if agency is None or not agencies_for_school(school).filter(pk=agency.pk).exists():
            errors["agency"] = _("Choose an agency of the district's directory.")
        consent_by, consent_not_asked_reason = _text(consent_by), _text(consent_not_asked_reason)
        errors |= _check_consent(
            consent=consent,
            consent_by=consent_by,
            consent_on=consent_on,
            not_asked_reason=consent_not_asked_reason,
            sent_on=sent_on,
        )
        if consent == Referral.Consent.GIVEN:
            consent_not_asked_reason = ""
        elif consent == Referral.Consent.NOT_ASKED:
            consent_by, consent_on = "", None
    else:
        errors["kind"] = _("Choose internal or external.")
    if errors:
        raise ValidationError(errors)

    plan = (
        CarePlan.objects.filter(student=student)
        .exclude(status=CarePlan.Status.CLOSED)
        .order_by("-opened_on", "-pk")
        .first()
    )
    referral = Referral.objects.create(
        school=school,
        student=student,
        kind=kind,
        sender=acting_user(sender),
        sent_on=sent_on,
        to_role=to_role or "",
        to_user=to_user,
        agency=agency,
        reason=reason,
        help_given=_text(help_given),
        request=what_is_asked,
        sensitive_notes=_text(sensitive_notes),
        urgency=urgency,
        answer_due=answer_due,
        consent=consent,
        consent_by=consent_by,
        consent_on=consent_on,
        consent_not_asked_reason=consent_not_asked_reason,
        care_plan=plan,
    )
    _log(referral, ReferralUpdate.Kind.SENT, sender)
    audit_row(
        referral,
        _("Referred the student to %(whom)s") % {"whom": referral.recipient_label},
        action=AuditEvent.Action.CREATE,
        user=sender,
        request=request,
    )
    _tell(
        referral,
        users=recipients(referral),
        kind=Notification.Kind.REFERRAL_RECEIVED,
        actor=sender,
    )
    return referral


def _result_saved(locked, fields, kind: str, summary: str, user, request, date=None) -> Referral:
    """Save the result just written on the referral (its ``fields``), log it as ``kind``, audit
    it and tell the sender."""
    bump_revision(locked, *fields)
    text = locked.result if kind == ReferralUpdate.Kind.RESULT else locked.agency_result
    _log(locked, kind, user, text, date=date)
    audit_row(locked, summary, user=user, request=request)
    _tell_sender(locked, Notification.Kind.REFERRAL_RESULT, user)
    return locked


# --- the recipient's steps ---------------------------------------------------------------------
@transaction.atomic
def referral_accept(
    *,
    referral: Referral,
    user,
    revision: int | None = None,
    result_due: datetime.date | None = None,
    note: str = "",
    request=None,
) -> Referral:
    """Accept the referral (internal: the recipient takes it on; external: the agency's
    acknowledgement came back). ``result_due``: when the result is expected. The sender is
    told."""
    locked = _locked(referral, revision)
    _open_or_refuse(locked)
    if locked.status != Status.SENT:
        raise ValidationError(_("This referral was already accepted."))
    if result_due is not None and result_due < timezone.localdate():
        raise ValidationError({"result_due": _("The result cannot be due in the past.")})
    locked.status = Status.ACCEPTED
    locked.accepted_by = acting_user(user)
    locked.accepted_at = timezone.now()
    locked.result_due = result_due
    bump_revision(locked, "status", "accepted_by", "accepted_at", "result_due")
    _log(locked, ReferralUpdate.Kind.ACCEPTED, user, note)
    audit_row(locked, _("Accepted a referral"), user=user, request=request)
    _tell_sender(locked, Notification.Kind.REFERRAL_ACCEPTED, user)
    return locked


@transaction.atomic
def referral_progress_note(*, referral: Referral, user, text: str, request=None) -> ReferralUpdate:
    """A note of what was done so far (internal referrals, by the recipient once accepted); the
    referral is then in progress."""
    locked = _locked(referral, None)
    _open_or_refuse(locked)
    if locked.status == Status.SENT:
        raise ValidationError(_("Accept the referral first."))
    if not _text(text):
        raise ValidationError({"text": _("Write what was done.")})
    if locked.status == Status.ACCEPTED:
        locked.status = Status.IN_PROGRESS
        bump_revision(locked, "status")
    update = _log(locked, ReferralUpdate.Kind.PROGRESS, user, text)
    audit_row(locked, _("Added a progress note to a referral"), user=user, request=request)
    return update


@transaction.atomic
def referral_result(
    *,
    referral: Referral,
    user,
    result: str,
    outcome: str,
    revision: int | None = None,
    request=None,
) -> Referral:
    """The recipient of an internal referral writes the result back and closes it; the sender
    is told and sees the result."""
    locked = _locked(referral, revision)
    _open_or_refuse(locked)
    if locked.kind != Referral.Kind.INTERNAL:
        raise ValidationError(_("An external referral gets the agency's result instead."))
    errors = {}
    if not _text(result):
        errors["result"] = _("Write the result: what was done and how the student is now.")
    if outcome not in Referral.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields = ["status", "result", "outcome", "closed_by", "closed_at"]
    if locked.accepted_at is None:
        locked.accepted_by, locked.accepted_at = acting_user(user), now
        fields += ["accepted_by", "accepted_at"]
    locked.status = Status.CLOSED
    locked.result = _text(result)
    locked.outcome = outcome
    locked.closed_by = acting_user(user)
    locked.closed_at = now
    summary = _("Wrote the result of a referral: %(outcome)s") % {
        "outcome": locked.get_outcome_display()
    }
    return _result_saved(locked, fields, ReferralUpdate.Kind.RESULT, summary, user, request)


# --- external referrals: the agency's result, follow-ups, closing --------------------------------
# What is wrong with a day written about a sent referral, by field: none written, after today,
# before the referral was sent (%(date)s).
DAY_PROBLEMS = {
    "received_on": (
        gettext_lazy("Write the day the result came back."),
        gettext_lazy("The result cannot be received in the future."),
        gettext_lazy("The result cannot come back before the referral was sent (%(date)s)."),
    ),
    "date": (
        gettext_lazy("Write the day of the follow-up."),
        gettext_lazy("A follow-up cannot be recorded for a day in the future."),
        gettext_lazy("The follow-up is dated before the referral was sent (%(date)s)."),
    ),
}


def _day_problem(field: str, day: datetime.date | None, referral: Referral) -> dict:
    """``{field: what is wrong with the day}`` (DAY_PROBLEMS), or {} when it is fine."""
    missing, future, early = DAY_PROBLEMS[field]
    if day is None:
        return {field: missing}
    if day > timezone.localdate():
        return {field: future}
    if day < referral.sent_on:
        return {field: early % {"date": format_date(referral.sent_on)}}
    return {}


@transaction.atomic
def agency_result_record(
    *,
    referral: Referral,
    user,
    received_on: datetime.date,
    agency_person: str,
    agency_result: str,
    recommendations: str = "",
    revision: int | None = None,
    request=None,
) -> Referral:
    """Record the agency's result report (แบบรายงานแจ้งผลการช่วยเหลือ) when it comes back; it may be
    corrected while the referral is open. The sender is told."""
    locked = _locked(referral, revision)
    _open_or_refuse(locked)
    if locked.kind != Referral.Kind.EXTERNAL:
        raise ValidationError(_("Only an external referral has an agency's result."))
    errors = _day_problem("received_on", received_on, locked)
    if not _text(agency_result):
        errors["agency_result"] = _("Write the help the agency gave.")
    if errors:
        raise ValidationError(errors)
    first = not locked.agency_result
    fields = [
        "result_received_on",
        "agency_person",
        "agency_result",
        "agency_recommendations",
    ]
    if locked.status in (Status.SENT, Status.ACCEPTED):
        if locked.accepted_at is None:
            locked.accepted_by, locked.accepted_at = acting_user(user), timezone.now()
            fields += ["accepted_by", "accepted_at"]
        locked.status = Status.IN_PROGRESS
        fields.append("status")
    locked.result_received_on = received_on
    locked.agency_person = _text(agency_person)
    locked.agency_result = _text(agency_result)
    locked.agency_recommendations = _text(recommendations)
    summary = (
        _("Recorded the agency's result of a referral")
        if first
        else _("Corrected the agency's result of a referral")
    )
    kind = ReferralUpdate.Kind.AGENCY_RESULT
    return _result_saved(locked, fields, kind, summary, user, request, date=received_on)


@transaction.atomic
def referral_follow_up(
    *, referral: Referral, user, date: datetime.date, text: str, request=None
) -> ReferralUpdate:
    """A dated follow-up of an open referral (a call to the agency, a meeting, how the student
    is doing). Once the referral was accepted, it is in progress."""
    locked = _locked(referral, None)
    _open_or_refuse(locked)
    errors = _day_problem("date", date, locked)
    if not _text(text):
        errors["text"] = _("Write what was done.")
    if errors:
        raise ValidationError(errors)
    if locked.status == Status.ACCEPTED:
        locked.status = Status.IN_PROGRESS
        bump_revision(locked, "status")
    update = _log(locked, ReferralUpdate.Kind.FOLLOW_UP, user, text, date=date)
    audit_row(
        locked,
        _("Added a follow-up to a referral (%(date)s)") % {"date": format_date(date)},
        user=user,
        request=request,
    )
    return update


@transaction.atomic
def referral_close(
    *,
    referral: Referral,
    user,
    outcome: str,
    note: str = "",
    revision: int | None = None,
    request=None,
) -> Referral:
    """Close the referral with its outcome (the sender, the counsellor or the coordinator): an
    external referral once the case is settled, an internal one that is no longer needed. The
    sender is told when someone else closed it."""
    locked = _locked(referral, revision)
    _open_or_refuse(locked)
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    note = _text(note)
    locked.status = Status.CLOSED
    locked.outcome = outcome
    if note:
        locked.result = note
    locked.closed_by = acting_user(user)
    locked.closed_at = timezone.now()
    bump_revision(locked, "status", "outcome", "result", "closed_by", "closed_at")
    _log(locked, ReferralUpdate.Kind.CLOSED, user, note)
    audit_row(
        locked,
        _("Closed a referral: %(outcome)s") % {"outcome": locked.get_outcome_display()},
        user=user,
        request=request,
    )
    _tell_sender(locked, Notification.Kind.REFERRAL_RESULT, user)
    return locked


# --- overdue -----------------------------------------------------------------------------------
def overdue_q(today: datetime.date) -> Q:
    """Overdue: sent and not accepted by ``answer_due``, or accepted and without a result by
    ``result_due``."""
    return Q(status=Status.SENT, answer_due__lt=today) | Q(
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS), result_due__lt=today
    )


def referrals_overdue_notify(*, today: datetime.date | None = None) -> int:
    """Tell the recipients of referrals newly past ``answer_due`` (still not accepted) that an
    answer waits, once per referral; for an external referral, the sender (who chases the
    agency). Returns how many referrals were announced. Runs from the periodic task, across
    every school."""
    today = today or timezone.localdate()
    count = 0
    with scopes_disabled():
        late = list(
            Referral.objects.filter(
                status=Status.SENT, answer_due__lt=today, overdue_notified__isnull=True
            ).select_related("school", "to_user", "sender")
        )
        for referral in late:
            with transaction.atomic():
                claimed = Referral.objects.filter(
                    pk=referral.pk, overdue_notified__isnull=True
                ).update(overdue_notified=timezone.now())
                if not claimed:
                    continue
                users = (
                    recipients(referral)
                    if referral.kind == Referral.Kind.INTERNAL
                    else [referral.sender]
                )
                notify(
                    users=[u for u in users if u is not None],
                    kind=Notification.Kind.REFERRAL_OVERDUE,
                    url=referral_url(referral),
                    place=referral.school.name,
                )
                count += 1
    return count


# --- guardian consent withdrawn (PDPA, students/consent_services.py) ---------------------------
def external_referrals_consent_withdrawn(*, student, user, request=None) -> list[Referral]:
    """The guardian withdrew consent to sending the child's data to outside agencies: every open
    external referral of the student gets a note in its log and an audit row, and shows "consent
    withdrawn" to whoever opens it (students.consent_selectors.external_consent_withdrawal)
    until the sender acts (tells the agency, closes it). What was sent is kept as it was."""
    referrals = list(
        Referral.objects.filter(
            school_id=student.school_id,
            student=student,
            kind=Referral.Kind.EXTERNAL,
            status__in=Referral.OPEN_STATUSES,
        ).select_related("school", "student", "agency")
    )
    for referral in referrals:
        _log(
            referral,
            ReferralUpdate.Kind.PROGRESS,
            user,
            _(
                "The guardian withdrew consent to sending the student's data to outside "
                "agencies. Tell the agency and decide whether the referral can go on."
            ),
        )
        audit_row(
            referral,
            _("Marked referral %(number)s: the guardian withdrew consent")
            % {"number": referral.number},
            user=user,
            request=request,
        )
    return referrals


def consent_withdrawal_preview(student) -> dict:
    """The open external referrals that withdrawing consent will flag (students.consent_uses)."""
    referrals = Referral.objects.filter(
        school_id=student.school_id,
        student=student,
        kind=Referral.Kind.EXTERNAL,
        status__in=Referral.OPEN_STATUSES,
    ).select_related("agency")
    return {"referrals": list(referrals)}


def consent_withdrawal_stop(*, student, user, request=None) -> dict:
    return {
        "referrals_marked": external_referrals_consent_withdrawn(
            student=student, user=user, request=request
        )
    }
