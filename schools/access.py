"""Access to a school's classrooms, built on the foundation's rule (carecore/access.py):
``visible_classroom_ids`` says which classrooms' students the user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from carecore.access import visible_classroom_ids
from carecore.queries import first_or_404
from schools.models import Classroom


def can_view_classroom_students(request, classroom) -> bool:
    visible = visible_classroom_ids(request)
    return visible is None or classroom.pk in visible


def classroom_get_for_user(request, pk: int, *, students: bool = True) -> Classroom:
    """A classroom of the request's school (404 otherwise).

    Seeing its students needs a role that allows it (403)."""
    classroom = first_or_404(
        Classroom.objects.filter(school=request.school, pk=pk).select_related("academic_year")
    )
    if students and not can_view_classroom_students(request, classroom):
        raise PermissionDenied
    return classroom
