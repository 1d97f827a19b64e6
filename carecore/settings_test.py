"""Test settings: the real settings with what tests need on top.

DATABASE_URL decides the database: `make test` and CI point it at PostgreSQL. Everything not
overridden here is production's: DEBUG off, the manifest static storage, WhiteNoise without
finders. Each override says why it differs; the production stage of .ci/run (deploy/stage.sh)
runs the real settings, unchanged, behind the TLS proxy.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Static files as production serves them: the manifest storage (hashed names, a missing file is
# an error) over a STATIC_ROOT that the test session builds once with collectstatic (the root
# conftest). A folder of this run's own, passed on to the worker processes the tests start.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="carecare-static-"))

from carecore.settings import *  # noqa: E402, F403

# Eager, so that a job's failure fails its test; the real-worker tests (tests/worker.py) and the
# production stage run jobs on a real worker over Redis.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("TEST_REAL_WORKER")
CELERY_TASK_EAGER_PROPAGATES = True
# Speed only: hashing with PBKDF2 for every test user would add minutes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Nothing leaves the machine: mail is kept in memory for the tests to read.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The test client and the live server speak plain HTTP; HTTPS, the redirect and secure cookies
# are exercised through the TLS proxy in the production stage.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
