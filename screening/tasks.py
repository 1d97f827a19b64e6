"""Jobs of the screening app: checking and applying an import of SDQ answers.

Tasks take the import's id, load it without a scope (the one place that may) and run the
service inside the import's school scope. A database that is briefly unreachable is retried;
any other error marks the import failed, with a message, so the coordinator can retry it.
"""

import logging

from celery import shared_task
from django.db import OperationalError
from django_scopes import scope, scopes_disabled

from screening import imports
from screening.models import ScreeningImport

logger = logging.getLogger(__name__)

TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


def _run(task, import_id: int, service) -> None:
    with scopes_disabled():
        record = (
            ScreeningImport.objects.select_related(
                "school", "term", "term__academic_year", "uploaded_by", "confirmed_by"
            )
            .filter(pk=import_id)
            .first()
        )
    if record is None:
        return  # deleted meanwhile
    try:
        with scope(school=record.school_id):
            service(screening_import=record)
    except OperationalError as exc:
        if task.request.retries >= task.max_retries:
            with scopes_disabled():
                imports.screening_import_fail(import_id=import_id, exc=exc)
        raise
    except Exception as exc:
        logger.exception("Screening import %s failed", import_id)
        with scopes_disabled():
            imports.screening_import_fail(import_id=import_id, exc=exc)


@shared_task(**TASK_OPTIONS)
def screening_import_validate_task(self, import_id: int) -> None:
    _run(self, import_id, imports.screening_import_validate)


@shared_task(**TASK_OPTIONS)
def screening_import_apply_task(self, import_id: int) -> None:
    _run(self, import_id, imports.screening_import_apply)
