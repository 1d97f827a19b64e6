"""Celery tasks of the deadlines. They load nothing themselves and call a service."""

from celery import shared_task
from django_scopes import scopes_disabled


@shared_task(acks_late=True)
def deadlines_check_task() -> dict:
    """Every morning (CELERY_BEAT_SCHEDULE): record the measured deadlines met, remind the
    schools of what is near or late, each once."""
    from districts.deadlines.services import deadlines_check

    # Across every district: a task loader is one of the places scopes are disabled.
    with scopes_disabled():
        run = deadlines_check()
    return {"recorded": run.recorded, "soon": run.soon, "late": run.late, "notified": run.notified}
