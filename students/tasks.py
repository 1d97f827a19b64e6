"""Jobs of the students app: checking and applying a student import.

Tasks take the import's id, load it without a scope (the one place that may) and run the
service inside the import's school scope. A database that is briefly unreachable is retried;
any other error marks the import failed, with a message, so the coordinator can retry it.
"""

import logging

from celery import shared_task
from django.db import OperationalError
from django_scopes import scope, scopes_disabled

from students import imports
from students.models import StudentImport

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
        student_import = (
            StudentImport.objects.select_related("school", "academic_year", "uploaded_by")
            .filter(pk=import_id)
            .first()
        )
    if student_import is None:
        return  # deleted meanwhile
    try:
        with scope(school=student_import.school_id):
            service(student_import=student_import)
    except OperationalError as exc:
        if task.request.retries >= task.max_retries:
            with scopes_disabled():
                imports.student_import_fail(import_id=import_id, exc=exc)
        raise
    except Exception as exc:
        logger.exception("Student import %s failed", import_id)
        with scopes_disabled():
            imports.student_import_fail(import_id=import_id, exc=exc)


@shared_task(**TASK_OPTIONS)
def student_import_validate_task(self, import_id: int) -> None:
    _run(self, import_id, imports.student_import_validate)


@shared_task(**TASK_OPTIONS)
def student_import_apply_task(self, import_id: int) -> None:
    _run(self, import_id, imports.student_import_apply)
