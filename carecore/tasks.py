"""Celery tasks of the cross-cutting parts. Tasks take ids, load their objects and call a
service; they hold no logic of their own."""

from celery import shared_task

from carecore import jobs


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def generated_file_build_task(self, file_id: str) -> None:
    jobs.generated_file_build(file_id=file_id)


@shared_task(acks_late=True)
def generated_files_cleanup_task() -> int:
    return jobs.generated_files_delete_expired()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notifications_email_task(notification_ids: list[int]) -> int:
    from carecore.notifications import notifications_email

    return notifications_email(notification_ids)
