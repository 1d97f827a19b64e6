"""Celery tasks of dropout cases. They load nothing themselves and call a service."""

from celery import shared_task
from django_scopes import scopes_disabled


@shared_task(acks_late=True)
def dropout_cases_mark_late_task() -> dict:
    """Nightly (CELERY_BEAT_SCHEDULE): mark late cases and tell their owners once."""
    from dropouts.services import dropout_cases_mark_late

    # Across every district: a task loader is one of the places scopes are disabled.
    with scopes_disabled():
        run = dropout_cases_mark_late()
    return {"marked": run.marked, "cleared": run.cleared, "notified": run.notified}
