"""Lookups of the fund for a request: a fund of the request's district (inside
``district_view``) or a published one of the school's district (inside ``school_view``), a
nomination of that fund (the district's committee sees the nominated students, and only
those), a student of the request's school to nominate. Any other answers 404."""

from __future__ import annotations

from carecore.queries import first_or_404, key_or_none
from districts.fund.models import Fund, Nomination
from students.models import Student


def fund_get_for_district(request, pk: int) -> Fund:
    return first_or_404(
        Fund.objects.filter(district=request.district, pk=pk).select_related("academic_year")
    )


def fund_get_for_school(request, pk: int) -> Fund:
    """A fund of the school's district that has been published."""
    return first_or_404(
        Fund.objects.filter(
            district_id=request.school.district_id, pk=pk, published_at__isnull=False
        ).select_related("academic_year")
    )


def nomination_get_for_district(request, fund: Fund, pk: int) -> Nomination:
    return first_or_404(
        Nomination.objects.filter(
            fund=fund, pk=pk, school__district=request.district
        ).select_related("student", "school", "nominated_by", "decided_by")
    )


def nomination_get_for_school(request, fund: Fund, pk: int) -> Nomination:
    return first_or_404(
        Nomination.objects.filter(fund=fund, pk=pk, school=request.school).select_related(
            "student", "nominated_by", "decided_by"
        )
    )


def student_to_nominate(request, value) -> Student:
    """A student of the request's school (``value`` from the address: junk is 404)."""
    return first_or_404(Student.objects.filter(school=request.school, pk=key_or_none(value)))
