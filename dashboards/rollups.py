"""Rollups: each school's figures per term (``SchoolFigures``), kept current by jobs.

- A change to one of a school's records (a screening form, a visit, a care activity, a plan, a
  referral, support, a dropout case, an enrolment: dashboards.signals) calls
  ``school_changed``: after the transaction commits, the school's rows for the current academic
  year are marked stale and a job is queued to compute them again. A burst of changes queues one
  job (a cache key, dropped by the job before it computes, so a change during the computation
  queues the next one).
- Every few minutes a beat task refreshes whatever is still stale (a job lost with its worker);
  every night, every school's current term (overdue plans and referrals change with the date).
- ``figures_for_schools`` reads the rows of many schools for a term in one query, and computes
  those missing (a new term, a new school) at once, in a fixed number of queries.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from dashboards import figures
from dashboards.models import SchoolFigures
from schools.models import School, Term
from schools.selectors import current_term

logger = logging.getLogger(__name__)

# Schools computed per batch by the jobs (a batch is eleven queries).
BATCH = 50
QUEUED_FOR = 600  # seconds a "refresh queued" mark lives, should the job be lost


def _queued_key(school_id: int) -> str:
    return f"dashboards:refresh:{school_id}"


def refresh(*, school_ids: Iterable[int], term: Term, today: datetime.date | None = None):
    """Compute the figures of ``school_ids`` for ``term`` and store them (eleven queries and one
    upsert per batch). Returns the rows."""
    school_ids = list(school_ids)
    rows = []
    for start in range(0, len(school_ids), BATCH):
        batch = school_ids[start : start + BATCH]
        now = timezone.now()
        computed = figures.compute(school_ids=batch, term=term, today=today)
        rows += SchoolFigures.objects.bulk_create(
            [
                SchoolFigures(
                    school_id=pk,
                    term=term,
                    counts=c.total,
                    grades={str(g): v for g, v in sorted(c.grades.items())},
                    computed=now,
                    stale=False,
                )
                for pk, c in computed.items()
            ],
            update_conflicts=True,
            unique_fields=["school", "term"],
            update_fields=["counts", "grades", "computed", "stale"],
        )
    return rows


def figures_for_schools(
    *, school_ids: Iterable[int], term: Term, compute_missing: bool = True
) -> dict[int, SchoolFigures]:
    """The stored rows of ``school_ids`` for ``term`` (one query); those missing are computed
    now when ``compute_missing`` (in a fixed number of queries) and stored."""
    school_ids = list(school_ids)
    rows = {
        r.school_id: r
        for r in SchoolFigures.objects.filter(term=term, school_id__in=school_ids).only(
            "school_id", "term_id", "counts", "computed", "stale"
        )
    }
    missing = [pk for pk in school_ids if pk not in rows]
    if missing and compute_missing:
        for row in refresh(school_ids=missing, term=term):
            rows[row.school_id] = row
    return rows


# --- keeping them current ----------------------------------------------------------------------
def school_changed(school_id: int | None) -> None:
    """One of the school's records changed: once the transaction commits, mark its rows of the
    current academic year stale and queue their refresh (once per burst)."""
    if not school_id:
        return
    # Once per school and transaction (a seed or a grid saves hundreds of rows): a callback
    # still waiting in this transaction covers this change too. Callbacks of a rolled-back
    # transaction leave the list, so a later change queues again.
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if getattr(entry[1], "dashboards_school", None) == school_id:
            return
    callback = partial(_mark_and_queue, school_id)
    callback.dashboards_school = school_id
    transaction.on_commit(callback)


def _mark_and_queue(school_id: int) -> None:
    term = current_term()
    if term is None:
        return
    SchoolFigures.objects.filter(
        school_id=school_id, term__academic_year_id=term.academic_year_id, stale=False
    ).update(stale=True)
    if cache.add(_queued_key(school_id), 1, QUEUED_FOR):
        from dashboards.tasks import refresh_school_figures_task

        try:
            refresh_school_figures_task.delay(school_id)
        except Exception:  # the broker is down: the periodic task will catch up
            logger.warning("Could not queue the figures of school %s", school_id, exc_info=True)


def refresh_school(school_id: int) -> int:
    """The job: compute the school's stale rows (and its current term's). Returns how many."""
    cache.delete(_queued_key(school_id))
    terms = set(
        SchoolFigures.objects.filter(school_id=school_id, stale=True).values_list(
            "term_id", flat=True
        )
    )
    term = current_term()
    if term is not None:
        terms.add(term.pk)
    for t in Term.objects.filter(pk__in=terms).select_related("academic_year"):
        refresh(school_ids=[school_id], term=t)
    return len(terms)


def refresh_stale() -> int:
    """Every stale row, by term in batches (the periodic safety net). Returns how many."""
    done = 0
    pending = SchoolFigures.objects.filter(stale=True).values_list("term_id", "school_id")
    by_term: dict[int, list[int]] = {}
    for term_id, school_id in pending:
        by_term.setdefault(term_id, []).append(school_id)
    for t in Term.objects.filter(pk__in=by_term).select_related("academic_year"):
        refresh(school_ids=by_term[t.pk], term=t)
        done += len(by_term[t.pk])
    return done


def refresh_all(*, term: Term | None = None, district_ids: Iterable[int] | None = None) -> int:
    """Every school's figures for ``term`` (default: the current one). Returns how many."""
    term = term or current_term()
    if term is None:
        return 0
    schools = School.objects.all()
    if district_ids is not None:
        schools = schools.filter(district_id__in=list(district_ids))
    ids = list(schools.order_by("pk").values_list("pk", flat=True))
    refresh(school_ids=ids, term=term)
    return len(ids)
