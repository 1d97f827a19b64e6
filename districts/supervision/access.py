"""Lookups of supervision for a request: a round of the request's district (inside
``district_view``) or of its network's team (inside ``network_view``), a visit sent to the
request's school (inside ``school_view``); any other answers 404."""

from __future__ import annotations

from carecore.queries import first_or_404
from districts.supervision.models import Round, Visit
from schools.models import School


def round_get_for_district(request, pk: int) -> Round:
    return first_or_404(Round.objects.filter(district=request.district, pk=pk))


def round_get_for_network(request, pk: int) -> Round:
    """A round of the request's network's team (inside ``network_view``): a network supervisor
    sees only their own network's rounds."""
    return first_or_404(Round.objects.filter(network=request.network, pk=pk))


def round_school_get(round_: Round, code: str) -> School:
    """A school of the round (and so of its district)."""
    return first_or_404(round_.schools.filter(code=code, district=round_.district_id))


def visit_get_for_school(request, pk: int) -> Visit:
    """A visit to the request's school that the district has sent (a draft is the district's)."""
    return first_or_404(
        Visit.objects.filter(school=request.school, pk=pk)
        .exclude(status=Visit.Status.DRAFT)
        .select_related("round")
    )
