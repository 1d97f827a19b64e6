"""carecare_analyze(tables): ANALYZE run with the owner's rights.

The application connects as a role that owns no table (carecore/dbroles.py), and PostgreSQL
lets only a table's owner ANALYZE it (15 has no MAINTAIN privilege): the ANALYZE after a bulk
load (carecore/dbstats.py) would be skipped with a warning. This function, owned by the role
that migrates, analyses named tables of the public schema and nothing else.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION carecare_analyze(tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY tables LOOP
        IF EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = name) THEN
            EXECUTE format('ANALYZE public.%I', name);
        END IF;
    END LOOP;
END
$$;
"""
DROP = "DROP FUNCTION IF EXISTS carecare_analyze(text[]);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("carecore", "0012_notification_login_slowed")]

    operations = [migrations.RunPython(forward, backward)]
