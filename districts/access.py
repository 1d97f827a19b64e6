"""Lookups of a district's own rows, inside ``district_view`` (carecore/access.py)."""

from __future__ import annotations

from carecore.queries import first_or_404
from districts.models import RetentionRun


def retention_run_get_for_district(request, pk: int) -> RetentionRun:
    """A retention run of the request's district (inside ``district_view``), else 404."""
    return first_or_404(
        RetentionRun.objects.filter(district=request.district, pk=pk).select_related(
            "district", "confirms"
        )
    )
