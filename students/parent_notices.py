"""Telling a student's parents that something happened (an attendance flag, a behaviour
incident): a notice to the active accounts of their parents (``access.parent_users_for``) that
leads to the child's page in the parents' portal."""

from __future__ import annotations

from django.urls import reverse

from carecore.notifications import notify
from students.access import parent_users_for


def tell_parents(student, *, kind: str, page: str, place: str) -> bool:
    """Notify the parents of ``student`` of ``kind``, the notice leading to ``page`` (the URL
    name of the portal's page about one child); False when no parent has an account."""
    parents = list(parent_users_for(student))
    if not parents:
        return False
    url = reverse(page, kwargs={"student_id": student.pk})
    notify(users=parents, kind=kind, url=url, place=place)
    return True
