"""Who may see and take a classroom's attendance (docs/attendance.md), on the foundation's rule
(carecore/access.py): a classroom whose students the user may not see answers 404; one they see
but may not take (the director, the counsellor) 403. The homeroom teacher takes the daily roll of
their own classrooms; the coordinator (MANAGE_ATTENDANCE) takes and corrects any. When the school
switches per-period attendance on, any teacher who takes rolls (TAKE_ATTENDANCE) takes a
period's roll of any classroom of the school: subject teachers teach many rooms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from attendance.models import AttendanceFlag, SchoolHoliday
from carecore.access import Perm, own_classroom_ids, visible_classroom_ids
from carecore.queries import first_or_404
from schools.models import Classroom


def _classroom(request, pk) -> Classroom:
    return first_or_404(
        Classroom.objects.filter(school=request.school, pk=pk).select_related(
            "academic_year", "school"
        )
    )


def classroom_get_for_user(request, pk) -> Classroom:
    """A classroom whose attendance the user may see (404 otherwise)."""
    classroom = _classroom(request, pk)
    visible = visible_classroom_ids(request)
    if visible is not None and classroom.pk not in visible:
        raise Http404
    return classroom


def roll_classroom_get_for_user(request, pk) -> Classroom:
    """A classroom whose daily roll the user takes: their own homeroom classroom, or any for
    the coordinator (another teacher's classroom: 404)."""
    perms = request.schoolperms
    if Perm.MANAGE_ATTENDANCE in perms:
        return _classroom(request, pk)
    classroom = classroom_get_for_user(request, pk)
    if Perm.TAKE_ATTENDANCE not in perms:
        raise PermissionDenied
    if classroom.pk not in own_classroom_ids(request):
        raise Http404
    return classroom


def period_classroom_get_for_user(request, pk, *, switched_on: bool) -> Classroom:
    """A classroom of the school for a period's roll: only when the school switched it on."""
    if not switched_on:
        raise Http404
    classroom = _classroom(request, pk)
    if classroom.academic_year_id != getattr(request.academic_year, "pk", None):
        raise Http404
    if not {Perm.TAKE_ATTENDANCE, Perm.MANAGE_ATTENDANCE} & request.schoolperms:
        raise PermissionDenied
    return classroom


def can_take_roll(request, classroom) -> bool:
    if Perm.MANAGE_ATTENDANCE in request.schoolperms:
        return True
    return Perm.TAKE_ATTENDANCE in request.schoolperms and classroom.pk in own_classroom_ids(
        request
    )


def flag_get_for_user(request, pk) -> AttendanceFlag:
    return first_or_404(
        AttendanceFlag.objects.filter(school=request.school, pk=pk).select_related(
            "student", "school"
        )
    )


def holiday_get_for_user(request, pk) -> SchoolHoliday:
    return first_or_404(SchoolHoliday.objects.filter(school=request.school, pk=pk))
