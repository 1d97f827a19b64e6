"""Audit rows are append-only: the database itself refuses UPDATE and DELETE on PostgreSQL.

SQLite (the demo's embedded default) gets no trigger: its test database is emptied with DELETE
between tests, and nobody runs production on it."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION carecore_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER carecore_auditevent_append_only
    BEFORE UPDATE OR DELETE ON carecore_auditevent
    FOR EACH ROW EXECUTE FUNCTION carecore_auditevent_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS carecore_auditevent_append_only ON carecore_auditevent;
DROP FUNCTION IF EXISTS carecore_auditevent_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("carecore", "0003_jobs_and_audit")]

    operations = [migrations.RunPython(forward, backward)]
