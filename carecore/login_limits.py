"""Log-in limits: a school behind one address gets in; one account under attack is slowed.

allauth counts every wrong password twice (``ACCOUNT_RATE_LIMITS["login_failed"]`` in the
settings): per client address (``carecore.netaddr``), generous enough for a whole school on a
Monday morning, and per "key", which allauth takes from what was typed. Here the key is the
account itself, so that typing the username, the e-mail or either in capitals all count
against the same allowance; a name that matches no account is counted under that name.

When the account's own allowance runs out, allauth refuses further attempts, the right
password included, until the oldest wrong ones age out (a password reset clears them). The
owner is then told, at most once an hour: a notification on their home page and the usual
e-mail, which names no child and no address, and leads to the change-password page.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from allauth.core.internal import ratelimit
from django.urls import reverse
from django.utils import timezone

from carecore.models import Notification, User

logger = logging.getLogger(__name__)

ACTION = "login_failed"
# The owner hears of it at most once in this long.
TELL_OWNER_EVERY = timedelta(hours=1)


def account_for(**credentials) -> User | None:
    """The one account the typed e-mail or username names, if any."""
    candidates = []
    email = credentials.get("email")
    username = credentials.get("username")
    for value, lookup in ((email, filter_users_by_email), (username, filter_users_by_username)):
        # A NUL cannot be sent to PostgreSQL; such a name matches no account.
        if not value or "\x00" in value:
            continue
        users = list(lookup(value))
        if len(users) == 1:
            candidates.append(users[0])
    return candidates[0] if candidates else None


def attempts_key(**credentials) -> str:
    """What the per-key limit counts under: the account, or the typed name if none matches."""
    user = account_for(**credentials)
    if user is not None:
        return f"account:{user.pk}"
    typed = credentials.get("email") or credentials.get("username") or ""
    return f"login:{typed.lower()}"


def _account_rates() -> str:
    """The per-account parts of the configured limit ("5/5m/key,10/h/key")."""
    parts = (account_settings.RATE_LIMITS.get(ACTION) or "").split(",")
    return ",".join(part.strip() for part in parts if part.strip().endswith("/key"))


def account_limited(request, key: str) -> bool:
    """Whether the account's own allowance (not the address's) is used up, without using any."""
    rates = _account_rates()
    if not rates:
        return False
    usage = ratelimit.consume(
        request,
        app="allauth.account",
        action=ACTION,
        config={ACTION: rates},
        key=key,
        dry_run=True,
    )
    return usage is None


def attempt_refused(request, **credentials) -> None:
    """allauth refused a log-in for too many wrong passwords: if that is the account's limit
    (not the address's), tell its owner, unless they were told within the hour."""
    user = account_for(**credentials)
    if user is None or not account_limited(request, f"account:{user.pk}"):
        return
    logger.warning("Log-in paused for account %s after repeated wrong passwords", user.pk)
    tell_owner(user)


def tell_owner(user: User) -> Notification | None:
    from carecore.notifications import notify

    since = timezone.now() - TELL_OWNER_EVERY
    kind = Notification.Kind.LOGIN_SLOWED
    if Notification.objects.filter(user=user, kind=kind, created__gte=since).exists():
        return None
    created = notify(users=[user], kind=kind, url=reverse("account_change_password"))
    return created[0] if created else None
