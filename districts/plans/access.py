"""Lookups of the district's plan for a request: a plan of the request's district (inside
``district_view``), a published plan of the request's school's district (inside
``school_view``); any other answers 404."""

from __future__ import annotations

from carecore.queries import first_or_404
from districts.plans.models import Plan


def plan_get_for_district(request, pk: int) -> Plan:
    return first_or_404(
        Plan.objects.filter(district=request.district, pk=pk).select_related(
            "academic_year", "district"
        )
    )


def published_plans_for_school(request):
    return (
        Plan.objects.filter(district_id=request.school.district_id, status=Plan.Status.PUBLISHED)
        .select_related("academic_year", "district")
        .order_by("-academic_year__year")
    )
