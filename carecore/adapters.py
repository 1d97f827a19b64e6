from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

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
