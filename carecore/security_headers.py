"""The Permissions-Policy header: which browser features a page may use.

Every page turns the powerful features off (``settings.PERMISSIONS_POLICY_FEATURES``): a script
that got in somehow still cannot read the location, the camera or the microphone. The one page
that needs some of them (the home-visit form: where the house is, photos taken on the phone)
says so with the ``permissions_policy`` decorator, which allows them for our own origin only.

The Content-Security-Policy comes from django-csp (``CONTENT_SECURITY_POLICY`` in the settings),
the Referrer-Policy from Django's ``SECURE_REFERRER_POLICY``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Permissions-Policy"


def policy_value(allowed: frozenset[str] = frozenset()) -> str:
    """The header's value: each feature off (``()``), those allowed for our origin (``(self)``)."""
    features = list(settings.PERMISSIONS_POLICY_FEATURES)
    features += sorted(set(allowed) - set(features))
    return ", ".join(
        f"{feature}=(self)" if feature in allowed else f"{feature}=()" for feature in features
    )


def permissions_policy(*allowed: str) -> Callable:
    """Allow these features (for example ``"geolocation", "camera"``) on the view's pages."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.permissions_policy_allow = frozenset(allowed)
            return response

        return wrapped

    return decorator


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if HEADER not in response:
            allowed = getattr(response, "permissions_policy_allow", frozenset())
            response[HEADER] = policy_value(allowed)
        return response
