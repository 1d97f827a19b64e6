"""Tell people that something waits for them: a row on their home page and an e-mail.

Neither says which child or what problem: the text is the kind of thing waiting ("a student
was referred to you") and the place, and the e-mail carries only a link. Whoever follows the
link meets the access layer like any other visit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carecore.models import Notification, User


def notify(*, users: Iterable[User], kind: str, url: str, place: str = "") -> list[Notification]:
    """Create one notification per user (each once, the sender of an action excluded by the
    caller) and e-mail them after the transaction commits."""
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
    ids = [n.pk for n in created if n.pk]
    if ids:
        from carecore.tasks import notifications_email_task

        transaction.on_commit(lambda: notifications_email_task.delay(ids))
    return created


def notifications_email(notification_ids: list[int]) -> int:
    """Send the e-mails of these notifications (those not sent yet, to people with an address),
    each in the person's language. Returns how many were sent."""
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed__isnull=True)
    for notification in pending.select_related("user"):
        user = notification.user
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            link = settings.SITE_URL.rstrip("/") + reverse(
                "notification_open", args=[notification.pk]
            )
            subject = _("Student Care System: something waits for you")
            body = _(
                "Hello %(name)s,\n\n"
                "%(what)s%(place)s.\n"
                "Open it here (you will be asked to log in): %(link)s\n\n"
                "This message does not say more on purpose: details about students stay in "
                "the system.\n"
            ) % {
                "name": user.display_name,
                "what": notification.get_kind_display(),
                "place": (_(" at %(place)s") % {"place": notification.place})
                if notification.place
                else "",
                "link": link,
            }
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed=timezone.now())
        sent += 1
    return sent


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read__isnull=True).count()


def notifications_for_home(user, *, limit: int = 10) -> list[Notification]:
    """The unread notifications for the home page, newest first."""
    return list(Notification.objects.filter(user=user, read__isnull=True)[:limit])


def notification_mark_read(notification: Notification) -> None:
    if notification.read is None:
        notification.read = timezone.now()
        notification.save(update_fields=["read"])
