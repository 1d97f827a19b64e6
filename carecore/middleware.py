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


class MfaRequiredMiddleware:
    """Puts ``request.mfa`` (carecore/mfa.py) on every signed-in request, for the banner, and
    sends a person who must use two-factor authentication and whose grace period is over to the
    enrolment page: the log-out, the enrolment pages and the help page stay open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponse
        from django.shortcuts import redirect
        from django.urls import reverse

        from carecore.mfa import mfa_allowed_when_locked, mfa_status

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request.mfa = status = mfa_status(request)
        if status.locked and not mfa_allowed_when_locked(request.path_info):
            target = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request"):
                # htmx (a progress poll, say) would swap the whole enrolment page into a
                # fragment: it loads the page instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a person whose password someone else set (``User.must_change_password``: a new
    account's initial password, or one reset by a coordinator or the district administrator)
    to allauth's password change page until they have chosen their own. The account pages
    (log-out, password, two-factor enrolment) and the language switch stay open; the page
    explains why (templates/account/password_change.html)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "must_change_password", False)
            or self._allowed(request.path_info)
        ):
            return self.get_response(request)

        from django.http import HttpResponse
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme, urlencode

        target = reverse("account_change_password")
        if request.method == "GET" and url_has_allowed_host_and_scheme(
            request.get_full_path(), allowed_hosts=None
        ):
            # Back to the page they asked for once the password is changed.
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)

    @staticmethod
    def _allowed(path: str) -> bool:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
        except Resolver404:
            return False
        name = match.url_name or ""
        return name.startswith(("account_", "mfa_")) or name == "set_language"
