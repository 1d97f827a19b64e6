"""The demo's people as the seeder made them, for the seeders of each app's rows: the first
holder of a role in a place, and each school's holder of a role."""

from __future__ import annotations

from carecore.models import Membership, User


def first_member(role: str, **place) -> User | None:
    """The first person, by username, holding ``role`` at ``place`` (``district=...``,
    ``network__district=...``), or None."""
    membership = (
        Membership.objects.filter(role=role, **place)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def school_members(schools, role: str) -> dict[int, User]:
    """The person holding ``role`` at each of ``schools``, by school id (one query)."""
    rows = Membership.objects.filter(school__in=schools, role=role).select_related("user")
    return {m.school_id: m.user for m in rows}
