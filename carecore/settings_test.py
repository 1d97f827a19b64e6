"""Test settings: the real settings with what tests need on top.

DATABASE_URL decides the database: `make test` and CI point it at PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from carecore.settings import *  # noqa: E402, F403
from carecore.settings import STORAGES  # noqa: E402

# Eager, except in the worker process that the real-worker tests start (tests/worker.py).
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("TEST_REAL_WORKER")
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
