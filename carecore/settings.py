"""Settings for the student care system, read from environment variables.

The defaults are for the demo only: a SQLite file and jobs run eagerly in the web process.
Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY and ALLOWED_HOSTS.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab  # dropout cases (helper dropouts)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from carecore.env import env_bool, env_int, env_list, env_secret, env_str
from carecore.logs import init_sentry, parse_admins
from carecore.netaddr import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set (or SECRET_KEY_FILE) when DEBUG is off.")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "carecore",
    "districts",
    "schools",
    "students",
    "screening",
    "referrals",
    "visits",
    "attendance",
    "behaviour",
    "care",
    "dropouts",
    "portal",
    "earlywarning",
    "districts.deadlines",
    "districts.surveys",
    "districts.practices",
    "districts.supervision",
    "districts.plans",
    "districts.training",
    "districts.committees",
    "districts.assessments",
    "districts.fund",
    "dashboards",
    # The top layer: the demo district's seeder (seed_demo); no app imports it.
    "demo",
]

MIDDLEWARE = [
    # /healthz/ first: probes come without an allowed Host and over plain HTTP (carecore/health.py).
    "carecore.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (carecore/security_headers.py).
    "csp.middleware.CSPMiddleware",
    "carecore.security_headers.PermissionsPolicyMiddleware",
    # A request id on every log line and response, one access line per request (docs/logging.md).
    "carecore.logs.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carecore.middleware.ThaiFirstLocaleMiddleware",
    # NUL, lone surrogates or bytes that are not UTF-8 in any parameter: 400 with a message in
    # the person's language (after the locale), before any view or form sees them.
    "carecore.middleware.RejectBadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Two-factor authentication required past the grace period (carecore/mfa.py).
    "carecore.middleware.MfaRequiredMiddleware",
    # A password someone else set is changed by its owner before anything else (docs/access.md).
    "carecore.middleware.PasswordChangeRequiredMiddleware",
    "carecore.middleware.AdminScopesMiddleware",
]

ROOT_URLCONF = "carecore.urls"
WSGI_APPLICATION = "carecore.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carecore.context_processors.navigation",
            ],
        },
    },
]

# Database: a SQLite file for the demo; PostgreSQL everywhere else (DATABASE_URL).
DATABASE_URL = env_secret("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the dashboards' figure query (many EXISTS, a high estimated
    # cost) for seconds before running it in milliseconds: off for this application's queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web process and worker share the file. WAL lets pages read while the worker
    # writes; a writer waits up to 20 s for the other instead of failing with "database is
    # locked"; transactions take the write lock when they begin, so that one that read first
    # cannot fail at its first write (a lock upgrade does not wait).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# --- database roles (audit) ---
# The owner role that migrations, restore and db_roles run as (carecore/dbroles.py); the app
# itself connects as DATABASE_URL's role, which owns no table and may only insert and read the
# audit log. Unset: DATABASE_URL's role does everything (the demo, the tests).
DATABASE_OWNER_URL = env_secret("DATABASE_OWNER_URL")
DATABASE_OWNER = dj_database_url.parse(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None
if DATABASE_OWNER is not None and any(
    str(DATABASE_OWNER.get(key) or "") != str(DATABASES["default"].get(key) or "")
    for key in ("ENGINE", "NAME", "HOST", "PORT")
):
    raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same database as DATABASE_URL.")
# --- end database roles ---
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "carecore.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: log in by username or e-mail; no open sign-up (accounts are created by the
# school coordinator or a district administrator); TOTP two-factor for every user.
ACCOUNT_ADAPTER = "carecore.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# A new password must differ from the current one (a password someone else set is replaced).
ACCOUNT_FORMS = {"change_password": "carecore.account_forms.OwnPasswordChangeForm"}
# Log-in limits (allauth, counted in the cache: set CACHE_URL so that every process shares them).
# A whole school logs in from one address on a Monday morning: the per-address limits let
# 60 teachers in 10 minutes through, typos included. Wrong passwords for one account ("key":
# the account, whatever name or e-mail was typed; carecore/login_limits.py) pause that account
# after 5 in 5 minutes and 10 in an hour, and its owner is told. The account's limits come first
# so that attempts refused for it do not use up the school's per-address allowance.
ACCOUNT_RATE_LIMITS = {
    "login": "100/m/ip,1000/h/ip",
    "login_failed": "5/5m/key,10/h/key,30/m/ip,100/h/ip",
}
# Two-factor authentication (carecore/mfa.py): an authenticator app (TOTP) or a passkey
# (WebAuthn), with recovery codes. Required for every role that sees sensitive data or many
# students, and for homeroom teachers where their district says so: MFA_GRACE_DAYS days from the
# first log-in once it applies, then nothing but the enrolment pages. A passkey is a second
# factor after the password, not a way to log in without it (MFA_PASSKEY_LOGIN_ENABLED off).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Student Care")
MFA_ADAPTER = "carecore.mfa.MFAAdapter"
MFA_FORMS = {"add_webauthn": "carecore.mfa.AddPasskeyForm"}
MFA_PASSKEY_LOGIN_ENABLED = False
# Browsers offer passkeys only over HTTPS (and on localhost); the demo runs on plain HTTP.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_GRACE_DAYS = env_int("MFA_GRACE_DAYS", 14)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Thai first, English available. Dates on screen use the project's Buddhist Era filters.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes the manifest and the hashed, compressed files that WhiteNoise
# serves (the image builds it at /app/staticfiles; the test session builds its own).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# No URL route serves MEDIA_ROOT: uploaded files (photos of homes, documents) are only ever
# sent through permission-checked views.
MEDIA_URL = "/media-is-not-public/"
WHITENOISE_USE_FINDERS = DEBUG
# Files the browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Celery: Redis in production and CI. `make demo` runs a worker on kombu's filesystem transport
# (CELERY_BROKER_URL=filesystem://: messages are files under CELERY_FILESYSTEM_DIR, no server to
# install). Without a broker, jobs run eagerly in the web process.
CELERY_BROKER_URL = env_secret("CELERY_BROKER_URL")
_broker_dir = Path(env_str("CELERY_FILESYSTEM_DIR") or BASE_DIR / ".demo-broker")
CELERY_RESULT_BACKEND = env_secret("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
# A job's state and output live in its row (GeneratedFile, StudentImport), not in Redis.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# In the demo a job that fails is marked failed on its page rather than breaking the request.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A job stays queued until it has finished: a worker that dies mid-job (acks_late) leaves the
# message unacknowledged, and Redis hands it to another worker after the visibility timeout,
# which must be longer than the longest job. A pool process that dies is requeued at once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "carecare")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1800),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
if CELERY_BROKER_URL.startswith("filesystem:"):
    # Web and worker write and read the same folder. A worker takes a message by renaming it
    # into "processed" (atomic within one file system, so two workers never take the same
    # message); `make demo` empties that folder when it starts. No result backend: a job's
    # state is in its row.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": True,
        "processed_folder": str(_broker_dir / "processed"),
        "polling_interval": 0.5,  # seconds between looks at an empty queue folder
    }
    for _folder in ("queue", "control", "processed"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False


def _beat(task: str, schedule) -> dict:
    """A periodic job of the beat: the task's dotted name, every so many seconds or a crontab."""
    return {"task": task, "schedule": schedule}


CELERY_BEAT_SCHEDULE = {
    "remove-expired-files": _beat("carecore.tasks.generated_files_cleanup_task", 3600.0),
    # --- referrals (helper referrals) ---
    # Referrals newly past their answer date: their recipients are told once.
    "referrals-overdue-notify": _beat("referrals.tasks.referrals_overdue_notify_task", 3600.0),
    # --- end referrals ---
    # --- dropout cases (helper dropouts) ---
    # Nightly: open dropout cases past their step's deadline are marked late (owners told once).
    "dropout-cases-mark-late": _beat(
        "dropouts.tasks.dropout_cases_mark_late_task", crontab(hour=1, minute=15)
    ),
    # --- end dropout cases ---
    # --- dashboards ---
    # The dashboards' rollups (dashboards.rollups): rows a lost job left stale, every five
    # minutes; every school's current term at night (overdue plans and referrals move with the
    # date).
    "dashboards-refresh-stale": _beat("dashboards.tasks.refresh_stale_figures_task", 300.0),
    "dashboards-refresh-all": _beat(
        "dashboards.tasks.refresh_all_figures_task", crontab(hour=1, minute=40)
    ),
    # --- end dashboards ---
}
# /healthz/ fails when no worker has written its heartbeat for this many seconds; workers and
# beat write one every HEALTH_HEARTBEAT_INTERVAL seconds (carecore/health.py).
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 60)
HEALTH_HEARTBEAT_INTERVAL = env_int("HEALTH_HEARTBEAT_INTERVAL", 15)
# Files made by jobs (PDFs, spreadsheets) can be downloaded for this many days.
GENERATED_FILE_LIFETIME_DAYS = env_int("GENERATED_FILE_LIFETIME_DAYS", 7)

# Screening instruments (docs/screening.md). The wording of the questionnaires is copyrighted and
# not shipped: the deploying office supplies it as a TOML file. A folder of corrected instrument
# files (keys, criteria, norm tables) replaces the shipped files of the same name.
SCREENING_INSTRUMENT_TEXT = env_str("SCREENING_INSTRUMENT_TEXT") or None
SCREENING_INSTRUMENTS_DIR = env_str("SCREENING_INSTRUMENTS_DIR") or None
# Wrong slip codes allowed from one address within the window (seconds) before the public form
# pages answer 429. Counted in the cache: set CACHE_URL so that every process shares the count.
SCREENING_LINK_MAX_FAILURES = env_int("SCREENING_LINK_MAX_FAILURES", 20)
SCREENING_LINK_FAILURE_WINDOW = env_int("SCREENING_LINK_FAILURE_WINDOW", 600)

# The cache: in-process memory by default (the demo); Redis in production (CACHE_URL), so that
# counters such as the wrong-code throttle are shared by every web process.
CACHE_URL = env_secret("CACHE_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed to the console (demo).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production runs behind TLS; the demo (DEBUG) does not.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies in front of the app (addresses or networks, comma-separated). Only a
# request whose direct peer is one of them has its X-Forwarded-For read for the client's address
# (the wrong-code throttle, log-in rate limits, the audit log; carecore/netaddr.py). Empty: the
# peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
TRUSTED_PROXY_NETWORKS = parse_networks(TRUSTED_PROXIES)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script, style or event handler (tests/test_security_headers.py scans the templates).
# Photos are previewed from blob: URLs on the visit form; Bootstrap draws icons from data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        # The service worker of the home-visit pages (/sw.js, static/root/sw.js).
        "worker-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Permissions-Policy: every powerful feature off, except where a view allows it (the home-visit
# form takes the location and photos: carecore.security_headers.permissions_policy). Passkeys
# (publickey-credentials-*) stay at the browser's default: our own pages may use them.
PERMISSIONS_POLICY_FEATURES = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# Logs (docs/logging.md): every process writes one line per record to stderr, collected by the
# container runtime or journald: ISO time, level, logger, request id and the user's numeric id
# (never a name). Errors of requests and jobs are mailed to ADMINS when DEBUG is off, without
# the request's contents (carecore.logs.PrivateExceptionReporter).
ADMINS = parse_admins(env_list("ADMINS"))
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper() or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "carecore.logs.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "line": {
            "()": "carecore.logs.IsoFormatter",
            "format": (
                "%(asctime)s %(levelname)s %(name)s [%(request_id)s] user=%(user_id)s %(message)s"
            ),
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "line",
        },
        "mail_admins": {
            "class": "carecore.logs.PrivateAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default handlers (its own console and error mail, which would send the
        # request's contents) stay attached unless replaced here: its records go to the root's.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # runserver's access lines repeat carecore.access (the middleware's); its 4xx/5xx stay.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        # Server errors (as Django's default does when DEBUG is off) and failed jobs.
        "django.request": {"handlers": ["mail_admins"]},
        "celery.app.trace": {"handlers": ["mail_admins"]},
    },
}

# Sentry, when SENTRY_DSN is set: errors of the web app and the jobs, with no request body, no
# cookie, no query string, no name (carecore.logs.before_send). Traces only when asked for.
SENTRY_DSN = env_secret("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT")
SENTRY_TRACES_SAMPLE_RATE = env_str("SENTRY_TRACES_SAMPLE_RATE")
init_sentry(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# --- backups ---
# `manage.py backup` and the nightly job write carecare-backup-<UTC time>.tar archives here (the
# database dump, MEDIA_ROOT and a manifest); the nightly job keeps the newest BACKUP_KEEP of them
# (0 keeps every archive). docs/operations.md.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
CELERY_BEAT_SCHEDULE["backup-nightly"] = _beat(
    "carecore.tasks.backup_nightly_task", crontab(hour=2, minute=30)
)
# The audit log's hash chain walked every night, after the backup (carecore/auditchain.py); the
# result shows on the district administrator's audit log page.
CELERY_BEAT_SCHEDULE["audit-verify-nightly"] = _beat(
    "carecore.tasks.audit_verify_task", crontab(hour=3, minute=15)
)
# --- end backups ---

# --- family accounts (docs/portal.md) ---
# The SMS gateway of the parents' log-in by phone (carecore/sms.py): a JSON POST to SMS_API_URL
# with SMS_API_KEY as a bearer token; unset, no code is texted (DEBUG writes it to the log).
SMS_API_URL = env_str("SMS_API_URL", "")
SMS_API_KEY = env_secret("SMS_API_KEY", "")
# How long the code of a printed account slip works (days), and a texted code (minutes).
FAMILY_SLIP_DAYS = env_int("FAMILY_SLIP_DAYS", 60)
SMS_CODE_MINUTES = env_int("SMS_CODE_MINUTES", 10)
# --- end family accounts ---
# --- attendance ---
# Every school's attendance flags, each night after the day's rolls (docs/attendance.md): a run
# of absences or a term rate that a correction or an import made, which no roll's save raised.
CELERY_BEAT_SCHEDULE["attendance-flags-nightly"] = _beat(
    "attendance.tasks.attendance_flags_nightly_task", crontab(hour=20, minute=30)
)
# --- end attendance ---
# --- early warning (docs/early-warning.md) ---
# Every district's early warning, each night after the attendance flags: one job per district.
CELERY_BEAT_SCHEDULE["earlywarning-nightly"] = _beat(
    "earlywarning.tasks.earlywarning_nightly_task", crontab(hour=21, minute=0)
)
# --- end early warning ---

# --- notification channels (carecore/channels.py, docs/notifications.md) ---
# LINE's Messaging API (each Official Account's token and secret are rows in the admin, not
# settings); the tests point LINE_API_BASE at a fake server. Pushes give up after LINE_TIMEOUT s
# and are tried again by the sweep below.
LINE_API_BASE = env_str("LINE_API_BASE", "https://api.line.me")
LINE_TIMEOUT = env_int("LINE_TIMEOUT", 10)
# The daily summary goes out at this hour (Thai time) to those who chose one.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 17)
CELERY_BEAT_SCHEDULE["notification-deliveries-due"] = _beat(
    "carecore.tasks.notification_deliveries_due_task", 120.0
)
CELERY_BEAT_SCHEDULE["notification-digests"] = _beat(
    "carecore.tasks.notification_digests_task", crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0)
)
# --- end notification channels ---

# --- district deadlines (docs/district-work.md) ---
# Every morning before school: measured deadlines met are recorded, and the schools' directors
# and coordinators are reminded of a deadline near or late, each once.
CELERY_BEAT_SCHEDULE["deadlines-check"] = _beat(
    "districts.deadlines.tasks.deadlines_check_task", crontab(hour=6, minute=30)
)
# --- end district deadlines ---
