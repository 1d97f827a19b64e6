"""Calls to services outside the machine over HTTPS (LINE's Messaging API, an SMS gateway).

One small client on the standard library: JSON in and out, a timeout, and failures sorted into
those worth trying again (no answer, a timeout, 429, 5xx) and those that are not (any other
4xx: a wrong token, a blocked user). Error texts carry the status and the service's own short
message, never the request's headers (tokens) or body (phone numbers, text).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass


class OutboundError(Exception):
    """The service did not take the request. ``transient``: trying again later may work."""

    def __init__(self, message: str, *, status: int | None = None, transient: bool = True):
        super().__init__(message)
        self.status = status
        self.transient = transient


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    data: object


def _json(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


def post_json(
    url: str,
    payload: dict,
    *,
    headers: dict[str, str],
    timeout: float = 10,
    ok_statuses: tuple[int, ...] = (),
) -> Response:
    """POST ``payload`` as JSON; returns the 2xx ``Response`` or raises ``OutboundError``.
    ``ok_statuses`` beyond 2xx are not errors (LINE answers 409 to a retry it already took)."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    if not url.startswith(("https://", "http://")):
        raise OutboundError("Not an HTTP address", transient=False)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=body,
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status, dict(answer.headers.items()), _json(answer.read()))
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        if exc.code in ok_statuses:
            return Response(exc.code, dict(exc.headers.items()), _json(raw))
        data = _json(raw)
        detail = data.get("message", "") if isinstance(data, dict) else ""
        raise OutboundError(
            f"HTTP {exc.code} {str(detail)[:200]}".strip(),
            status=exc.code,
            transient=exc.code == 429 or exc.code >= 500,
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OutboundError(f"No answer: {type(reason).__name__}") from None
