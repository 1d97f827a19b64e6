"""Tell people that something waits for them: a row on their home page and, as each person
chose, an e-mail, a LINE message or a daily summary (carecore/channels.py).

Neither says which child or what problem: the text is the kind of thing waiting ("a student
was referred to you") and the place, and a message outside the portal carries only a link.
Whoever follows the link meets the access layer like any other visit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from carecore.access import ROLE_PERMISSIONS
from carecore.channels import deliveries_plan, deliveries_queue
from carecore.models import DISTRICT_ROLES, SCHOOL_ROLES, Membership, Notification, User


def notify(*, users: Iterable[User], kind: str, url: str, place: str = "") -> list[Notification]:
    """Create one notification per user (each once, the sender of an action excluded by the
    caller) and, after the transaction commits, send it outside the portal as each person chose
    (carecore/channels.py: e-mail, LINE, a daily summary or nothing)."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind, url=url, place=str(place)[:200]))
    created = Notification.objects.bulk_create(rows)
    delivery_ids = deliveries_plan([n for n in created if n.pk])
    if delivery_ids:
        transaction.on_commit(lambda: deliveries_queue(delivery_ids))
    return created


def school_staff_with(permission: str, school_ids: Iterable[int]) -> dict[int, list[User]]:
    """The people of each school whose school role gives ``permission`` (its director and
    coordinator, for most of the district's work), by school id (one query)."""
    roles = sorted(r for r in SCHOOL_ROLES if permission in ROLE_PERMISSIONS[r])
    staff: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(
        school_id__in=list(school_ids), role__in=roles
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        staff.setdefault(membership.school_id, []).append(membership.user)
    return staff


def district_staff_with(permission: str, district_id: int) -> list[User]:
    """The district office's people whose role there gives ``permission`` (one query)."""
    roles = sorted(r for r in DISTRICT_ROLES if permission in ROLE_PERMISSIONS[r])
    memberships = Membership.objects.filter(district_id=district_id, role__in=roles)
    return [m.user for m in memberships.select_related("user").order_by("pk")]


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read__isnull=True).count()


def notifications_for_home(user, *, limit: int = 10) -> list[Notification]:
    """The unread notifications for the home page, newest first."""
    return list(Notification.objects.filter(user=user, read__isnull=True)[:limit])


def notification_mark_read(notification: Notification) -> None:
    if notification.read is None:
        notification.read = timezone.now()
        notification.save(update_fields=["read"])
