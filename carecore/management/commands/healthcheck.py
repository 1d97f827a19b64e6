"""`manage.py healthcheck`: the /healthz/ checks from a shell, or whether this container's
worker or beat is alive (the compose healthchecks); exit status 0 healthy, 1 not."""

import socket
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carecore.health import health_report
from carecore.models import ProcessHeartbeat


class Command(BaseCommand):
    help = "Check the deployment's health, or that this host's worker or beat is alive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--process",
            choices=[kind for kind, _ in ProcessHeartbeat.Kind.choices],
            help="only check that a process of this kind on this host wrote its heartbeat lately",
        )

    def handle(self, *args, process=None, **options):
        if process:
            since = timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE)
            alive = ProcessHeartbeat.objects.filter(
                kind=process,
                name__startswith=f"{process}@{socket.gethostname()}:",
                seen_at__gte=since,
            ).exists()
            if not alive:
                raise CommandError(
                    f"no {process} heartbeat from this host since "
                    f"{timezone.localtime(since):%H:%M:%S}"
                )
            self.stdout.write(f"{process}: ok")
            return
        failed, checks = health_report()
        for name, value in checks.items():
            self.stdout.write(f"{name}: {value}")
        if failed:
            raise CommandError("unhealthy")
