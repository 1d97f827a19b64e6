"""Is the deployment healthy? One answer for the proxy, the compose healthchecks and people.

``/healthz/`` (answered by ``HealthCheckMiddleware`` before anything else, so neither the host
check nor the HTTPS redirect gets in the way of a probe from inside the container) says 200
when the database answers, every migration is applied, Redis answers and a Celery worker was
seen within ``HEALTH_WORKER_MAX_AGE`` seconds; 503 naming the part that failed otherwise. It
shows no data and needs no log-in.

Workers and beat write a heartbeat row (``ProcessHeartbeat``) every ``HEALTH_HEARTBEAT_INTERVAL``
seconds from a thread started by Celery's ``worker_ready`` / ``beat_init`` signals, and delete
it when they stop cleanly; a process that was killed stops writing and ages out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from celery import signals
from django.conf import settings
from django.db import close_old_connections, connection
from django.http import JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz/"

OK = "ok"

# Once every migration is applied it stays so for the life of the process (new migrations
# come with a new release and a restart), so the migration graph is read only until then.
_migrations_applied = False


# --- the checks ------------------------------------------------------------------------------
def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return OK


def _check_migrations() -> str:
    global _migrations_applied
    if _migrations_applied:
        return OK
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migrations not applied"
    _migrations_applied = True
    return OK


def _redis_urls() -> list[str]:
    urls = [settings.CELERY_BROKER_URL, getattr(settings, "CACHE_URL", "")]
    return list(dict.fromkeys(url for url in urls if url and url.startswith(("redis", "rediss"))))


def _check_redis() -> str:
    import redis

    urls = _redis_urls()
    if not urls:
        return "not used"
    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    return OK


def _seen(kind: str) -> bool:
    from carecore.models import ProcessHeartbeat

    since = timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)
    return ProcessHeartbeat.objects.filter(kind=kind, seen_at__gte=since).exists()


def _check_worker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (jobs run in the web process)"
    if not _seen("worker"):
        return f"no worker seen in the last {settings.HEALTH_WORKER_MAX_AGE} s"
    return OK


CHECKS = {
    "database": _check_database,
    "migrations": _check_migrations,
    "redis": _check_redis,
    "worker": _check_worker,
}


def _passed(value: str) -> bool:
    return value == OK or value.startswith("not used")


def health_report() -> tuple[list[str], dict[str, str]]:
    """(the checks that failed, {check: "ok" or what is wrong}); a check that raises is failed
    with the exception's class name (never its message: it could carry a password from a URL).
    Beat is reported too, but its absence fails nothing: pages and jobs still work, only the
    nightly jobs do not run."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - every failure is an answer here
            logger.warning("health check %s failed: %r", name, exc)
            results[name] = f"failed: {type(exc).__name__}"
    failed = [name for name, value in results.items() if not _passed(value)]
    try:
        results["beat"] = OK if _seen("beat") else "not seen"
    except Exception as exc:  # noqa: BLE001
        results["beat"] = f"failed: {type(exc).__name__}"
    return failed, results


def health_response() -> JsonResponse:
    failed, checks = health_report()
    body = {"status": "fail" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    response = JsonResponse(body, status=503 if failed else 200)
    response["Cache-Control"] = "no-store"
    if failed:
        # One warning line per failed probe; not Django's "server error" log, which mails ADMINS
        # (a probe every 30 s during an outage would fill their inbox).
        logger.warning("health check failed: %s", ", ".join(failed))
        response._has_been_logged = True
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz/`` first: a probe on the container's own address has no allowed Host
    and speaks plain HTTP, and must get an answer, not a 400 or a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)


# --- heartbeats --------------------------------------------------------------------------------
class _Heartbeat:
    def __init__(self, kind: str):
        self.kind = kind
        self.name = f"{kind}@{socket.gethostname()}:{os.getpid()}"
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{kind}", daemon=True)

    def start(self):
        self.beat()
        self.thread.start()

    def beat(self):
        from carecore.models import ProcessHeartbeat

        try:
            close_old_connections()
            ProcessHeartbeat.objects.update_or_create(
                name=self.name, defaults={"kind": self.kind, "seen_at": timezone.now()}
            )
        except Exception:  # the database may be restarting: try again next time
            logger.warning("could not write the %s heartbeat", self.kind, exc_info=True)

    def _run(self):
        while not self.stopped.wait(settings.HEALTH_HEARTBEAT_INTERVAL):
            self.beat()
        connection.close()

    def stop(self):
        from carecore.models import ProcessHeartbeat

        self.stopped.set()
        try:
            ProcessHeartbeat.objects.filter(name=self.name).delete()
            # Rows of processes dead long ago (killed, their container gone) are tidied too.
            old = timezone.now() - timedelta(days=1)
            ProcessHeartbeat.objects.filter(seen_at__lt=old).delete()
        except Exception:
            logger.warning("could not remove the %s heartbeat", self.kind, exc_info=True)


_heartbeats: dict[str, _Heartbeat] = {}


def _start(kind: str):
    if kind not in _heartbeats:
        _heartbeats[kind] = heartbeat = _Heartbeat(kind)
        heartbeat.start()


def _stop(kind: str):
    heartbeat = _heartbeats.pop(kind, None)
    if heartbeat is not None:
        heartbeat.stop()


@signals.worker_ready.connect(weak=False)
def _worker_ready(**kwargs):
    _start("worker")


@signals.worker_shutdown.connect(weak=False)
def _worker_shutdown(**kwargs):
    _stop("worker")


@signals.beat_init.connect(weak=False)
def _beat_init(**kwargs):
    _start("beat")
    import atexit

    atexit.register(_stop, "beat")
