"""Celery tasks of referrals: they call a service and hold no logic of their own."""

from celery import shared_task


@shared_task(acks_late=True)
def referrals_overdue_notify_task() -> int:
    """Tell the recipients of referrals newly past their answer date (periodic, see
    CELERY_BEAT_SCHEDULE)."""
    from referrals.services import referrals_overdue_notify

    return referrals_overdue_notify()
