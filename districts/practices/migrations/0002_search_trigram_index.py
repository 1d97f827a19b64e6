"""PostgreSQL: the pg_trgm extension and a GIN trigram index on the practices' search text, so
that ``search_text LIKE '%ยาเสพติด%'`` reads the index instead of every row (measured in
docs/district-work.md, "Thai search"). SQLite (the demo) has neither: its LIKE scans the rows."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "practices_practice_search_trgm"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON practices_practice "
            "USING gin (search_text gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    # TrigramExtension does nothing on other databases.
    operations = [TrigramExtension(), migrations.RunPython(forward, backward)]
