import re
from urllib.parse import unquote_to_bytes

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
        from django.urls import reverse

        from carecore.mfa import mfa_allowed_when_locked, mfa_status

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request.mfa = status = mfa_status(request)
        if status.locked and not mfa_allowed_when_locked(_url_name(request.path_info)):
            return _redirect(request, reverse("mfa_activate_totp"))
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
            or _open_to_password_change(_url_name(request.path_info))
        ):
            return self.get_response(request)

        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme, urlencode

        target = reverse("account_change_password")
        if request.method == "GET" and url_has_allowed_host_and_scheme(
            request.get_full_path(), allowed_hosts=None
        ):
            # Back to the page they asked for once the password is changed.
            target += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, target)


def _open_to_password_change(url_name: str) -> bool:
    """The account pages (log-out, password, two-factor enrolment) and the language switch."""
    return url_name.startswith(("account_", "mfa_")) or url_name == "set_language"


def _url_name(path: str) -> str:
    """The name of the page ``path`` opens ("" when no page answers it, or it has no name)."""
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).url_name or ""
    except Resolver404:
        return ""


def _redirect(request, target: str):
    """A redirect to ``target``; for htmx (a progress poll, say), which would swap the whole
    page into a fragment, an HX-Redirect that loads the page instead."""
    from django.http import HttpResponse
    from django.shortcuts import redirect

    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


# NUL (PostgreSQL text cannot hold it) and lone surrogates (no encoding can write them).
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class RejectBadInputMiddleware:
    """Answers 400 with a message page, in the person's language, when the address or a query or
    form parameter (name or value) holds NUL, a lone surrogate or bytes that are not UTF-8.

    Without it such input reached the views: a NUL byte in a search box made PostgreSQL refuse
    the query (a 500). It sits after ThaiFirstLocaleMiddleware, so the page speaks the language
    the person chose. Only the raw query string and URL-encoded bodies are checked for bytes
    that do not decode (Django would silently turn them into U+FFFD); multipart bodies are
    checked after parsing, uploaded files' contents not at all (the imports check them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_bad(request):
            return self._reject(request)
        return self.get_response(request)

    @staticmethod
    def _undecodable(raw: bytes, encoding: str) -> bool:
        try:
            unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            return True
        return False

    def _is_bad(self, request) -> bool:
        from django.conf import settings
        from django.core.handlers.wsgi import get_bytes_from_wsgi

        encoding = request.encoding or settings.DEFAULT_CHARSET
        if _BAD_CHARACTERS.search(request.path):
            return True
        if self._undecodable(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""), encoding):
            return True
        posted = request.method == "POST" and request.content_type
        # request.body is bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (beyond it: Django's 400).
        if posted == "application/x-www-form-urlencoded" and self._undecodable(
            request.body, encoding
        ):
            return True
        parameters = [request.GET]
        if posted in ("application/x-www-form-urlencoded", "multipart/form-data"):
            parameters.append(request.POST)
            names = (upload.name or "" for upload in request.FILES.values())
            if any(_BAD_CHARACTERS.search(name) for name in names):
                return True
        for query in parameters:
            for key, values in query.lists():
                if _BAD_CHARACTERS.search(key) or any(
                    isinstance(value, str) and _BAD_CHARACTERS.search(value) for value in values
                ):
                    return True
        return False

    @staticmethod
    def _reject(request):
        from django.shortcuts import render

        return render(request, "400.html", {"bad_characters": True}, status=400)
