"""gunicorn settings for the web service (docker-compose.yml, the Dockerfile and the CI stage).

The TLS proxy in front (deploy/nginx.conf) buffers whole request bodies before it passes them
on, so a slow phone upload never holds a worker; gunicorn only ever talks to the proxy.
Every value can be overridden with GUNICORN_* environment variables where noted.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Requests are read from the proxy at local speed; a request still running after this many
# seconds is killed (the longest pages answer in well under a second, jobs run on the worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Forwarded headers are only believed from the proxy: Django reads X-Forwarded-Proto through
# SECURE_PROXY_SSL_HEADER and the client address through TRUSTED_PROXIES (carecore/netaddr.py).
# The same proxies as the app trusts (TRUSTED_PROXIES, set in docker-compose.yml).
forwarded_allow_ips = (
    os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS")
    or os.environ.get("TRUSTED_PROXIES")
    or "127.0.0.1,::1"
)

# Logs (docs/logging.md): both to stdout/stderr, collected by the container runtime or journald.
# One access line per request: time, the request id (the X-Request-ID header the app answers,
# the same id as on the app's own lines), the client address the proxy saw (X-Forwarded-For),
# method, path WITHOUT the query string (%(U)s, not %(r)s: a search can carry a child's name),
# status, bytes sent and duration in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%(t)s %({x-request-id}o)s %({x-forwarded-for}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
)
