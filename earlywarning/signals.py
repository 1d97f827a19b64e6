"""Recompute a school's early warning after an import of its records (students, screening,
attendance: ``carecore.imports.signals.import_applied``, connected in apps.py). Bulk writes fire
no model signals; a roll, an incident or a grade entered by hand waits for the nightly job (the
model reads weeks of records: a day's change moves it little)."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def _queue(school_id: int) -> None:
    from earlywarning.tasks import earlywarning_school_task

    try:
        earlywarning_school_task.delay(school_id)
    except Exception:  # the broker is down: the nightly job catches up
        logger.warning("Could not queue the early warning of school %s", school_id, exc_info=True)


def import_applied(sender, school_id=None, **kwargs):
    """An import's rows are written (inside its transaction): once it commits, recompute the
    school (once per school and transaction)."""
    if not school_id:
        return
    for entry in transaction.get_connection().run_on_commit:
        if getattr(entry[1], "earlywarning_school", None) == school_id:
            return
    callback = partial(_queue, school_id)
    callback.earlywarning_school = school_id
    transaction.on_commit(callback)
