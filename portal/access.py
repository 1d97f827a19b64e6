"""Who may open a family page (docs/portal.md): decorators for the parent's and the student's
pages, on students/access.py's lookups.

A family user holds no membership, so every staff page answers them 404; these pages answer 404
to staff, to a parent for another child, and to a student for anything but their own record.
Each view runs inside ``scope(school=...)`` of the family's schools (a parent's children may be
at two schools), so the scoped models work as on the staff pages.

    @pages("children/<int:student_id>/attendance/")
    @child_view
    def child_attendance(request, child): ...

    @pages("me/points/")
    @student_view
    def my_points(request, student): ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django_scopes import scope

from students.access import child_for_user, family_school_ids, own_student_for_user
from students.family_models import GuardianLink


def _family(view: Callable, enter: Callable) -> Callable:
    """``enter(request, kwargs)`` gives the view's first argument after the request (or raises
    Http404); the view runs in the scope of the family's schools."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.family_school_ids = family_school_ids(request.user)
        if not request.family_school_ids:
            raise Http404
        with scope(school=request.family_school_ids):
            subject = enter(request, kwargs)
            return view(request, subject, *args, **kwargs)

    return login_required(wrapped)


def parent_view(view: Callable) -> Callable:
    """A page of a parent (any of their children): the view gets ``(request, user)``."""

    def enter(request, kwargs):
        if not GuardianLink.objects.active().filter(user=request.user).exists():
            raise Http404
        return request.user

    return _family(view, enter)


def child_view(view: Callable) -> Callable:
    """A page about one of the parent's children, named by ``student_id`` in the address: the
    view gets ``(request, child)``; any other student is 404."""

    def enter(request, kwargs):
        return child_for_user(request.user, kwargs.pop("student_id"))

    return _family(view, enter)


def student_view(view: Callable) -> Callable:
    """A page of a student about themselves: the view gets ``(request, student)``."""

    def enter(request, kwargs):
        student = own_student_for_user(request.user)
        if student is None:
            raise Http404
        return student

    return _family(view, enter)


def family_home_view(view: Callable) -> Callable:
    """A page of any family user (parent or student): the view gets ``(request, user)``."""
    return _family(view, lambda request, kwargs: request.user)
