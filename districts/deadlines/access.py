"""Lookups of deadlines for a request: a deadline of the request's district (inside
``district_view``), or one of the request's school's district for that school (inside
``school_view``); any other answers 404."""

from __future__ import annotations

from carecore.queries import first_or_404
from districts.deadlines.models import Deadline
from districts.deadlines.selectors import deadlines_of_school


def deadline_get_for_district(request, pk: int) -> Deadline:
    return first_or_404(
        Deadline.objects.filter(district=request.district, pk=pk).select_related("network")
    )


def deadline_get_for_school(request, pk: int) -> Deadline:
    return first_or_404(deadlines_of_school(request.school).filter(pk=pk).select_related("network"))
