"""The Celery glue of the imports: each app names its two tasks (``<name>_validate_task`` and
``<name>_apply_task``, see ``engine.Importer``) and runs them with ``run_import_task``.

A task takes the import's id, loads it without a scope (the one place that may) and runs the
step inside the import's school scope. A database that is briefly unreachable is retried; any
other error marks the import failed, with a message, so the coordinator can retry it.
"""

import logging

from celery import shared_task
from django.db import OperationalError
from django_scopes import scope, scopes_disabled

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def run_import_task(task, importer, import_id: int, step: str) -> None:
    """``step``: "validate" or "apply_record" (the ``Importer`` method to run)."""
    with scopes_disabled():
        record = importer.model.objects.select_related(*importer.related).filter(pk=import_id)
        record = record.first()
    if record is None:
        return  # deleted meanwhile
    try:
        with scope(school=record.school_id):
            getattr(importer, step)(record)
    except OperationalError as exc:
        if task.request.retries >= task.max_retries:
            with scopes_disabled():
                importer.fail(import_id=import_id, exc=exc)
        raise
    except Exception as exc:
        logger.exception("%s %s failed", importer.model._meta.object_name, import_id)
        with scopes_disabled():
            importer.fail(import_id=import_id, exc=exc)


def import_tasks(importer) -> tuple:
    """The two tasks of an import, named as ``importer.tasks`` says (the module that calls this
    keeps them under those names): (validate, apply)."""

    def validate(task, import_id: int) -> None:
        run_import_task(task, importer, import_id, "validate")

    def apply(task, import_id: int) -> None:
        run_import_task(task, importer, import_id, "apply_record")

    return tuple(
        shared_task(name=f"{importer.tasks}_{step}_task", **TASK_OPTIONS)(body)
        for step, body in (("validate", validate), ("apply", apply))
    )
