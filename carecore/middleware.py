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


class ThaiFirstLocaleMiddleware:
    """Thai unless the person chose English: their choice (cookie, or the language saved on their
    account) wins; the browser's Accept-Language does not, since many Thai teachers' phones are set
    to English while they expect the Thai system."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _ in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            user = getattr(request, "user", None)
            saved = getattr(user, "language", None) if user and user.is_authenticated else None
            language = saved if saved in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
