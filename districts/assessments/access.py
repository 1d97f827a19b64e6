"""Lookups of self-assessment for a request: a round of the request's district (inside
``district_view``), a published round of the request's school (inside ``school_view``), the
round a rater may score the request's school in, a category of a round; any other answers
404."""

from __future__ import annotations

from django.http import Http404

from carecore.access import Perm
from carecore.queries import first_or_404
from districts.assessments import selectors
from districts.assessments.models import AssessmentRound, AwardCategory, SelfEntry
from schools.models import School


def round_get_for_district(request, pk: int) -> AssessmentRound:
    return first_or_404(AssessmentRound.objects.filter(district=request.district, pk=pk))


def round_school_get_for_district(request, round_: AssessmentRound, code: str) -> School:
    """A school of the round (and so of the district)."""
    return first_or_404(round_.schools.filter(code=code, district=request.district))


def round_get_for_school(request, pk: int) -> AssessmentRound:
    """A round the request's school is in, once published (a draft is the district's)."""
    return first_or_404(
        AssessmentRound.objects.filter(
            district_id=request.school.district_id, schools=request.school, pk=pk
        ).exclude(status=AssessmentRound.Status.DRAFT)
    )


def round_get_for_rater(request, pk: int) -> AssessmentRound:
    """A published round of the request's school that the user scores it in: named on the
    round, with this school given to them (EVALUATE_SCHOOLS is checked by the view)."""
    round_ = round_get_for_school(request, pk)
    if request.school.pk not in selectors.given_school_ids(round_, request.user):
        raise Http404
    return round_


def evidence_get_for_school(request, round_: AssessmentRound, entry_id: int) -> SelfEntry:
    """An evidence file of the school's self-assessment: for the school's own (SELF_ASSESS),
    the district's staff, and the raters given the school once it is submitted."""
    entry = first_or_404(
        SelfEntry.objects.filter(
            assessment__round=round_, assessment__school=request.school, pk=entry_id
        ).select_related("assessment")
    )
    perms = request.schoolperms
    if Perm.SELF_ASSESS in perms or Perm.VIEW_DISTRICT in perms:
        return entry
    if (
        Perm.EVALUATE_SCHOOLS in perms
        and entry.assessment.status == entry.assessment.Status.SUBMITTED
        and request.school.pk in selectors.given_school_ids(round_, request.user)
    ):
        return entry
    raise Http404


def category_get_for_round(round_: AssessmentRound, pk: int) -> AwardCategory:
    return first_or_404(AwardCategory.objects.filter(round=round_, pk=pk))
