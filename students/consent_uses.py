"""What the apps above do with each consent purpose, and how they stop when it is withdrawn.

Students keep the consents; the apps that rely on them sit above (home-visit photos in visits,
data sent to agencies in referrals) and register here in their AppConfig.ready(). Withdrawing a
consent then previews and stops each registered use without students importing those apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentUse:
    # preview(student) -> the WithdrawalEffects fields it fills (counts, lists), shown before
    # the person confirms; stop(student=, user=, request=) -> the Withdrawal fields it fills.
    preview: Callable[..., dict]
    stop: Callable[..., dict]


_USES: dict[str, list[ConsentUse]] = {}


def register_consent_use(purpose: str, *, preview: Callable, stop: Callable) -> None:
    _USES.setdefault(purpose, []).append(ConsentUse(preview=preview, stop=stop))


def consent_uses(purpose: str) -> list[ConsentUse]:
    return _USES.get(purpose, [])
