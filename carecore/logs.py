"""Logs people can use, errors that reach someone, and nothing personal leaving the machine.

- ``RequestIdMiddleware`` gives every request an id (the proxy's ``X-Request-ID`` when it is
  safe, else a new one), answers it in the ``X-Request-ID`` header and writes one access line per
  request (method, path without the query string, status, duration, user id).
- ``RequestContextFilter`` adds ``request_id`` and ``user_id`` to every log record: the numeric
  id of the signed-in user, never a username or a name; ``-`` outside a request.
- Celery jobs get the task id as their request id (``connect_celery_signals``).
- ``PrivateExceptionReporter`` writes the error e-mails to ADMINS without the request's
  contents (query string, form fields, files, cookies, most headers) or local variables.
- ``init_sentry`` sends errors to Sentry when a DSN is set, through ``before_send``, which keeps
  the same things out and masks national id numbers anywhere in the event.

docs/logging.md describes the log lines and the scrubbing rules.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject, empty
from django.utils.log import AdminEmailHandler, log_response
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

access_logger = logging.getLogger("carecore.access")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
NONE = "-"

# Thai national id numbers: 13 digits, written together or as 1-2345-67890-12-3.
NATIONAL_ID_RE = re.compile(r"(?<!\d)(?:\d{13}|\d[- ]\d{4}[- ]\d{5}[- ]\d{2}[- ]\d)(?!\d)")
NATIONAL_ID_MASK = "[national-id]"
FILTERED = "[Filtered]"
CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f]")

# URL parts that work as a credential: the screening slip code (/f/<code>/) and allauth's
# password-reset key. They are masked wherever a path is logged or reported.
SECRET_URL_KWARGS = frozenset({"code", "key", "token", "uidb36", "uidb64"})

# The only request headers that go to Sentry: none names a person or carries a credential.
SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-length",
        "content-type",
        "host",
        "user-agent",
        "x-forwarded-proto",
        "x-request-id",
    }
)
SAFE_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_REQUEST_ID",
        "PATH_INFO",
        "REQUEST_METHOD",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "wsgi.url_scheme",
    }
)
# Breadcrumbs whose message and data are dropped: SQL (its parameters hold names and national
# ids) and subprocess command lines.
DROPPED_BREADCRUMB_CATEGORIES = frozenset({"query", "subprocess"})


# --- the request context -----------------------------------------------------------------------


@dataclass
class _Context:
    request_id: str
    request: Any = None
    user_id: str | None = None


_context: ContextVar[_Context | None] = ContextVar("carecore_log_context", default=None)


def get_request_id() -> str | None:
    """The id of the request or job being handled in this context, if any."""
    ctx = _context.get()
    return ctx.request_id if ctx else None


def get_user_id() -> str | None:
    """The numeric id of the signed-in user of the current request, if already known."""
    ctx = _context.get()
    if ctx is None:
        return None
    if ctx.user_id is None and ctx.request is not None:
        ctx.user_id = _user_id(ctx.request, evaluate=False)
    return ctx.user_id


def new_request_id(incoming: str | None = None) -> str:
    """``incoming`` when it is a short string of safe characters, else a new random id."""
    if incoming and REQUEST_ID_RE.match(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request, *, evaluate: bool) -> str | None:
    """The signed-in user's primary key as text, or None.

    ``request.user`` is a lazy object that costs a query to evaluate: log records read it only
    once something else has (``evaluate=False``), so that logging never runs a query.
    """
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty and not evaluate:
        return None
    try:
        if user.is_authenticated:
            return str(user.pk)
    except Exception:  # a broken database must not break logging
        return None
    return None


def mask_url_secrets(text: str, request) -> str:
    """``text`` (a path or URL of ``request``) with credential-like URL parts masked."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_KWARGS and isinstance(value, str) and len(value) >= 4:
                text = text.replace(value, FILTERED)
    return text


def safe_path(request) -> str:
    """The request's path without the query string, with credential-like URL parts masked and
    control characters (a decoded %0A could forge a log line) percent-encoded again."""
    path = mask_url_secrets(request.path, request)
    return CONTROL_CHARS_RE.sub(lambda m: f"%{ord(m.group()):02X}", path)


class RequestIdMiddleware:
    """Binds a request id (and, once known, the user's id) to everything logged for a request.

    It sits right after WhiteNoise, so that every response of the application carries the id,
    including those that an inner middleware answers (CSRF failures, redirects to log in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        ctx = _Context(request_id=request_id, request=request)
        token = _context.set(ctx)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if response.status_code >= 400:
                # Django logs a 4xx/5xx response that no view raised ("Not Found: /f/...")
                # after every middleware has returned, outside this request's context, and with
                # the raw path: log it here, with the id and the masked path (log_response marks
                # it logged, so Django does not write it again).
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    safe_path(request),
                    response=response,
                    request=request,
                )
            # The view may have signed someone in or out: the id of whoever the request ended
            # with, else of whoever it started with.
            ctx.user_id = _user_id(request, evaluate=True) or ctx.user_id
            access_logger.info(
                "%s %s %s %dms",
                request.method,
                safe_path(request),
                response.status_code,
                round((time.monotonic() - started) * 1000),
            )
            return response
        finally:
            _context.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record (``-`` when there are none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_request_id() or NONE
        record.user_id = get_user_id() or NONE
        return True


class IsoFormatter(logging.Formatter):
    """``asctime`` as ISO 8601 local time with milliseconds and the UTC offset."""

    def formatTime(self, record, datefmt=None):  # noqa: N802  (logging's name)
        return (
            datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")
        )


# --- Celery --------------------------------------------------------------------------------------

_task_tokens: dict[str, Any] = {}


def _task_prerun(task_id=None, **kwargs):
    if task_id:
        _task_tokens[task_id] = _context.set(_Context(request_id=new_request_id(task_id)))


def _task_postrun(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is None:
        return
    try:
        _context.reset(token)  # back to the request's id when the job ran eagerly in it
    except ValueError:  # set in another context
        _context.set(None)


def connect_celery_signals() -> None:
    """Gives each Celery job its task id as request id, from task_prerun to task_postrun."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="carecore.logs.task_prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="carecore.logs.task_postrun")


# --- ADMINS ----------------------------------------------------------------------------------


def parse_admins(items: list[str]) -> list[tuple[str, str]]:
    """``["Ops <ops@example.org>", "a@example.org"]`` as ``[(name, address), ...]``; a plain
    address is its own name."""
    admins = []
    for item in items:
        name, address = parseaddr(item)
        if "@" not in address or " " in address:
            message = "ADMINS must be comma-separated addresses or 'Name <address>'"
            raise ImproperlyConfigured(f"{message}, not {item!r}")
        admins.append((name or address, address))
    return admins


# --- the error e-mails -------------------------------------------------------------------------


def mask_national_ids(text: str) -> str:
    return NATIONAL_ID_RE.sub(NATIONAL_ID_MASK, text)


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Reports no form field, cookie, local variable or header that is not on a short list, and
    no setting that can hold a password: Django's list misses the connection URLs
    (``DATABASE_URL=postgres://user:password@...``, the broker, the cache, the DSN)."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|BROKER|BACKEND|CACHE|DSN|URL",
        flags=re.IGNORECASE,
    )

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        if request is None:
            return {}
        return {
            key: (value if key in SAFE_META else self.cleansed_substitute)
            for key, value in request.META.items()
        }

    def get_traceback_frame_variables(self, request, tb_frame):
        return []


class PrivateExceptionReporter(ExceptionReporter):
    """The error e-mail (AdminEmailHandler) without the request's contents: the user as an id,
    the address without its query string, the exception text with national ids masked."""

    def __init__(self, request, exc_type, exc_value, tb, is_email=False):
        super().__init__(request, exc_type, exc_value, tb, is_email)
        self.filter = PrivateExceptionReporterFilter()

    def get_traceback_data(self):
        data = super().get_traceback_data()
        substitute = self.filter.cleansed_substitute
        if self.request is not None:
            data["user_str"] = f"id {_user_id(self.request, evaluate=False) or NONE}"
            data["request_GET_items"] = [(key, substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, substitute) for key in self.request.FILES]
            data["request_insecure_uri"] = safe_path(self.request)
        if "exception_value" in data:
            data["exception_value"] = mask_national_ids(data["exception_value"])
        if "exception_notes" in data:
            data["exception_notes"] = mask_national_ids(data["exception_notes"])
        return data


class PrivateAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mail to ADMINS through ``PrivateExceptionReporter``, with national ids
    masked in the subject and the log message too (a failed job's message quotes its error)."""

    def __init__(self, include_html=False, email_backend=None, reporter_class=None):
        super().__init__(
            include_html=include_html,
            email_backend=email_backend,
            reporter_class=reporter_class or "carecore.logs.PrivateExceptionReporter",
        )

    def format_subject(self, subject):
        return super().format_subject(mask_national_ids(subject))

    def format(self, record):
        return mask_national_ids(super().format(record))


# --- Sentry ------------------------------------------------------------------------------------


def _scrub_strings(value: Any) -> Any:
    """``value`` with national ids masked in every string it holds, however deep."""
    if isinstance(value, str):
        return mask_national_ids(value)
    if isinstance(value, dict):
        return {key: _scrub_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_strings(item) for item in value]
    return value


def _scrub_breadcrumb(crumb: dict) -> dict:
    if crumb.get("category") in DROPPED_BREADCRUMB_CATEGORIES:
        crumb.pop("message", None)
        crumb.pop("data", None)
    data = crumb.get("data")
    if isinstance(data, dict):
        data.pop("http.query", None)
        data.pop("http.fragment", None)
        if isinstance(data.get("url"), str):
            data["url"] = data["url"].split("?", 1)[0]
    return crumb


def before_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return _scrub_strings(_scrub_breadcrumb(crumb))


def _scrub_request(event: dict) -> None:
    request = event.get("request")
    if not isinstance(request, dict):
        return
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS
        }
    url = request.get("url")
    if isinstance(url, str):
        url = url.split("?", 1)[0].split("#", 1)[0]
        ctx = _context.get()
        if ctx is not None and ctx.request is not None:
            url = mask_url_secrets(url, ctx.request)
        request["url"] = url


def _scrub_celery_job(extra: dict) -> None:
    job = extra.get("celery-job")
    if not isinstance(job, dict):
        return
    for key in ("args", "kwargs"):
        value = job.get(key)
        if isinstance(value, list | tuple):
            job[key] = [_id_or_filtered(item) for item in value]
        elif isinstance(value, dict):
            job[key] = {name: _id_or_filtered(item) for name, item in value.items()}


def _id_or_filtered(value: Any) -> Any:
    """Jobs take ids (numbers, UUIDs) and a few flags; any other value is not reported."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F-]{32,36}", value):
        return value
    return FILTERED


def before_send(event: dict, hint: dict | None = None) -> dict:
    """Keeps student data out of Sentry: no request body, cookies, query string or headers
    beyond a short list, the user as an id only, no SQL in breadcrumbs, no command line, and
    national ids masked in every string (exception messages, log messages, extra data)."""
    _scrub_request(event)

    user_id = get_user_id()
    user = event.get("user")
    if not user_id and isinstance(user, dict) and user.get("id") is not None:
        user_id = str(user["id"])
    if user_id:
        event["user"] = {"id": user_id}
    else:
        event.pop("user", None)

    request_id = get_request_id()
    if request_id:
        tags = event.get("tags")
        if not isinstance(tags, dict):
            tags = event["tags"] = {}
        tags["request_id"] = request_id

    extra = event.get("extra")
    if isinstance(extra, dict):
        extra.pop("sys.argv", None)  # manage.py arguments: file names, usernames
        _scrub_celery_job(extra)

    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    if isinstance(values, list):
        for crumb in values:
            if isinstance(crumb, dict):
                _scrub_breadcrumb(crumb)

    return _scrub_strings(event)


DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def _release() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"carecare@{version('carecare')}"
    except PackageNotFoundError:
        return None


def init_sentry(*, dsn: str, environment: str = "", traces_sample_rate: str = "") -> bool:
    """Starts sentry-sdk with the Django and Celery integrations when ``dsn`` is set."""
    if not dsn:
        return False
    try:
        rate = float(traces_sample_rate) if traces_sample_rate.strip() else 0.0
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, not {traces_sample_rate!r}"
        ) from exc
    if not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.")

    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=_release(),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No default PII. sentry-sdk 2.76 deprecates ``send_default_pii`` (left unset, which
        # means off) for ``data_collection``, which says the same more strictly: no user
        # details, cookies, bodies, query strings, SQL parameters, job arguments or local
        # variables, and only the safe headers.
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=rate,
        before_send=before_send,
        before_send_transaction=before_send,  # traces, when turned on: the same rules
        before_breadcrumb=before_breadcrumb,
        # Never to a local Spotlight (SENTRY_SPOTLIGHT), which would turn PII on.
        spotlight=False,
    )
    return True
