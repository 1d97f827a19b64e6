from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied, ValidationError

from carecore import login_limits
from carecore.netaddr import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by a school coordinator or a district administrator."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        """The address allauth's log-in rate limits count: the client's, not the proxy's."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Wrong passwords count per account, whichever name was typed (carecore.login_limits)."""
        return login_limits.attempts_key(**credentials)

    def pre_authenticate(self, request, **credentials):
        """allauth refuses here once too many wrong passwords were tried; the owner is told."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login_limits.attempt_refused(request, **credentials)
            raise
