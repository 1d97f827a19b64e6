"""Access to care activities and counselling notes (steps 3-4, docs/care.md), built on the
foundation's rule (carecore/access.py) and the students the user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from care.models import Activity
from carecore.access import Perm, own_classroom_ids
from students.access import students_for_user
from students.models import Enrolment


def counselling_notes_student_ids(request, student_ids: Iterable[int]) -> set[int]:
    """Of ``student_ids`` (students the user may see), those whose counselling notes the user
    may read: the student's homeroom teachers of the current year, the guidance counsellor and
    the director. Not the coordinator (unless also the student's homeroom teacher), and nobody
    outside the school. Every view of the notes is audited by the caller."""
    ids = set(student_ids)
    if not ids:
        return set()
    if Perm.READ_COUNSELLING_NOTES in request.schoolperms:
        return ids
    classroom_ids = own_classroom_ids(request)
    if not classroom_ids:
        return set()
    return set(
        Enrolment.objects.filter(student_id__in=ids, classroom_id__in=classroom_ids).values_list(
            "student_id", flat=True
        )
    )


def can_see_counselling_notes(request, student) -> bool:
    return student.pk in counselling_notes_student_ids(request, [student.pk])


def care_activity_get_for_user(request, pk: int) -> Activity:
    """A care activity of the request's school with at least one participant the user may see
    (404 otherwise)."""
    activity = Activity.objects.filter(school=request.school, pk=pk).select_related("term").first()
    if (
        activity is None
        or not activity.participants.filter(student__in=students_for_user(request)).exists()
    ):
        raise Http404
    return activity


def can_change_care_activity(request, activity) -> bool:
    """Edit or delete a care activity: whoever recorded it (while they record care), or the
    care-system coordinator."""
    if Perm.MANAGE_CARE_ACTIVITIES in request.schoolperms:
        return True
    return (
        Perm.RECORD_CARE in request.schoolperms
        and activity.recorded_by_id is not None
        and activity.recorded_by_id == request.user.pk
    )


def care_activity_get_for_change(request, pk: int) -> Activity:
    """A care activity the user may edit or delete (``can_change_care_activity``): 404 as
    ``care_activity_get_for_user``, 403 for one the user sees but may not change."""
    activity = care_activity_get_for_user(request, pk)
    if not can_change_care_activity(request, activity):
        raise PermissionDenied
    return activity
