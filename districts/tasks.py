"""Celery tasks of the district office's own work. Tasks take ids and call a service."""

from celery import shared_task

from carecore.jobs import TRANSIENT_ERRORS


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def retention_run_task(run_id: int) -> None:
    from districts.retention import retention_run_execute

    retention_run_execute(run_id=run_id)
