"""Referral papers (docs/referrals.md, "The letter"):

- the referral letter (แบบบันทึกการส่งต่อนักเรียน): the school's header, to whom, the student, the
  reason, the help already given, what is asked, the guardian's consent, and signature lines for
  the sender, the guidance counsellor and the director; for an external referral, a tear-off
  acknowledgement slip (แบบตอบรับการส่งต่อ) below a "cut here" line, for the agency to fill in
  and send back, quoting the referral number;
- the result report (แบบรายงานแจ้งผลการช่วยเหลือนักเรียน): for an external referral a blank form
  for the agency to fill in while nothing is recorded, filled with the agency's result once it
  is; for an internal one, the recipient's result.

The confidential notes (``Referral.sensitive_notes``) are never printed. Everything is loaded up
front (a fixed number of queries); the caller chooses the language and runs inside the school's
scope (the job does both).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.models import Membership, Role
from referrals.models import Referral, ReferralUpdate
from students.models import Enrolment, Guardian

# The role a sender signs with, when they hold several at the school: the most specific first.
_SENDER_ROLE_ORDER = [
    Role.COUNSELLOR,
    Role.DISCIPLINE,
    Role.NURSE,
    Role.HOMEROOM,
    Role.COORDINATOR,
    Role.DIRECTOR,
]


def file_name(*parts) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p) + ".pdf"


def _staff(school, sender) -> dict:
    """The school's first active director and counsellor, and the sender's roles (one query)."""
    ids = [sender.pk] if sender is not None else []
    rows = (
        Membership.objects.filter(school=school, user__is_active=True)
        .filter(role__in=[Role.DIRECTOR, Role.COUNSELLOR])
        .select_related("user")
        .order_by("pk")
    )
    if ids:
        rows = rows | Membership.objects.filter(school=school, user_id__in=ids).select_related(
            "user"
        )
    director = counsellor = None
    sender_roles = set()
    for m in rows:
        if m.role == Role.DIRECTOR and director is None and m.user.is_active:
            director = m.user
        if m.role == Role.COUNSELLOR and counsellor is None and m.user.is_active:
            counsellor = m.user
        if sender is not None and m.user_id == sender.pk:
            sender_roles.add(m.role)
    sender_role = next((r for r in _SENDER_ROLE_ORDER if r in sender_roles), None)
    return {
        "director": director,
        "counsellor": counsellor,
        "sender_position": Role(sender_role).label if sender_role else "",
    }


def _enrolment(referral: Referral) -> Enrolment | None:
    """The student's classroom when referred (else their latest)."""
    enrolments = list(
        Enrolment.objects.filter(student=referral.student)
        .select_related("classroom", "academic_year")
        .order_by("-academic_year__year")
    )
    for e in enrolments:
        if e.academic_year.start <= referral.sent_on <= e.academic_year.end:
            return e
    return enrolments[0] if enrolments else None


def _guardian(referral: Referral) -> Guardian | None:
    return (
        Guardian.objects.filter(student=referral.student)
        .order_by("-is_primary", "pk")
        .only("prefix", "first_name", "last_name", "relation", "phone", "student_id")
        .first()
    )


def _recipient(referral: Referral) -> dict:
    """To whom: the agency (with its address and phone), the named staff member, or the role."""
    if referral.agency_id:
        agency = referral.agency
        return {
            "name": agency.name,
            "address": agency.address,
            "phone": agency.phone,
            "external": True,
        }
    if referral.to_user_id:
        return {
            "name": referral.to_user.display_name,
            "address": "",
            "phone": "",
            "external": False,
        }
    return {
        "name": str(referral.get_to_role_display()),
        "address": "",
        "phone": "",
        "external": False,
    }


def referral_letter_context(referral: Referral, paper) -> dict:
    student = referral.student
    enrolment = _enrolment(referral)
    guardian = _guardian(referral)
    staff = _staff(referral.school, referral.sender)
    sender = referral.sender
    age = student.age_on(referral.sent_on)
    external = referral.kind == Referral.Kind.EXTERNAL
    consent = None
    if external:
        consent = {
            "given": referral.consent == Referral.Consent.GIVEN,
            "by": referral.consent_by,
            "on": paper.date(referral.consent_on, "long") if referral.consent_on else "",
            "not_asked_reason": referral.consent_not_asked_reason,
        }
    position = staff["sender_position"]
    signatures = [
        (
            _("Referred by (%(position)s)") % {"position": position}
            if position
            else _("Referred by"),
            sender.display_name if sender else "",
        ),
    ]
    counsellor, director = staff["counsellor"], staff["director"]
    if counsellor is None or sender is None or counsellor.pk != sender.pk:
        signatures.append((_("Guidance counsellor"), counsellor.display_name if counsellor else ""))
    signatures.append((_("School director"), director.display_name if director else ""))
    return {
        "number": paper.num(referral.number),
        "kind": referral.get_kind_display(),
        "external": external,
        "urgent": referral.urgency == Referral.Urgency.URGENT,
        "sent_on": paper.date(referral.sent_on, "long"),
        "answer_due": paper.date(referral.answer_due, "long") if referral.answer_due else "",
        "to": _recipient(referral),
        "student": {
            "name": student.full_name,
            "nickname": student.nickname,
            "code": paper.num(student.student_code),
            "gender": student.get_gender_display(),
            "birth_date": paper.date(student.birth_date, "long") if student.birth_date else "",
            "age": paper.num(age) if age is not None else "",
            "room": paper.num(enrolment.classroom) if enrolment else "",
            "number": paper.num(enrolment.number) if enrolment else "",
            # The address, once the student record has one (a line to write it in meanwhile).
            "address": paper.num(getattr(student, "address", "") or ""),
        },
        "guardian": {
            "name": f"{guardian.prefix}{guardian.first_name} {guardian.last_name}".strip(),
            "relation": guardian.get_relation_display(),
            "phone": paper.num(guardian.phone),
        }
        if guardian
        else None,
        "reason": referral.reason,
        "help_given": referral.help_given,
        "request": referral.request,
        "consent": consent,
        "sender": {
            "name": sender.display_name if sender else "",
            "position": staff["sender_position"],
            "phone": paper.num(sender.phone) if sender and sender.phone else "",
            "email": sender.email if sender else "",
        },
        "school_name": paper.num(referral.school.name),
        "signatures": signatures,
    }


def _referral_pdf(referral: Referral, template_name: str, name: str, build) -> bytes:
    """A document of the referral on its school's paper: ``build(referral, paper)`` is the
    template's ``name``."""
    from carecore.pdf import Paper, render_pdf

    context = {name: build(referral, Paper(referral.school))}
    return render_pdf(template_name, context, school=referral.school)


def referral_letter_pdf(*, referral: Referral) -> bytes:
    template_name = "referrals/pdf/referral_letter.html"
    return _referral_pdf(referral, template_name, "letter", referral_letter_context)


def referral_result_context(referral: Referral, paper) -> dict:
    """The result report: the agency's (external) or the recipient's (internal) result, with the
    school's follow-ups; blank lines where nothing is recorded yet."""
    student = referral.student
    enrolment = _enrolment(referral)
    external = referral.kind == Referral.Kind.EXTERNAL
    follow_ups = [
        {"date": paper.date(u.date or timezone.localtime(u.at).date(), "short"), "text": u.text}
        for u in ReferralUpdate.objects.filter(
            referral=referral, kind=ReferralUpdate.Kind.FOLLOW_UP
        ).order_by("date", "at", "pk")
    ]
    if external:
        recorded = bool(referral.agency_result)
        result = {
            "recorded": recorded,
            "received_on": paper.date(referral.result_received_on, "long")
            if referral.result_received_on
            else "",
            "by": referral.agency_person,
            "help": referral.agency_result,
            "recommendations": referral.agency_recommendations,
        }
        signatures = [
            (_("Reported by (at the agency)"), referral.agency_person if recorded else ""),
            (_("Head of the agency"), ""),
        ]
    else:
        director = _staff(referral.school, None)["director"]
        recorded = bool(referral.result)
        result = {
            "recorded": recorded,
            "received_on": "",
            "by": referral.accepted_by.display_name if referral.accepted_by else "",
            "help": referral.result,
            "recommendations": "",
        }
        signatures = [
            (
                _("Reported by"),
                referral.accepted_by.display_name if recorded and referral.accepted_by else "",
            ),
            (_("School director"), director.display_name if director else ""),
        ]
    closed = referral.status == Referral.Status.CLOSED
    return {
        "number": paper.num(referral.number),
        "external": external,
        "to": _recipient(referral),
        "school_name": paper.num(referral.school.name),
        "sent_on": paper.date(referral.sent_on, "long"),
        "sender": referral.sender.display_name if referral.sender else "",
        "student": {
            "name": student.full_name,
            "code": paper.num(student.student_code),
            "room": paper.num(enrolment.classroom) if enrolment else "",
            "number": paper.num(enrolment.number) if enrolment else "",
        },
        "request": referral.request,
        "result": result,
        "follow_ups": follow_ups,
        "closed": closed,
        "outcome_choices": [str(label) for _value, label in Referral.Outcome.choices],
        "outcome": referral.get_outcome_display() if closed and referral.outcome else "",
        "closed_on": paper.date(timezone.localtime(referral.closed_at).date(), "long")
        if closed and referral.closed_at
        else "",
        "signatures": signatures,
    }


def referral_result_pdf(*, referral: Referral) -> bytes:
    template_name = "referrals/pdf/referral_result.html"
    return _referral_pdf(referral, template_name, "report", referral_result_context)
