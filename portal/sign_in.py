"""How parents and students get in (docs/portal.md, "Accounts"): the limits on codes typed on
the public pages, and the one-time codes a parent receives by SMS.

The limits are counted like the log-in's (allauth's rate limiter, in the shared cache): per
client address, generous enough for a parents' meeting on the school's Wi-Fi, and per phone
number, so that nobody floods one parent with texts or tries one number's codes at length.
``FAMILY_RATE_LIMITS`` in the settings overrides any of them.

An SMS code is six digits, kept only as a keyed hash in the cache for ``SMS_CODE_MINUTES``; a
few wrong tries spend it, and a new code replaces the last one.
"""

from __future__ import annotations

import secrets

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from carecore.dates import ARABIC_DIGITS
from carecore.sms import SmsUnavailable, send_sms
from students.family_services import guardians_with_phone

RATES = {
    # Wrong slip codes from one address.
    "slip_code": "20/10m/ip",
    # Texts sent: to one number, from one address.
    "sms_send": "3/h/key,30/h/ip",
    # Wrong SMS codes: for one number, from one address.
    "sms_try": "10/h/key,50/h/ip",
}
SMS_CODE_TRIES = 5


def _config() -> dict[str, str]:
    return {**RATES, **getattr(settings, "FAMILY_RATE_LIMITS", {})}


def limited(request, action: str, key: str | None = None) -> bool:
    """Whether ``action`` is used up (nothing counted)."""
    usage = ratelimit.consume(
        request,
        app="portal",
        action=action,
        config=_config(),
        key=key,
        dry_run=True,
        limit_get=True,
    )
    return usage is None


def count(request, action: str, key: str | None = None) -> None:
    ratelimit.consume(
        request, app="portal", action=action, config=_config(), key=key, limit_get=True
    )


# --- SMS codes --------------------------------------------------------------------------------
def _code_minutes() -> int:
    return int(getattr(settings, "SMS_CODE_MINUTES", 10))


def _cache_key(phone: str) -> str:
    return f"portal-sms-code:{salted_hmac('portal.sms.phone', phone).hexdigest()}"


def _hash(phone: str, code: str) -> str:
    return salted_hmac("portal.sms.code", f"{phone}:{code}").hexdigest()


def sms_code_send(phone: str) -> bool:
    """Text a new code to ``phone`` (normalised) if a guardian at some school has that number;
    False if none has (nothing is sent). SmsUnavailable if the gateway did not take it."""
    guardian = guardians_with_phone(phone).first()
    if guardian is None:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    text = _("%(code)s is your code to log in to %(school)s's student care system.") % {
        "code": code,
        "school": guardian.student.school.name,
    }
    send_sms(to=phone, text=text)
    cache.set(_cache_key(phone), {"hash": _hash(phone, code), "tries": 0}, _code_minutes() * 60)
    return True


def sms_code_check(phone: str, typed: str) -> bool:
    """Whether ``typed`` is the code last sent to ``phone``; a right code is spent, and so is
    one tried wrongly SMS_CODE_TRIES times."""
    key = _cache_key(phone)
    stored = cache.get(key)
    if not stored:
        return False
    typed = "".join(ch for ch in str(typed or "").translate(ARABIC_DIGITS) if ch.isdigit())[:6]
    if typed and constant_time_compare(stored["hash"], _hash(phone, typed)):
        cache.delete(key)
        return True
    stored["tries"] += 1
    if stored["tries"] >= SMS_CODE_TRIES:
        cache.delete(key)
    else:
        cache.set(key, stored, _code_minutes() * 60)
    return False


__all__ = ["SmsUnavailable", "count", "limited", "sms_code_check", "sms_code_send"]
