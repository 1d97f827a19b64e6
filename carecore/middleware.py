from django_scopes import scopes_disabled


class AdminScopesMiddleware:
    """The Django admin (superusers only) works across schools, so it runs without scopes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)
