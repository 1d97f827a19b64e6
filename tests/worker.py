"""Fixtures (a pytest plugin, see the root conftest): a real Celery worker against the real
Redis broker and the real PostgreSQL test database.

Eager mode (the rest of the suite) hides serialisation, on-commit timing, redelivery and
retries; these tests run the same jobs the way production does. They need PostgreSQL (the
worker is another process and must see the test database) and Redis: skipped without them
locally, failed in CI, which has both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
# A Redis database and a queue of this test run's own, so that two runs on one machine never
# hand each other's jobs to their workers.
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
QUEUE = f"carecare-test-{os.getpid()}"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it: .ci/run starts it)")
    pytest.skip(reason)


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        _unavailable("Redis is not running on 127.0.0.1:6379")
    client.delete(QUEUE)
    from carecore.celery import app

    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, task_default_queue=QUEUE)
    _forget_connections(app)
    yield client
    app.conf.update(saved)
    _forget_connections(app)
    client.delete(QUEUE)


def _forget_connections(app):
    """Drop the connection and producer pools: even eager mode opens them, and they keep the
    broker they were made for (without this, tasks would go to the earlier default broker)."""
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp.__dict__.pop("queues", None)
    app.amqp.__dict__.pop("router", None)


class Worker:
    """A Celery worker process of its own (``pool="solo"`` runs jobs in the worker process
    itself, as the demo does)."""

    def __init__(self, name: str, log: Path, env: dict, *, pool: str = "prefork"):
        self.name = name
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "carecore",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                f"--pool={pool}",
                f"--hostname={name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool too
        )

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text(errors="ignore"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log.read_text()}")

    def kill(self):
        """Die as a machine dies: SIGKILL to the worker and its pool, no chance to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(broker, settings, tmp_path):
    if connection.vendor != "postgresql":
        _unavailable("the real-worker tests need PostgreSQL (DATABASE_URL)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carecore.settings_test",
        "TEST_REAL_WORKER": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_QUEUE": QUEUE,
        # Hand a dead worker's job to another one after 3 seconds instead of half an hour.
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "INFO",
    }
    workers = []

    def start(name="w1"):
        worker = Worker(name, tmp_path / f"{name}.log", env)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()
