"""The guardian-consent card of the student's page (PDPA): the state of each purpose, and for
the director the link to "who has seen this record"."""

from django import template

from students.consent_models import GuardianConsent

register = template.Library()


@register.inclusion_tag("students/consent/fragment_student_card.html", takes_context=True)
def consent_student_card(context, student):
    """One query: the student's consents."""
    from carecore.access import Perm
    from students.consent_selectors import consent_states

    request = context["request"]
    return {
        "request": request,
        "school": request.school,
        "student": student,
        "states": consent_states(student=student),
        "can_see_who_has_seen": Perm.VIEW_AUDIT_LOG in getattr(request, "schoolperms", ()),
    }


@register.simple_tag
def referral_consent_withdrawal(referral):
    """The withdrawn consent behind an open external referral, or None (one query for an open
    external referral, none otherwise)."""
    from students.consent_selectors import external_consent_withdrawal

    return external_consent_withdrawal(referral=referral)


@register.inclusion_tag("students/consent/fragment_referral_consent.html", takes_context=True)
def referral_form_consent(context, student):
    """On the external referral form: the guardian's standing consent to outside agencies as
    recorded on the student's page (given, withdrawn, or none), with a link there."""
    from students.consent_selectors import consent_states

    state = next(
        s
        for s in consent_states(student=student)
        if s.purpose == GuardianConsent.Purpose.EXTERNAL_REFERRAL
    )
    request = context["request"]
    return {"request": request, "school": request.school, "student": student, "state": state}
