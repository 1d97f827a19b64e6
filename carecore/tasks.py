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


# Nightly (CELERY_BEAT_SCHEDULE). Acknowledged when it starts, unlike the other jobs: a backup
# that outlives the visibility timeout must not be handed to a second worker to run twice at
# once, and a lost night's backup is simply made again the next night.
@shared_task(acks_late=False)
def backup_nightly_task() -> str:
    from django.conf import settings

    from carecore.backup import backup_create

    archive = backup_create(output_dir=settings.BACKUP_DIR, keep=settings.BACKUP_KEEP or None)
    return str(archive)


class AuditChainBroken(Exception):
    """The nightly verification found problems: raised so that the failure reaches ADMINS and
    Sentry like any failed job (the result is stored first)."""


# Nightly (CELERY_BEAT_SCHEDULE): walk the audit log's hash chain and keep the result.
@shared_task(acks_late=True)
def audit_verify_task() -> int | None:
    from django.db import connection

    from carecore.auditchain import audit_chain_verify, problem_text

    if connection.vendor != "postgresql":
        return None  # the demo's SQLite log is not chained
    verification = audit_chain_verify()
    if not verification.ok:
        raise AuditChainBroken(
            f"{verification.problem_count} problems in the audit log; first: "
            f"{problem_text(verification.problems[0])} (manage.py audit_verify)"
        )
    return verification.rows
