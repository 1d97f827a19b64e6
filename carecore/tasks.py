"""Celery tasks of the cross-cutting parts. Tasks take ids, load their objects and call a
service; they hold no logic of their own."""

import logging

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


# Notifications outside the portal (carecore/channels.py). A failed send is kept on its row and
# tried again by the sweep, not by Celery's retry: the row, not the message, is what is kept.
@shared_task(acks_late=True)
def notification_deliveries_send_task(delivery_ids: list[int]) -> int:
    from carecore.channels import deliveries_send

    return deliveries_send(delivery_ids)


# Every few minutes (CELERY_BEAT_SCHEDULE): deliveries due for another try, or whose job was lost.
@shared_task(acks_late=True)
def notification_deliveries_due_task() -> int:
    from carecore.channels import deliveries_due, deliveries_send

    return deliveries_send(deliveries_due())


# Once a day (CELERY_BEAT_SCHEDULE, NOTIFICATIONS_DIGEST_HOUR): each person's daily summary.
@shared_task(acks_late=True)
def notification_digests_task() -> int:
    from carecore.channels import deliveries_send, digests_make

    return deliveries_send(digests_make())


# The webhook's answer to a person who sent a link code (a reply token lasts about a minute).
@shared_task(acks_late=True)
def line_reply_task(account_id: int, reply_token: str, text: str) -> None:
    from carecore.channels import line_reply
    from carecore.models import LineAccount
    from carecore.outbound import OutboundError

    account = LineAccount.objects.filter(pk=account_id, active=True).first()
    if account is not None:
        try:
            line_reply(account, reply_token=reply_token, text=text)
        except OutboundError as exc:
            logging.getLogger("carecore.channels").warning("LINE reply failed: %s", exc)


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
