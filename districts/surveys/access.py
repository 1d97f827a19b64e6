"""Which surveys a page may touch.

A district's pages (``district_view``) reach the district office's own surveys; a school's pages
(``school_view``) reach the school's. Anything else, another district's or another school's
survey, answers 404 like one that does not exist. The permission itself
(``Perm.MANAGE_SURVEYS``) is the view decorator's. The public pages find a survey by its link
(``survey_by_token``) and a slip by its code; nothing else can be reached from them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from carecore.queries import first_or_404
from districts.surveys.models import LINK_ALPHABET, LINK_LENGTH, Survey


def on_district_page(request) -> bool:
    """Whether the request is a district's page (else a school's)."""
    return hasattr(request, "districtperms")


def place_surveys(request) -> QuerySet[Survey]:
    """The surveys the place owns: the district office's own, or the school's."""
    if on_district_page(request):
        return Survey.objects.filter(district=request.district, school__isnull=True)
    return Survey.objects.filter(school=request.school)


def district_surveys_of_school(request) -> QuerySet[Survey]:
    """On a school's page: the district office's published surveys that ask which school an
    answer is about; the school reads its own answers to them."""
    return Survey.objects.filter(
        district_id=request.school.district_id, school__isnull=True, ask_school=True
    ).exclude(status=Survey.Status.DRAFT)


def readable_surveys(request) -> QuerySet[Survey]:
    """The place's surveys, and on a school's page the district's it reads its answers to."""
    surveys = place_surveys(request)
    if not on_district_page(request):
        surveys = surveys | district_surveys_of_school(request)
    return surveys


def survey_get_for_user(request, survey_id: int, *, read: bool = False) -> Survey:
    """A survey of the place (404 otherwise); ``read``: on a school's page, a district survey
    the school reads its answers to (``district_surveys_of_school``) will do too."""
    surveys = readable_surveys(request) if read else place_surveys(request)
    return first_or_404(surveys.select_related("district", "school").filter(pk=survey_id))


def token_normalise(text: str) -> str:
    return str(text or "").strip().lower()


def survey_by_token(token: str) -> Survey | None:
    """The survey of a public link (any case), drafts included: the page says what it is."""
    token = token_normalise(token)
    if len(token) != LINK_LENGTH or any(ch not in LINK_ALPHABET for ch in token):
        return None
    return Survey.objects.select_related("school", "district").filter(token=token).first()
