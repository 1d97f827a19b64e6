"""Celery tasks keeping the dashboards' rollups current (dashboards.rollups)."""

from celery import shared_task
from django_scopes import scopes_disabled


@shared_task(acks_late=True)
def refresh_school_figures_task(school_id: int) -> int:
    from dashboards.rollups import refresh_school

    with scopes_disabled():
        return refresh_school(school_id)


@shared_task(acks_late=True)
def refresh_stale_figures_task() -> int:
    """Every few minutes (CELERY_BEAT_SCHEDULE): rows left stale by a lost job."""
    from dashboards.rollups import refresh_stale

    with scopes_disabled():
        return refresh_stale()


@shared_task(acks_late=True)
def refresh_all_figures_task() -> int:
    """Nightly: every school's current term (overdue plans and referrals move with the date)."""
    from dashboards.rollups import refresh_all

    with scopes_disabled():
        return refresh_all()
