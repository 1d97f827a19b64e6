"""Mark late dropout cases without Celery beat (for cron): ``manage.py mark_late_cases``."""

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from dropouts.services import dropout_cases_mark_late


class Command(BaseCommand):
    help = (
        "Mark open dropout cases past their step's deadline as late (their owners are told "
        "once), and clear the mark of cases that are no longer late. Run it nightly."
    )

    def handle(self, *args, **options):
        with scopes_disabled():
            run = dropout_cases_mark_late()
        self.stdout.write(
            f"Late cases: {run.marked} newly marked, {run.cleared} cleared, "
            f"{run.notified} notifications."
        )
