"""Jobs of attendance: the import's check and apply (carecore.imports.tasks), and the nightly
check of every school's flags (carecore/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django_scopes import scopes_disabled

from attendance.imports import ATTENDANCE_IMPORTS
from carecore.imports.tasks import import_tasks

attendance_import_validate_task, attendance_import_apply_task = import_tasks(ATTENDANCE_IMPORTS)


@shared_task
def attendance_flags_nightly_task() -> int:
    """Flags due today in every school (a streak or a rate the day's rolls did not raise, e.g.
    after a correction or an import)."""
    from attendance.services import flags_nightly

    with scopes_disabled():
        return flags_nightly()
