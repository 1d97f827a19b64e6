"""Lookups of committees for a request, at one of the three places (``Place``: a school, a
network or the district office, set by ``school_view``, ``network_view`` or ``district_view``):
a committee of that place, and a member, meeting or resolution of that committee; anything else
answers 404. Committees are not school-scoped, so each lookup filters by the place itself."""

from __future__ import annotations

from carecore.queries import first_or_404, key_or_none
from districts.committees.models import Committee, Meeting, Member, Resolution


def place_committees(place_filter: dict):
    """The committees of one place (``Place.filter``)."""
    return Committee.objects.filter(**place_filter)


def committee_get_for_place(place_filter: dict, pk) -> Committee:
    return first_or_404(place_committees(place_filter).filter(pk=key_or_none(pk)))


def member_get(committee: Committee, pk) -> Member:
    return first_or_404(Member.objects.filter(committee=committee, pk=key_or_none(pk)))


def meeting_get(committee: Committee, pk) -> Meeting:
    return first_or_404(Meeting.objects.filter(committee=committee, pk=key_or_none(pk)))


def resolution_get(committee: Committee, pk) -> Resolution:
    return first_or_404(
        Resolution.objects.filter(meeting__committee=committee, pk=key_or_none(pk)).select_related(
            "meeting"
        )
    )
