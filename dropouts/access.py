"""Who sees a dropout case (docs/dropouts.md), built on the foundation's permissions
(carecore/access.py): the district staff of its district, who work it (the one place where
district staff see an individual child); at the case's school, the coordinator, the director
and the counsellor, who read it, add notes and record observations, and work it when it is
given to them (its owner). Everyone else, network supervisors included, gets 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from carecore.access import Perm
from carecore.queries import first_or_404
from dropouts.models import DropoutCase


def _dropout_place(request):
    """("district", district) inside ``district_view``, ("school", school) inside
    ``school_view``."""
    if getattr(request, "district", None) is not None and hasattr(request, "districtperms"):
        return "district", request.district
    return "school", request.school


def _place_perms(request) -> frozenset[str]:
    place, _obj = _dropout_place(request)
    return request.districtperms if place == "district" else request.schoolperms


def can_follow_dropout_cases(request) -> bool:
    """See the cases of the request's place (the district's, or the school's)."""
    return Perm.FOLLOW_DROPOUT_CASES in _place_perms(request)


def can_work_dropout_case(request, case) -> bool:
    """Move the case along its steps, close it, add team members: the district's staff, and
    the case's owner at the school."""
    if Perm.WORK_DROPOUT_CASES in _place_perms(request):
        return True
    return case.owner_id is not None and case.owner_id == request.user.pk


def dropout_cases_for_user(request) -> QuerySet[DropoutCase]:
    """The dropout cases of the request's district or school that the user may see."""
    place, obj = _dropout_place(request)
    if not can_follow_dropout_cases(request):
        return DropoutCase.objects.none()
    if place == "district":
        return DropoutCase.objects.filter(district=obj)
    return DropoutCase.objects.filter(school=obj, district_id=obj.district_id)


def dropout_case_get_for_user(request, pk: int, *, work: bool = False) -> DropoutCase:
    """A case the user may see (404 otherwise); ``work`` for moving it along (403)."""
    case = first_or_404(
        dropout_cases_for_user(request)
        .filter(pk=pk)
        .select_related("district", "school", "student", "owner", "opened_by")
    )
    if work and not can_work_dropout_case(request, case):
        raise PermissionDenied
    return case
