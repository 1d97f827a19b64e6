"""What waits for the family on their home page: ``{% child_waiting child as waiting %}`` on a
parent's child card, ``{% student_waiting student as waiting %}`` on a student's home (a few
queries per child; a parent has a few children)."""

from __future__ import annotations

from django import template

from portal import selectors
from screening.models import Rater
from visits.models import VisitAppointment

register = template.Library()


@register.simple_tag(takes_context=True)
def child_waiting(context, child) -> dict:
    appointment = selectors.appointment_for_family(child)
    return {
        "consents": len(selectors.consent_requests_waiting(child)),
        "appointment": appointment is not None
        and appointment.status == VisitAppointment.Status.PROPOSED,
        "unread": selectors.unread_from_school(child, context["request"].user),
        "form": selectors.form_waiting(child, Rater.PARENT) is not None,
    }


@register.simple_tag
def student_waiting(student) -> dict:
    return {
        "form": selectors.form_waiting(student, Rater.STUDENT),
        "answers": sum(
            1
            for r in selectors.help_requests_of(student)
            if r.answered_at and not r.student_read_at
        ),
    }
