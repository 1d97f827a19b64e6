"""Where a notification goes besides the portal: e-mail, LINE or nowhere, at once or in a daily
summary, each person's choice (``NotificationPreference``; docs/notifications.md).

- ``deliveries_plan`` (called by ``carecore.notifications.notify``) writes one
  ``NotificationDelivery`` per notification that leaves the portal at once; the daily summary
  (``digests_make``, a Celery beat task) writes one per person and day with the count.
- ``deliveries_send`` sends them. A failure is kept on the row (its error, never a token) and
  tried again later by ``deliveries_due`` (beat, every few minutes) with growing waits; after
  ``MAX_ATTEMPTS`` or a refusal that will not change (a wrong token, a blocked user) the row is
  "failed", and the admin's "Send again" puts it back. The portal's row is written before any
  of this and never depends on it.
- Outside the portal a message says no more than the portal's list: staff read the kind and the
  place ("A student was referred to you at ..."); parents and students read only "New message
  from the school" (``FAMILY_KINDS``), and everyone a link that needs a log-in.
- LINE: the Messaging API's push (``LINE_API_BASE``/v2/bot/message/push) through the Official
  Account the person linked by sending their code to it (``line_link_by_code``, from the
  webhook, carecore/channel_views.py). Which accounts a person is offered: those whose
  ``owner`` is one of their places (``line_owners``): a staff member's schools and districts
  from their memberships, and what the apps above add with ``register_line_owners`` (a parent's
  children's schools).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, DateTimeField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from carecore.models import (
    LineAccount,
    Membership,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    User,
)
from carecore.outbound import OutboundError, post_json

logger = logging.getLogger(__name__)

Channel = NotificationPreference.Channel
Status = NotificationDelivery.Status

# Parents' and students' kinds: outside the portal they read only "New message from the school".
FAMILY_KINDS = frozenset(
    {
        Notification.Kind.FAMILY_ABSENCE,
        Notification.Kind.FAMILY_BEHAVIOUR,
        Notification.Kind.FAMILY_APPOINTMENT,
        Notification.Kind.FAMILY_CONSENT,
        Notification.Kind.FAMILY_MESSAGE,
        Notification.Kind.FAMILY_FORM,
        Notification.Kind.HELP_ANSWERED,
    }
)

# Waits before the next try, by the number of tries made; then the delivery has failed.
RETRY_WAITS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]
MAX_ATTEMPTS = len(RETRY_WAITS) + 1

# The code a person sends to the Official Account: 8 symbols without 0, O, 1, I or L, shown
# as ABCD-EFGH; valid for LINK_CODE_MINUTES.
LINK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LINK_CODE_MINUTES = 30
_LINK_CODE_SHAPE = re.compile(r"^[A-Z0-9]{8}$")


# --- preferences -------------------------------------------------------------------------------
def _unsaved_preference(user: User) -> NotificationPreference:
    """No choice made: e-mail at once (as before there was a choice), or only the system for
    someone without an address (most parents and students)."""
    return NotificationPreference(
        user=user, channel=Channel.EMAIL if user.email else Channel.PORTAL
    )


def preference_for(user: User) -> NotificationPreference:
    """The person's choice, saved or not."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return _unsaved_preference(user)


# --- which Official Accounts a person is offered -----------------------------------------------
_owner_resolvers: list[Callable[[User], Iterable[str]]] = []


def register_line_owners(resolver: Callable[[User], Iterable[str]]) -> None:
    """An app above adds the places of its kind of user (``resolver(user)`` gives owner keys,
    "school:<id>" or "district:<id>", nearest first). Called from its ``AppConfig.ready()``."""
    if resolver not in _owner_resolvers:
        _owner_resolvers.append(resolver)


def _membership_owners(user: User) -> list[str]:
    keys = []
    for m in Membership.objects.filter(user=user).select_related("school", "network"):
        if m.school_id:
            keys += [f"school:{m.school_id}", f"district:{m.school.district_id}"]
        elif m.network_id:
            keys.append(f"district:{m.network.district_id}")
        elif m.district_id:
            keys.append(f"district:{m.district_id}")
    return keys


def line_owners(user: User) -> list[str]:
    """The owner keys of the person's places, nearest first (schools before districts)."""
    keys = _membership_owners(user)
    for resolver in _owner_resolvers:
        keys += list(resolver(user))
    ordered = sorted(dict.fromkeys(keys), key=lambda k: not k.startswith("school:"))
    return ordered


def line_accounts_for(user: User) -> list[LineAccount]:
    """The active Official Accounts this person may link with: their places' accounts, nearest
    first, or else the accounts that name no owner (one account for the whole install)."""
    owners = line_owners(user)
    accounts = list(LineAccount.objects.filter(active=True, owner__in=owners))
    if accounts:
        return sorted(accounts, key=lambda a: owners.index(a.owner))
    return list(LineAccount.objects.filter(active=True, owner=""))


# --- linking a LINE user -----------------------------------------------------------------------
def _code_hash(code: str) -> str:
    return salted_hmac("carecore.line_link", code, algorithm="sha256").hexdigest()


def _normalised(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def line_link_code_new(user: User) -> str:
    """A new code for this person to send to the Official Account (the previous one stops
    working). Only its keyed hash is stored."""
    raw = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(8))
    preference = preference_for(user)
    preference.link_code_hash = _code_hash(raw)
    preference.link_code_expires = timezone.now() + timedelta(minutes=LINK_CODE_MINUTES)
    preference.save()
    return f"{raw[:4]}-{raw[4:]}"


def line_link_code_valid(preference: NotificationPreference, code: str) -> bool:
    return bool(
        code
        and preference.link_code_hash
        and preference.link_code_expires
        and preference.link_code_expires > timezone.now()
        and hmac.compare_digest(preference.link_code_hash, _code_hash(_normalised(code)))
    )


def looks_like_link_code(text: str) -> bool:
    """A chat message that is meant as a code (8 letters and digits, spaces or a dash aside);
    anything else is the school's own conversation."""
    return len(text) <= 20 and bool(_LINK_CODE_SHAPE.match(_normalised(text)))


def line_link_by_code(*, account: LineAccount, line_user_id: str, text: str) -> User | None:
    """The person whose valid code ``text`` is now reaches LINE user ``line_user_id`` through
    ``account``, and is told by LINE from now on. None when no valid code matches."""
    code = _normalised(text)
    preference = (
        NotificationPreference.objects.select_for_update()
        .select_related("user")
        .filter(link_code_hash=_code_hash(code), link_code_expires__gt=timezone.now())
        .first()
    )
    if preference is None:
        return None
    preference.line_account = account
    preference.line_user_id = line_user_id[:64]
    preference.line_linked = timezone.now()
    preference.channel = Channel.LINE
    preference.link_code_hash = ""
    preference.link_code_expires = None
    preference.save()
    logger.info("LINE linked: user=%s account=%s", preference.user_id, account.pk)
    return preference.user


def _forget_line(preferences) -> int:
    """Drop the LINE link of these preferences; who had chosen LINE is told only in the system
    (another choice, e-mail, stays)."""
    preferences.filter(channel=Channel.LINE).update(channel=Channel.PORTAL)
    return preferences.update(line_account=None, line_user_id="", line_linked=None)


def line_unlink(user: User) -> None:
    """Forget the person's LINE user: nothing more is pushed to them."""
    _forget_line(NotificationPreference.objects.filter(user=user))


def line_unfollowed(*, account: LineAccount, line_user_id: str) -> int:
    """The LINE user blocked or removed the account: nothing more is pushed to them."""
    return _forget_line(
        NotificationPreference.objects.filter(line_account=account, line_user_id=line_user_id)
    )


def line_signature_ok(account: LineAccount, body: bytes, signature: str) -> bool:
    """The webhook's X-Line-Signature: base64 of HMAC-SHA256 of the body, keyed with the
    channel secret."""
    if not signature or not account.channel_secret:
        return False
    digest = hmac.new(account.channel_secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), signature.strip())


# --- LINE Messaging API ------------------------------------------------------------------------
def _line_post(account: LineAccount, path: str, payload: dict, **extra_headers):
    return post_json(
        settings.LINE_API_BASE.rstrip("/") + path,
        payload,
        headers={"Authorization": f"Bearer {account.access_token}", **extra_headers},
        timeout=settings.LINE_TIMEOUT,
        # 409 with a retry key: LINE already took this very push.
        ok_statuses=(409,),
    )


def line_push(account: LineAccount, *, to: str, text: str, retry_key: str = "") -> None:
    headers = {"X-Line-Retry-Key": retry_key} if retry_key else {}
    _line_post(
        account,
        "/v2/bot/message/push",
        {"to": to, "messages": [{"type": "text", "text": text[:5000]}]},
        **headers,
    )


def line_reply(account: LineAccount, *, reply_token: str, text: str) -> None:
    _line_post(
        account,
        "/v2/bot/message/reply",
        {"replyToken": reply_token, "messages": [{"type": "text", "text": text}]},
    )


def line_replies_queue(account: LineAccount, replies: list[tuple[str, str]]) -> None:
    """Answer webhook messages from a job ((reply token, text) pairs), so that the webhook
    answers LINE at once. A broker that is down costs the answers, nothing else."""
    from kombu.exceptions import OperationalError

    from carecore.tasks import line_reply_task

    try:
        for token, text in replies:
            line_reply_task.delay(account.pk, token, text)
    except (OperationalError, OSError):
        logger.warning("Could not queue LINE replies for account %s", account.pk)


# --- what a message says -----------------------------------------------------------------------
def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def message_for(delivery: NotificationDelivery, *, family: bool) -> tuple[str, str]:
    """(subject, text) of a delivery, in the person's language. ``text`` ends with the link."""
    user = delivery.user
    notification = delivery.notification
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if notification is None:  # the daily summary
            link = _site(reverse("notification_list"))
            if family:
                subject = _("New messages from the school: %(count)s") % {"count": delivery.count}
                return subject, f"{subject}\n{link}"
            subject = _("Student Care System: %(count)s things wait for you") % {
                "count": delivery.count
            }
            body = _(
                "Hello %(name)s,\n\n%(count)s things wait for you in the Student Care System "
                "since the last summary.\nOpen them here (you will be asked to log in): "
                "%(link)s\n"
            ) % {"name": user.display_name, "count": delivery.count, "link": link}
            return subject, body if delivery.channel == Channel.EMAIL else f"{subject}\n{link}"
        link = _site(reverse("notification_open", args=[notification.pk]))
        if family:
            subject = _("New message from the school")
            return subject, f"{subject}\n{link}"
        what = notification.get_kind_display()
        place = _(" at %(place)s") % {"place": notification.place} if notification.place else ""
        if delivery.channel == Channel.LINE:
            return what, f"{what}{place}\n{link}"
        subject = _("Student Care System: something waits for you")
        body = _(
            "Hello %(name)s,\n\n"
            "%(what)s%(place)s.\n"
            "Open it here (you will be asked to log in): %(link)s\n\n"
            "This message does not say more on purpose: details about students stay in "
            "the system.\n"
        ) % {"name": user.display_name, "what": what, "place": place, "link": link}
        return subject, body


# --- deliveries --------------------------------------------------------------------------------
def _reachable(user: User, preference: NotificationPreference) -> bool:
    if preference.channel == Channel.EMAIL:
        return bool(user.email)
    if preference.channel == Channel.LINE:
        return preference.line_ready
    return False


def deliveries_plan(notifications: list[Notification]) -> list[int]:
    """The deliveries of new notifications for the people who want them at once (called in
    ``notify``'s transaction). Returns their ids, to send after the commit."""
    if not notifications:
        return []
    preferences = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user_id__in=[n.user_id for n in notifications]
        )
    }
    rows = []
    for notification in notifications:
        user = notification.user
        preference = preferences.get(user.pk) or _unsaved_preference(user)
        if preference.frequency != NotificationPreference.Frequency.IMMEDIATE:
            continue
        if _reachable(user, preference):
            rows.append(
                NotificationDelivery(
                    user=user, channel=preference.channel, notification=notification
                )
            )
    return [d.pk for d in NotificationDelivery.objects.bulk_create(rows)]


def _send(delivery: NotificationDelivery) -> None:
    """Send one delivery or raise ``OutboundError``."""
    user = delivery.user
    if delivery.notification is not None:
        family = delivery.notification.kind in FAMILY_KINDS
    else:  # a summary: a parent's or student's (no role anywhere) says no more than the count
        family = not Membership.objects.filter(user=user).exists()
    subject, text = message_for(delivery, family=family)
    preference = preference_for(user)
    if preference.channel != delivery.channel:
        raise OutboundError("The person chose another way since", transient=False)
    if delivery.channel == Channel.EMAIL:
        if not user.email:
            raise OutboundError("No e-mail address", transient=False)
        try:
            send_mail(subject, text, None, [user.email])
        except OSError as exc:  # smtplib's errors are OSErrors
            raise OutboundError(f"Mail: {type(exc).__name__}") from None
        if delivery.notification_id:
            Notification.objects.filter(pk=delivery.notification_id).update(emailed=timezone.now())
    elif delivery.channel == Channel.LINE:
        account = preference.line_account
        if not preference.line_ready or not account.active:
            raise OutboundError("Not linked to LINE", transient=False)
        line_push(account, to=preference.line_user_id, text=text, retry_key=str(delivery.retry_key))
    else:
        raise OutboundError("Nothing to send through", transient=False)


def deliveries_send(delivery_ids: Iterable[int]) -> int:
    """Send the due, pending deliveries among these (each once: a row being sent by another
    worker is skipped). Returns how many were sent."""
    sent = 0
    for pk in delivery_ids:
        with transaction.atomic():
            delivery = (
                NotificationDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "notification")
                .filter(pk=pk, status=Status.PENDING, next_attempt__lte=timezone.now())
                .first()
            )
            if delivery is None:
                continue
            delivery.attempts += 1
            try:
                _send(delivery)
            except OutboundError as exc:
                delivery.last_error = str(exc)[:300]
                if exc.transient and delivery.attempts < MAX_ATTEMPTS:
                    delivery.next_attempt = timezone.now() + RETRY_WAITS[delivery.attempts - 1]
                else:
                    delivery.status = Status.FAILED
                logger.warning(
                    "Notification delivery %s by %s failed (try %s): %s",
                    delivery.pk,
                    delivery.channel,
                    delivery.attempts,
                    delivery.last_error,
                )
            else:
                delivery.status = Status.SENT
                delivery.sent = timezone.now()
                delivery.last_error = ""
                sent += 1
            delivery.save(
                update_fields=["attempts", "status", "sent", "next_attempt", "last_error"]
            )
    return sent


def deliveries_queue(delivery_ids: list[int]) -> None:
    """Hand deliveries to a worker. A broker that is down loses nothing: the rows wait, pending,
    for the next ``deliveries_due`` sweep."""
    from kombu.exceptions import OperationalError

    from carecore.tasks import notification_deliveries_send_task

    try:
        notification_deliveries_send_task.delay(list(delivery_ids))
    except (OperationalError, OSError):
        logger.warning(
            "Could not queue %s notification deliveries; the sweep sends them", len(delivery_ids)
        )


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (a retry, or one whose job was lost)."""
    return list(
        NotificationDelivery.objects.filter(status=Status.PENDING, next_attempt__lte=timezone.now())
        .order_by("next_attempt")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_retry(deliveries) -> list[int]:
    """Put failed deliveries back in the queue (the admin's "Send again")."""
    ids = [d.pk for d in deliveries if d.status == Status.FAILED]
    NotificationDelivery.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, next_attempt=timezone.now(), last_error=""
    )
    return ids


def digests_make(*, now=None) -> list[int]:
    """Today's summary for each person who chose one: the count of their unread notifications
    since their previous summary (or the last day), one delivery per person and day. Returns
    the new deliveries' ids (none for a person with nothing new, or already summarised today)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    previous = (
        NotificationDelivery.objects.filter(user=OuterRef("user"), digest_date__isnull=False)
        .values("user")
        .annotate(last=Max("created"))
        .values("last")
    )
    since = Coalesce(
        Subquery(previous), Value(now - timedelta(days=1)), output_field=DateTimeField()
    )
    preferences = NotificationPreference.objects.filter(
        frequency=NotificationPreference.Frequency.DAILY,
        channel__in=[Channel.EMAIL, Channel.LINE],
    ).select_related("user", "line_account")
    wanted = {p.user_id: p for p in preferences if p.user.is_active and _reachable(p.user, p)}
    if not wanted:
        return []
    counts = (
        Notification.objects.filter(user_id__in=list(wanted), read__isnull=True)
        .annotate(since=since)
        .filter(created__gt=F("since"), created__lte=now)
        .values("user_id")
        .annotate(n=Count("id"))
    )
    rows = [
        NotificationDelivery(
            user_id=row["user_id"],
            channel=wanted[row["user_id"]].channel,
            digest_date=today,
            count=row["n"],
        )
        for row in counts
    ]
    created = NotificationDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        NotificationDelivery.objects.filter(
            digest_date=today, status=Status.PENDING, user_id__in=[d.user_id for d in created]
        ).values_list("pk", flat=True)
    )
