"""/healthz/: what the proxy, the compose healthchecks and the people on call read."""

import time
from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from carecore import health
from carecore.models import ProcessHeartbeat


@pytest.fixture(autouse=True)
def _fresh_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.fixture
def with_worker(settings):
    """Production: jobs go to a worker, so its absence is a failure."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


def beat_at(kind, seconds_ago):
    ProcessHeartbeat.objects.create(
        name=f"{kind}@test:{seconds_ago}",
        kind=kind,
        seen_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


@pytest.mark.django_db
class TestHealthz:
    def test_healthy_with_a_worker_seen_lately(self, client, with_worker):
        beat_at("worker", 10)
        response = client.get("/healthz/")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["migrations"] == "ok"
        assert body["checks"]["worker"] == "ok"
        assert response["Cache-Control"] == "no-store"

    def test_no_worker_is_503_naming_it(self, client, with_worker):
        response = client.get("/healthz/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["worker"]

    def test_a_worker_not_seen_for_a_minute_is_gone(self, client, with_worker):
        beat_at("worker", 61)
        assert client.get("/healthz/").status_code == 503

    def test_the_window_is_a_setting(self, client, with_worker, settings):
        settings.HEALTH_WORKER_MAX_AGE = 300
        beat_at("worker", 120)
        assert client.get("/healthz/").status_code == 200

    def test_beat_is_reported_but_does_not_fail_the_site(self, client, with_worker):
        beat_at("worker", 1)
        body = client.get("/healthz/").json()
        assert body["checks"]["beat"] == "not seen"
        beat_at("beat", 1)
        assert client.get("/healthz/").json()["checks"]["beat"] == "ok"

    def test_an_unapplied_migration_is_503(self, client, with_worker):
        beat_at("worker", 1)
        recorder = MigrationRecorder.Migration.objects
        recorder.filter(app="carecore").order_by("-id").first().delete()
        response = client.get("/healthz/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["migrations"]
        assert "1 migrations not applied" in response.json()["checks"]["migrations"]

    def test_redis_not_answering_is_503(self, client, with_worker, settings):
        beat_at("worker", 1)
        # Nothing listens on port 1 of this machine: the connection is refused at once.
        settings.CACHE_URL = "redis://:secret-password@127.0.0.1:1/0"
        response = client.get("/healthz/")
        assert response.status_code == 503
        assert response.json()["failed"] == ["redis"]
        assert "secret-password" not in response.content.decode()

    def test_answers_any_host_over_plain_http_without_log_in(self, client, with_worker, settings):
        """The probes run on the container's own address, where no allowed Host and no TLS
        apply; production redirects everything else to HTTPS."""
        settings.SECURE_SSL_REDIRECT = True
        settings.ALLOWED_HOSTS = ["care.example.go.th"]
        beat_at("worker", 1)
        assert client.get("/healthz/", HTTP_HOST="172.28.0.5:8000").status_code == 200
        assert client.get("/", HTTP_HOST="care.example.go.th").status_code == 301

    def test_shows_no_data(self, client, with_worker, world):
        beat_at("worker", 1)
        content = client.get("/healthz/").content.decode()
        assert world.a.student.first_name not in content
        assert world.a.school.name not in content

    def test_only_get_and_head(self, client):
        assert client.post("/healthz/").status_code != 200

    def test_the_demo_without_a_worker_is_healthy(self, client, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        response = client.get("/healthz/")
        assert response.status_code == 200
        assert response.json()["checks"]["worker"].startswith("not used")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_it_healthy_and_its_stop_makes_it_503(client, start_worker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz/").status_code == 503
    worker = start_worker("w1")
    deadline = time.monotonic() + 30
    while client.get("/healthz/").status_code != 200:
        assert time.monotonic() < deadline, worker.log.read_text()
        time.sleep(0.2)
    worker.stop()
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]


@pytest.mark.django_db
class TestHealthcheckCommand:
    def test_this_hosts_worker_alive(self):
        import socket

        from django.core.management import call_command
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="no worker heartbeat"):
            call_command("healthcheck", "--process", "worker")
        ProcessHeartbeat.objects.create(
            name=f"worker@{socket.gethostname()}:1", kind="worker", seen_at=timezone.now()
        )
        call_command("healthcheck", "--process", "worker")
        # Another container's beat does not make this one healthy.
        ProcessHeartbeat.objects.create(
            name="beat@elsewhere:1", kind="beat", seen_at=timezone.now()
        )
        with pytest.raises(CommandError):
            call_command("healthcheck", "--process", "beat")

    def test_the_whole_report(self, settings, capsys):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        settings.CELERY_TASK_ALWAYS_EAGER = False
        with pytest.raises(CommandError, match="unhealthy"):
            call_command("healthcheck")
        assert "worker: no worker seen" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_failing_probe_is_a_warning_not_a_mail_to_the_admins(client, settings, caplog):
    from django.core import mail

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ADMINS = [("IT", "it@example.org")]
    with caplog.at_level("WARNING"):
        assert client.get("/healthz/").status_code == 503
    assert "health check failed: worker" in caplog.text
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert mail.outbox == []
