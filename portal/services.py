"""Writes of the portal's content (docs/portal.md, "Content"): messages between a parent and the
school, consent requests and their answers, students' requests for help, and telling the other
side of each (``carecore.notifications.notify``: the kind and a link, never the child's name
nor what it is about).

Keyword-only arguments, one transaction each. Messages, consent requests and appointments are
audited under the child; a request for help is not (the audit log is the director's to read, and
the request is the counsellor's alone: docs/portal.md).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_row
from carecore.models import AuditEvent, Notification
from carecore.notifications import notify
from carecore.writes import locked_row
from portal.models import ConsentRequest, HelpRequest, Message, MessageThread
from portal.people import counsellors_of, homeroom_teachers_of
from students.access import parent_users_for
from students.consent_models import GuardianConsent
from students.consent_services import consent_give
from visits import appointments
from visits.models import VisitAppointment

MESSAGE_MAX = 4000


def _school_url(name: str, school, **kwargs) -> str:
    return reverse(f"portal_staff:{name}", kwargs={"school_code": school.code, **kwargs})


def _child_url(student) -> str:
    return reverse("portal:child", kwargs={"student_id": student.pk})


def _text(value: str, field: str, missing: str, limit: int = MESSAGE_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("Write at most %(n)s characters (this is %(m)s).")
                % {"n": limit, "m": len(text)}
            }
        )
    return text


# --- messages ----------------------------------------------------------------------------------
def thread_for(*, student, parent) -> MessageThread:
    """The thread of this parent about this child (made on first use)."""
    try:
        with transaction.atomic():
            thread, _created = MessageThread.objects.get_or_create(
                student=student, parent=parent, defaults={"school_id": student.school_id}
            )
    except IntegrityError:  # made meanwhile by the other side
        thread = MessageThread.objects.get(student=student, parent=parent)
    return thread


@transaction.atomic
def message_send(*, thread: MessageThread, author, body: str, from_family: bool, request=None):
    """Add a message to the thread and tell the other side: a parent's message goes to the
    child's homeroom teachers (FAMILY_MESSAGE_IN), the school's to the parent (FAMILY_MESSAGE)."""
    body = _text(body, "body", _("Write your message."))
    now = timezone.now()
    message = Message.objects.create(
        thread=thread, school_id=thread.school_id, author=author, body=body, from_family=from_family
    )
    read_mark = "parent_read_at" if from_family else "staff_read_at"
    MessageThread.objects.filter(pk=thread.pk).update(last_message_at=now, **{read_mark: now})
    student = thread.student
    audit_row(
        thread,
        _("The parent sent a message to the school")
        if from_family
        else _("Sent a message to the parent"),
        user=author,
        request=request,
        action=AuditEvent.Action.CREATE,
    )
    if from_family:
        notify(
            users=[u for u in homeroom_teachers_of(student) if u.pk != author.pk],
            kind=Notification.Kind.FAMILY_MESSAGE_IN,
            url=_school_url("thread", student.school, thread_id=thread.pk),
            place=student.school.name,
        )
    else:
        notify(
            users=[thread.parent],
            kind=Notification.Kind.FAMILY_MESSAGE,
            url=reverse("portal:child_messages", kwargs={"student_id": student.pk}),
            place=student.school.name,
        )
    return message


def thread_mark_read(*, thread: MessageThread, by_family: bool) -> None:
    field = "parent_read_at" if by_family else "staff_read_at"
    MessageThread.objects.filter(pk=thread.pk).update(**{field: timezone.now()})


# --- consent requests --------------------------------------------------------------------------
@transaction.atomic
def consent_request_ask(*, student, purpose: str, note: str = "", user, request=None):
    """Ask the child's parents for a consent. Refused when the consent is recorded already, or
    a request for it is waiting."""
    if purpose not in GuardianConsent.Purpose.values:
        raise ValidationError({"purpose": _("Choose what to ask the parents for.")})
    if GuardianConsent.objects.filter(
        student=student, school_id=student.school_id, purpose=purpose, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError({"purpose": _("The guardian's consent to this is already recorded.")})
    waiting = _("The parents have not answered the request for this consent yet.")
    if ConsentRequest.objects.filter(
        student=student, school_id=student.school_id, purpose=purpose, status="waiting"
    ).exists():
        raise ValidationError({"purpose": waiting})
    try:
        with transaction.atomic():
            asked = ConsentRequest.objects.create(
                school_id=student.school_id,
                student=student,
                purpose=purpose,
                note=(note or "").strip()[:2000],
                asked_by=user,
            )
    except IntegrityError:
        raise ValidationError({"purpose": waiting}) from None
    audit_row(
        asked,
        _("Asked the parents for their consent: %(purpose)s") % {"purpose": asked.purpose_label},
        user=user,
        request=request,
        action=AuditEvent.Action.CREATE,
    )
    notify(
        users=parent_users_for(student),
        kind=Notification.Kind.FAMILY_CONSENT,
        url=_child_url(student),
        place=student.school.name,
    )
    return asked


@transaction.atomic
def consent_request_answer(
    *, consent_request: ConsentRequest, yes: bool, user, guardian=None, request=None
) -> ConsentRequest:
    """A parent's answer. Yes records the consent through the students' consent service (its
    audit row and history, given by this parent in the portal); no records the refusal. The
    first answer settles the request: a second one is refused with a message."""
    locked = locked_row(consent_request, "student", "student__school")
    if locked.status != ConsentRequest.Status.WAITING:
        raise ValidationError(_("This request is answered already (or the school withdrew it)."))
    student = locked.student
    if yes:
        current = GuardianConsent.objects.filter(
            student=student,
            school_id=student.school_id,
            purpose=locked.purpose,
            withdrawn_at__isnull=True,
        ).first()
        locked.consent = current or consent_give(
            student=student,
            purpose=locked.purpose,
            given_on=timezone.localdate(),
            method=GuardianConsent.Method.PORTAL,
            user=user,
            guardian=guardian
            if guardian is not None and guardian.student_id == student.pk
            else None,
            given_by=user.display_name,
            note=_("Answered in the parents' portal."),
            request=request,
        )
        locked.status = ConsentRequest.Status.GIVEN
    else:
        locked.status = ConsentRequest.Status.REFUSED
        audit_row(
            locked,
            _("The parent did not consent: %(purpose)s") % {"purpose": locked.purpose_label},
            user=user,
            request=request,
        )
    locked.answered_by = user
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_by", "answered_at", "consent"])
    return locked


@transaction.atomic
def consent_request_cancel(*, consent_request: ConsentRequest, user, request=None):
    locked = locked_row(consent_request, "student", "student__school")
    if locked.status != ConsentRequest.Status.WAITING:
        return locked
    locked.status = ConsentRequest.Status.CANCELLED
    locked.save(update_fields=["status"])
    audit_row(
        locked,
        _("Withdrew the request for the parents' consent: %(purpose)s")
        % {"purpose": locked.purpose_label},
        user=user,
        request=request,
    )
    return locked


# --- home-visit appointments (the model and its writes are visits') ------------------------------
def appointment_propose(*, student, user, request=None, **data) -> VisitAppointment:
    """Propose the visit (visits.appointments) and tell the parents (FAMILY_APPOINTMENT)."""
    with transaction.atomic():
        appointment = appointments.appointment_propose(
            student=student, user=user, request=request, **data
        )
        notify(
            users=parent_users_for(student),
            kind=Notification.Kind.FAMILY_APPOINTMENT,
            url=_child_url(student),
            place=student.school.name,
        )
    return appointment


def appointment_answer(*, appointment, user, request=None, **data) -> VisitAppointment:
    """The parent's answer (visits.appointments), told to whoever proposed the visit and the
    child's homeroom teachers (APPOINTMENT_ANSWERED)."""
    with transaction.atomic():
        answered = appointments.appointment_answer(
            appointment=appointment, user=user, request=request, **data
        )
        student = answered.student
        notify(
            users=[answered.proposed_by, *homeroom_teachers_of(student)],
            kind=Notification.Kind.APPOINTMENT_ANSWERED,
            url=_school_url("student_appointments", student.school, student_id=student.pk),
            place=student.school.name,
        )
    return answered


# --- requests for help -------------------------------------------------------------------------
@transaction.atomic
def help_request_send(*, student, author, body: str, contact: str) -> HelpRequest:
    """A student's confidential request; the school's counsellors are told (HELP_REQUEST)."""
    body = _text(body, "body", _("Write what you would like help with."))
    if contact not in HelpRequest.Contact.values:
        raise ValidationError({"contact": _("Choose how you would like to talk.")})
    sent = HelpRequest.objects.create(
        school_id=student.school_id, student=student, author=author, body=body, contact=contact
    )
    notify(
        users=counsellors_of(student.school),
        kind=Notification.Kind.HELP_REQUEST,
        url=_school_url("help_detail", student.school, help_id=sent.pk),
        place=student.school.name,
    )
    return sent


@transaction.atomic
def help_request_answer(*, help_request: HelpRequest, answer: str, user) -> HelpRequest:
    """The counsellor's answer (it may be written again: the newest stands); the student is told
    (HELP_ANSWERED)."""
    answer = _text(answer, "answer", _("Write your answer to the student."))
    HelpRequest.objects.filter(pk=help_request.pk, school_id=help_request.school_id).update(
        answer=answer,
        answered_by=user,
        answered_at=timezone.now(),
        status=HelpRequest.Status.ANSWERED,
        student_read_at=None,
    )
    help_request.refresh_from_db()
    if help_request.author_id:
        notify(
            users=[help_request.author],
            kind=Notification.Kind.HELP_ANSWERED,
            url=reverse("portal:my_help_detail", kwargs={"help_id": help_request.pk}),
            place=help_request.school.name,
        )
    return help_request


def help_request_read(*, help_request: HelpRequest) -> None:
    """The student opened the answer."""
    HelpRequest.objects.filter(pk=help_request.pk).update(student_read_at=timezone.now())
