"""The parents' side of behaviour: who is told (the family accounts' parents of the student,
``students.access.parent_users_for``), and where the notice leads."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from students.access import parent_users_for


def parent_users_for_student(student) -> list:
    """The active user accounts of the student's parents."""
    return list(parent_users_for(student))


def parent_notice_url(student) -> str:
    """Where a parent's behaviour notice leads: their child's behaviour in the portal (the
    portal's page, once it is there), else the portal's home, else the site's home."""
    for name, kwargs in (
        ("portal:child_behaviour", {"student_id": student.pk}),
        ("portal:home", {}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return "/"
