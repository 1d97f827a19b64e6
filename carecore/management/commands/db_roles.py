"""``manage.py db_roles``: set (or check) the application database role's grants.

Run as DATABASE_OWNER_URL's role; the application role is DATABASE_URL's user unless
``--app-role`` names another. ``--create-role`` first creates it (LOGIN, with DATABASE_URL's
password) if it does not exist, for an installation whose database was created before the roles
were split. ``--check`` changes nothing and fails when the role could change the audit log.
carecore/dbroles.py, docs/operations.md ("Database roles").
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from carecore.dbroles import (
    AUDIT_TABLE,
    as_owner,
    create_app_role,
    grant_app_role,
    owner_settings,
    role_exists,
    table_privileges,
)

ALLOWED_ON_AUDIT = {"SELECT", "INSERT"}


class Command(BaseCommand):
    help = (
        "Give the application's database role (DATABASE_URL's user) its grants: full use of "
        "the application's tables, only SELECT and INSERT on the audit log; run as the owner "
        "(DATABASE_OWNER_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", help="The role to grant to (default: DATABASE_URL's).")
        parser.add_argument(
            "--create-role",
            action="store_true",
            help="Create the role first (LOGIN, DATABASE_URL's password) if it does not exist.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only check the role's rights on the audit log."
        )

    def handle(self, *args, app_role, create_role, check, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles need PostgreSQL (set DATABASE_URL).")
        app_password = connection.settings_dict.get("PASSWORD")
        with as_owner() as default_role:
            role = app_role or default_role or connection.settings_dict.get("USER")
            if check:  # reads only: any role may look
                return self._check(connection, role)
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                (current,) = cursor.fetchone()
            if role == current:
                raise CommandError(
                    f"The application role and the owner are both {role}: set DATABASE_URL to "
                    "the application's role and DATABASE_OWNER_URL to the owner's "
                    "(or pass --app-role)."
                )
            if owner_settings() is None and not app_role:
                raise CommandError("Set DATABASE_OWNER_URL, or pass --app-role.")
            if create_role and create_app_role(connection, role, app_password):
                self.stdout.write(f"Role {role} created.")
            if not role_exists(connection, role):
                raise CommandError(f"The role {role} does not exist (pass --create-role).")
            statements = grant_app_role(connection, role)
            if options["verbosity"] >= 2:
                for statement in statements:
                    self.stdout.write(f"  {statement};")
            self._check(connection, role)
            self.stdout.write(
                self.style.SUCCESS(f"Grants of {role} set (tables owned by {current}).")
            )

    def _check(self, connection, role):
        if not role_exists(connection, role):
            raise CommandError(f"The role {role} does not exist.")
        privileges = table_privileges(connection, role, AUDIT_TABLE)
        self.stdout.write(f"{role} on {AUDIT_TABLE}: {', '.join(sorted(privileges)) or 'nothing'}")
        extra = privileges - ALLOWED_ON_AUDIT
        if extra:
            raise CommandError(
                f"{role} may {', '.join(sorted(extra))} the audit log: run manage.py db_roles."
            )
        if privileges != ALLOWED_ON_AUDIT:
            raise CommandError(f"{role} cannot write the audit log: run manage.py db_roles.")
