"""Planner statistics after bulk loads.

PostgreSQL plans each query from the statistics that ANALYZE gathers. Autovacuum refreshes them
only on its next round (up to a minute later) and once enough rows have changed, so a query
right after a bulk load may be planned as if the tables were still empty: on freshly seeded data
the school dashboard's main query took 333 ms instead of 20 ms. The bulk writers (``seed_demo``,
the student and screening imports, the scale seeder) therefore analyse the tables they filled.

Once the rows are committed, not before (checked on PostgreSQL 15): ANALYZE inside a transaction
samples that transaction's own uncommitted rows, and it writes the row count (``pg_class``)
in place, so a rollback leaves the count of rows that never existed. Rows of other transactions
still in progress count as absent. Hence ``analyze_tables_on_commit`` for code that may run
inside a transaction.

The imports pass the number of rows they wrote: a table that holds more than ten times as many
is left to autovacuum (its own threshold is a tenth of the table), since a school's few hundred
rows do not move the statistics of a district's or the country's table, and ANALYZE of such a
table costs about a second (50,000 students and 91,000 forms: 0.5-1.1 s for the student
tables, 0.9-2.8 s for the forms and groups) and waits for any other ANALYZE of it.

The application connects as a role that owns no table (carecore/dbroles.py), so the tables are
analysed through ``carecare_analyze()``, a function of the owner's (migration 0013).

On SQLite (the demo) nothing is done: with and without ANALYZE's ``sqlite_stat1`` the demo's
pages took the same time (school dashboard 90-130 ms, classroom 30-70 ms, within the noise).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)


def _tables(models: Iterable[type[Model]]) -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in models
            if model._meta.managed and not model._meta.proxy and not model._meta.swapped
        }
    )


def analyze_tables(
    models: Iterable[type[Model]], *, rows: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> list[str]:
    """Gather the planner's statistics of the models' tables now (PostgreSQL only). With
    ``rows`` (how many the load wrote), only the tables the planner believes hold fewer than
    ten times that. Returns the tables analysed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = _tables(models)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if rows is not None:
            # reltuples is -1 for a table never analysed, so such a table is always kept.
            cursor.execute(
                "SELECT t.name FROM unnest(%s::text[]) AS t(name)"
                " JOIN pg_class c ON c.oid = to_regclass(quote_ident(t.name))"
                " WHERE c.reltuples < %s ORDER BY t.name",
                [tables, rows * 10],
            )
            tables = [name for (name,) in cursor.fetchall()]
        # With the owner's rights (migration 0013): the application's role owns no table, and
        # PostgreSQL skips, with only a warning, an ANALYZE of a table one does not own.
        cursor.execute("SELECT carecare_analyze(%s::text[])", [tables])
    logger.info("ANALYZE of %d tables in %.2f s", len(tables), time.perf_counter() - started)
    return tables


def analyze_tables_on_commit(
    models: Iterable[type[Model]], *, rows: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """``analyze_tables`` once the surrounding transaction commits (at once outside of one).
    A failure is logged, never raised: the rows are committed and the job that wrote them has
    succeeded; autovacuum will analyse the tables later."""
    models = list(models)
    transaction.on_commit(
        lambda: analyze_tables(models, rows=rows, using=using), using=using, robust=True
    )
