"""Who opens which good practice (docs/district-work.md, "Good-practice library").

A practice is read inside its own district only. Published: by everyone of the district (the
staff of any of its schools, its networks' and its own staff). Not yet published: by the staff
of its own school who write practices (SUBMIT_PRACTICES), and by the district's reviewers once
the school sent it (a draft stays the school's). Anything else answers 404, like a practice
that does not exist. Every lookup filters by district itself: practices are not a school-scoped
model (a published one is read from every school of the district).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from carecore.access import Perm
from carecore.queries import first_or_404
from districts.practices.models import Practice, PracticeFile

Status = Practice.Status


def _published(district_id: int) -> Q:
    return Q(district_id=district_id, status=Status.PUBLISHED)


def practices_for_school(request) -> QuerySet[Practice]:
    """What the user may open from their school's pages (inside ``school_view``)."""
    school = request.school
    visible = _published(school.district_id)
    if Perm.SUBMIT_PRACTICES in request.schoolperms:
        visible |= Q(school=school)
    return Practice.objects.filter(visible)


def practices_for_district(request) -> QuerySet[Practice]:
    """What the user may open from the district's pages (inside ``district_view``)."""
    district = request.district
    visible = _published(district.pk)
    if Perm.REVIEW_PRACTICES in request.districtperms:
        visible |= Q(district=district, status__in=[Status.SUBMITTED, Status.SENT_BACK])
    return Practice.objects.filter(visible)


def practices_for_network(request) -> QuerySet[Practice]:
    """What the user may open from a network's pages: the district's published practices."""
    return Practice.objects.filter(_published(request.network.district_id))


def _get(practices: QuerySet[Practice], pk: int) -> Practice:
    return first_or_404(practices.filter(pk=pk).select_related("school", "district"))


def practice_get_for_school(request, pk: int) -> Practice:
    return _get(practices_for_school(request), pk)


def practice_get_for_district(request, pk: int) -> Practice:
    return _get(practices_for_district(request), pk)


def practice_get_for_network(request, pk: int) -> Practice:
    return _get(practices_for_network(request), pk)


def practice_get_own(request, pk: int) -> Practice:
    """A practice of the request's school, for its writers (inside
    ``school_view(Perm.SUBMIT_PRACTICES)``); another school's is 404 even when published."""
    return _get(Practice.objects.filter(school=request.school), pk)


def practice_file_get(practice: Practice, pk: int) -> PracticeFile:
    """A file of ``practice`` (one the user may open), else 404."""
    return first_or_404(PracticeFile.objects.filter(practice=practice, pk=pk))
