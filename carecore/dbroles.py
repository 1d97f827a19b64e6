"""Two database roles on PostgreSQL: the owner, which migrates, and the application's role.

The web app, the worker and beat connect as ``DATABASE_URL``'s role. It owns no table and holds
only grants: SELECT, INSERT, UPDATE and DELETE on the application's tables, but on the audit
log only SELECT and INSERT, and on the audit chain head only SELECT (its insert trigger writes
the head as the owner). Without ownership it cannot TRUNCATE the audit table, ALTER it, disable
its triggers, replace their functions, or create tables.

Migrations (``manage.py migrate``), ``manage.py restore`` and ``manage.py db_roles`` run as
``DATABASE_OWNER_URL``'s role, which owns the tables: they switch this process's default
connection to the owner's user and password (``as_owner``), and set the application role's
grants afterwards (``grant_app_role``). Default privileges give the tables that later
migrations create the same grants. Without ``DATABASE_OWNER_URL`` (the demo, the tests, an
installation with one role) everything runs as ``DATABASE_URL``'s role, as before.

docs/operations.md, "Database roles".
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

AUDIT_TABLE = "carecore_auditevent"
CHAIN_HEAD_TABLE = "carecore_auditchainhead"
# Tables the application role may read and add to, never change.
INSERT_ONLY_TABLES = (AUDIT_TABLE,)
READ_ONLY_TABLES = (CHAIN_HEAD_TABLE,)
SCHEMA = "public"


def owner_settings() -> dict | None:
    """The owner's connection settings (DATABASE_OWNER_URL), or None when there is none."""
    return getattr(settings, "DATABASE_OWNER", None)


def owner_is_separate(alias: str = DEFAULT_DB_ALIAS) -> bool:
    owner = owner_settings()
    if owner is None:
        return False
    return owner.get("USER") != connections[alias].settings_dict.get("USER")


@contextlib.contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Run the block on the owner's role: the connection is closed and reopened with the
    owner's user and password (same server and database), then given back as it was. Does
    nothing without DATABASE_OWNER_URL. Yields the application role's name (None then)."""
    owner = owner_settings()
    if owner is None:
        yield None
        return
    connection = connections[alias]
    settings_dict = connection.settings_dict
    app_role = settings_dict.get("USER")
    if owner.get("USER") == app_role:
        yield None
        return
    if connection.in_atomic_block:
        raise RuntimeError("Switching to the owner role needs a connection outside a transaction.")
    saved = {key: settings_dict.get(key) for key in ("USER", "PASSWORD")}
    connection.close()
    settings_dict.update(USER=owner.get("USER"), PASSWORD=owner.get("PASSWORD") or "")
    try:
        yield app_role
    finally:
        connection.close()
        settings_dict.update(saved)


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def role_exists(connection, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def create_app_role(connection, role: str, password: str | None) -> bool:
    """Create the application's login role if it does not exist (needs CREATEROLE, as the
    postgres image's POSTGRES_USER has). Returns whether it was created."""
    if role_exists(connection, role):
        return False
    with connection.cursor() as cursor:
        if password:
            cursor.execute(f"CREATE ROLE {_quote(connection, role)} LOGIN PASSWORD %s", [password])
        else:
            cursor.execute(f"CREATE ROLE {_quote(connection, role)} LOGIN")
    return True


def grant_app_role(connection, role: str) -> list[str]:
    """Give ``role`` exactly the application's rights on the tables and sequences of the
    schema, run as the owner of those tables. Idempotent; returns the statements run."""
    if connection.vendor != "postgresql":
        raise ImproperlyConfigured("Database roles need PostgreSQL.")
    app = _quote(connection, role)
    schema = _quote(connection, SCHEMA)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = _quote(connection, cursor.fetchone()[0])
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [SCHEMA, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise ImproperlyConfigured(
            f"The application role {role} owns {', '.join(sorted(owned)[:5])}: it must own no "
            f"table. As the owner: REASSIGN OWNED BY {role} TO <owner>."
        )
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {app}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        # Tables and sequences that later migrations create (as this owner) get the same.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {app}",
    ]
    existing = set(connection.introspection.table_names())
    for table in INSERT_ONLY_TABLES:
        if table in existing:
            statements.append(f"REVOKE UPDATE, DELETE ON {_quote(connection, table)} FROM {app}")
    for table in READ_ONLY_TABLES:
        if table in existing:
            statements.append(
                f"REVOKE INSERT, UPDATE, DELETE ON {_quote(connection, table)} FROM {app}"
            )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def table_privileges(connection, role: str, table: str) -> set[str]:
    """The privileges ``role`` holds on ``table`` (for the checks and the tests)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE',"
            "'REFERENCES','TRIGGER']) AS p WHERE has_table_privilege(%s, %s, p)",
            [role, table],
        )
        return {p for (p,) in cursor.fetchall()}
