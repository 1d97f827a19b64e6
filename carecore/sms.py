"""Text messages (SMS) through the school system's gateway: a JSON POST to ``SMS_API_URL`` with
``SMS_API_KEY`` as a bearer token (carecore.outbound), ``{"to": "0812345678", "text": "..."}``.

Used for the one-time codes of the parents' log-in by phone (docs/portal.md): the text holds the
code and the school's name, nothing about a child. Unset ``SMS_API_URL``: no text is sent
(``SmsUnavailable``); the demo (DEBUG) writes the message to the log instead, so that it can be
tried without a gateway.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

from carecore.dates import ARABIC_DIGITS
from carecore.outbound import OutboundError, post_json

logger = logging.getLogger(__name__)

# A Thai mobile number: 10 digits, 06, 08 or 09 then eight more.
_MOBILE = re.compile(r"0[689]\d{8}")


class SmsUnavailable(Exception):
    """No text could be sent (no gateway set up, or it did not take the message)."""


def phone_normalise(text: str | None) -> str | None:
    """A Thai mobile number as ten digits (``0812345678``), from what a person typed or the
    school wrote down: Thai digits, spaces, dashes, dots and +66 are accepted; None if it is not
    a mobile number."""
    digits = "".join(ch for ch in str(text or "").translate(ARABIC_DIGITS) if ch.isdigit())
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.fullmatch(digits) else None


def phone_masked(phone: str) -> str:
    """The number as a page may show it: 08x-xxx-5678."""
    return f"{phone[:2]}x-xxx-{phone[-4:]}"


def send_sms(*, to: str, text: str) -> None:
    """Send ``text`` to the mobile number ``to`` (normalised); SmsUnavailable if it cannot be."""
    url = getattr(settings, "SMS_API_URL", "")
    if not url:
        if settings.DEBUG:
            logger.warning("SMS (no gateway, demo only) to %s: %s", phone_masked(to), text)
            return
        raise SmsUnavailable("SMS_API_URL is not set")
    try:
        post_json(
            url,
            {"to": to, "text": text},
            headers={"Authorization": f"Bearer {getattr(settings, 'SMS_API_KEY', '')}"},
            timeout=10,
        )
    except OutboundError as exc:
        logger.warning("SMS to %s not sent: %s", phone_masked(to), exc)
        raise SmsUnavailable(str(exc)) from exc
