"""Jobs that produce a file (a PDF or a spreadsheet) for one person, with progress.

A view calls ``generated_file_start``: it creates a ``GeneratedFile`` row and queues the build
after the transaction commits, then answers at once. The Celery task calls
``generated_file_build``, which looks the kind up in the registry and runs its builder inside the
right scope, language and time zone, saving the progress on the row as it goes.

Each app registers its kinds in its ``jobs.py`` module (imported when the project starts)::

    @job_kind("classroom_list", check=can_still_see_classroom)
    def build_classroom_list(generated_file, progress) -> BuiltFile: ...
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from kombu.exceptions import OperationalError as BrokerOperationalError

from carecore.models import GeneratedFile

logger = logging.getLogger(__name__)

# How long a finished file can be downloaded before the periodic job removes it.
FILE_LIFETIME = timedelta(days=settings.GENERATED_FILE_LIFETIME_DAYS)
# A job that has not moved for this long is offered for retry, as if it had failed.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class BuiltFile:
    filename: str
    content: bytes
    content_type: str = "application/pdf"


Progress = Callable[[int], None]
Builder = Callable[[GeneratedFile, Progress], BuiltFile]
Check = Callable[[object, GeneratedFile], bool]


@dataclass(frozen=True)
class JobKind:
    name: str
    build: Builder
    # Whether the person asking may still have this file (request has school, schoolperms and
    # academic_year set, and runs inside the school's scope). None: the stored permission.
    check: Check | None = None


JOB_KINDS: dict[str, JobKind] = {}


class JobFailed(Exception):
    """A failure the builder can explain to the person who asked (shown on the page)."""


def progress_stage(progress: Progress | None, start: int, end: int) -> Progress | None:
    """``progress`` for one stage of a job: 0-100 of the stage maps to start-end of the job,
    reported only when it moved by 5 or more."""
    if progress is None:
        return None
    last = [start]

    def report(percent: int) -> None:
        value = start + (end - start) * percent // 100
        if value - last[0] >= 5:
            last[0] = value
            progress(value)

    return report


def job_row(generated: GeneratedFile, model, param: str, gone: str, *related: str):
    """The ``model`` row a job was started for (``params[param]``, in the job's school) with
    ``related`` joined, or JobFailed with the message ``gone``."""
    rows = model.objects.filter(school_id=generated.school_id, pk=generated.params.get(param))
    # select_related() without fields would join every relation
    row = (rows.select_related(*related) if related else rows).first()
    if row is None:
        raise JobFailed(gone)
    return row


def job_kind(name: str, *, check: Check | None = None) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        JOB_KINDS[name] = JobKind(name=name, build=build, check=check)
        return build

    return register


# --- services ----------------------------------------------------------------------------------
def generated_file_start(
    *,
    kind: str,
    title: str,
    user,
    permission: str,
    school=None,
    district=None,
    params: dict | None = None,
) -> GeneratedFile:
    """Create the row and queue its build once the surrounding transaction has committed."""
    if kind not in JOB_KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    generated = GeneratedFile.objects.create(
        kind=kind,
        title=title[:200],
        created_by=user,
        school=school,
        district=district,
        params=params or {},
        permission=permission,
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        expires=timezone.now() + FILE_LIFETIME,
    )
    _queue(generated)
    return generated


def _queue(generated: GeneratedFile) -> None:
    from carecore.tasks import generated_file_build_task

    file_id = str(generated.pk)
    transaction.on_commit(lambda: generated_file_build_task.delay(file_id))


def generated_file_retry(*, generated: GeneratedFile) -> GeneratedFile:
    """Queue a failed (or stuck) job again, from the start."""
    if not generated_file_can_retry(generated):
        return generated
    generated.status = GeneratedFile.Status.QUEUED
    generated.progress = 0
    generated.error = ""
    generated.started = None
    generated.finished = None
    generated.expires = timezone.now() + FILE_LIFETIME
    generated.save(update_fields=["status", "progress", "error", "started", "finished", "expires"])
    _queue(generated)
    return generated


def generated_file_can_retry(generated: GeneratedFile) -> bool:
    if generated.status == GeneratedFile.Status.FAILED:
        return True
    if generated.status in (GeneratedFile.Status.QUEUED, GeneratedFile.Status.RUNNING):
        last_moved = generated.started or generated.created
        return timezone.now() - last_moved > STALE_AFTER
    return False


def generated_file_build(*, file_id: str) -> GeneratedFile | None:
    """Build one file (called by the task). Transient errors (the database or the broker gone
    for a moment) propagate so that the task retries; anything else marks the file failed."""
    with scopes_disabled():
        generated = (
            GeneratedFile.objects.select_related("school", "district", "created_by")
            .filter(pk=file_id)
            .first()
        )
    if generated is None or generated.status == GeneratedFile.Status.DONE:
        return generated  # removed meanwhile, or a second delivery of a finished job
    kind = JOB_KINDS.get(generated.kind)

    GeneratedFile.objects.filter(pk=generated.pk).update(
        status=GeneratedFile.Status.RUNNING,
        started=timezone.now(),
        progress=0,
        error="",
        attempts=generated.attempts + 1,
    )
    generated.refresh_from_db()

    last = {"value": 0, "at": 0.0}

    def progress(value: int) -> None:
        value = max(0, min(99, int(value)))
        now = time.monotonic()
        # At most a few writes a second, and only forward.
        if value > last["value"] and (now - last["at"] > 0.25 or value - last["value"] >= 10):
            last.update(value=value, at=now)
            GeneratedFile.objects.filter(pk=generated.pk).update(progress=value)

    try:
        if kind is None:
            raise JobFailed(f"Unknown job kind {generated.kind!r}")
        with (
            _job_scope(generated),
            translation.override(generated.language),
            timezone.override(settings.TIME_ZONE),
        ):
            built = kind.build(generated, progress)
    except TRANSIENT_ERRORS:
        GeneratedFile.objects.filter(pk=generated.pk).update(status=GeneratedFile.Status.QUEUED)
        raise
    except Exception as exc:
        logger.exception("Job %s (%s) failed", generated.pk, generated.kind)
        GeneratedFile.objects.filter(pk=generated.pk).update(
            status=GeneratedFile.Status.FAILED,
            error=str(exc)[:500] if isinstance(exc, JobFailed) else "",
            finished=timezone.now(),
        )
        generated.refresh_from_db()
        return generated

    if generated.file:
        generated.file.delete(save=False)
    # The name on disk is plain; the name the person sees (often Thai) goes in the download.
    extension = built.filename.rsplit(".", 1)[-1] if "." in built.filename else "bin"
    generated.file.save(f"{generated.kind}.{extension}", ContentFile(built.content), save=False)
    generated.filename = built.filename
    generated.content_type = built.content_type
    generated.status = GeneratedFile.Status.DONE
    generated.progress = 100
    generated.finished = timezone.now()
    generated.save(
        update_fields=["file", "filename", "content_type", "status", "progress", "finished"]
    )
    return generated


def generated_file_school_ids(generated: GeneratedFile) -> list[int]:
    """The schools whose data the file may hold: its school, or every school of its district."""
    if generated.school_id:
        return [generated.school_id]
    if generated.district_id:
        return list(generated.district.schools.values_list("pk", flat=True))
    return []


def _job_scope(generated: GeneratedFile):
    return scope(school=generated_file_school_ids(generated))


def generated_files_delete_expired(*, now=None) -> int:
    """Remove expired files and their rows (the periodic job). Returns how many went."""
    now = now or timezone.now()
    count = 0
    for generated in GeneratedFile.objects.filter(expires__lt=now).iterator():
        generated.delete()  # the post_delete signal removes the file from storage
        count += 1
    return count


# Failures that pass (the database or the broker gone for a moment): the task retries them.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError)
