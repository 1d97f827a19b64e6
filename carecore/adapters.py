from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: accounts are created by a school coordinator or a district administrator."""

    def is_open_for_signup(self, request):
        return False
