"""The audit hash chain on PostgreSQL (carecore/auditchain.py, docs/access.md).

- ``carecore_auditevent_hash(prev, row)``: sha256 of the previous hash followed by the row's
  canonical content (a jsonb object of its fields, whose text form PostgreSQL writes the same way
  every time: keys in a fixed order, no spaces chosen by the writer). ``audit_verify`` recomputes
  it with the same function.
- A BEFORE INSERT trigger locks the chain head (one row, SELECT ... FOR UPDATE, held until the
  inserting transaction ends), numbers the event, links it to the previous hash and hashes it.
  It overwrites whatever the inserting code wrote into ``seq``, ``prev_hash`` and ``hash``, so a
  forged hash cannot be inserted. SECURITY DEFINER: the application's database role may only
  read the head (carecore/dbroles.py).
- The rows written before this migration are chained in id order (the append-only trigger is
  set aside for that one UPDATE, inside this migration's transaction).

SQLite (the demo) gets nothing: its rows stay unchained and ``audit_verify`` says it needs
PostgreSQL.
"""

from django.db import migrations

HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION carecore_auditevent_hash(prev text, e carecore_auditevent)
RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public
AS $$
    SELECT encode(sha256(convert_to(coalesce(prev, '') || jsonb_build_object(
        'seq', e.seq,
        'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'user_id', e.user_id,
        'user_name', e.user_name,
        'action', e.action,
        'school_id', e.school_id,
        'district_id', e.district_id,
        'student_id', e.student_id,
        'student_name', e.student_name,
        'object_type', e.object_type,
        'object_id', e.object_id,
        'summary', e.summary,
        'changes', e.changes,
        'ip', host(e.ip),
        'user_agent', e.user_agent,
        'path', e.path
    )::text, 'UTF8')), 'hex')
$$;
"""

CHAIN_EXISTING = """
ALTER TABLE carecore_auditevent DISABLE TRIGGER carecore_auditevent_append_only;
DO $$
DECLARE
    e carecore_auditevent;
    prev text := '';
    n bigint := 0;
BEGIN
    FOR e IN SELECT * FROM carecore_auditevent ORDER BY id LOOP
        n := n + 1;
        e.seq := n;
        e.prev_hash := prev;
        e.hash := carecore_auditevent_hash(prev, e);
        UPDATE carecore_auditevent SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash
            WHERE id = e.id;
        prev := e.hash;
    END LOOP;
    INSERT INTO carecore_auditchainhead (id, seq, hash) VALUES (1, n, prev)
        ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
END
$$;
ALTER TABLE carecore_auditevent ENABLE TRIGGER carecore_auditevent_append_only;
"""

CHAIN_TRIGGER = """
CREATE OR REPLACE FUNCTION carecore_auditevent_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    head_seq bigint;
    head_hash text;
BEGIN
    -- The head row is gone after a TRUNCATE of both tables (the test suite's flush): start over.
    INSERT INTO carecore_auditchainhead (id, seq, hash) VALUES (1, 0, '')
        ON CONFLICT (id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM carecore_auditchainhead
        WHERE id = 1 FOR UPDATE;
    NEW.seq := head_seq + 1;
    NEW.prev_hash := head_hash;
    NEW.hash := carecore_auditevent_hash(head_hash, NEW);
    UPDATE carecore_auditchainhead SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END;
$$;

CREATE TRIGGER carecore_auditevent_chain
    BEFORE INSERT ON carecore_auditevent
    FOR EACH ROW EXECUTE FUNCTION carecore_auditevent_chain();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS carecore_auditevent_chain ON carecore_auditevent;
DROP FUNCTION IF EXISTS carecore_auditevent_chain();
DROP FUNCTION IF EXISTS carecore_auditevent_hash(text, carecore_auditevent);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HASH_FUNCTION)
        schema_editor.execute(CHAIN_EXISTING)
        schema_editor.execute(CHAIN_TRIGGER)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("carecore", "0010_audit_hash_chain")]

    operations = [migrations.RunPython(forward, backward)]
