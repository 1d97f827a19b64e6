"""``manage.py migrate``, as the database owner when DATABASE_OWNER_URL is set.

Django's own migrate, run on the owner's role (carecore/dbroles.py), then the application role's
grants set again. Overriding the command itself (as django-tenants does) rather than adding a
second one means every path that migrates (the web container's start, the upgrade steps, test
databases) does the right thing without anyone having to remember a special command; and
migrating as the application role fails anyway, since it may create no table.
"""

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections

from carecore.dbroles import as_owner, grant_app_role, owner_is_separate, role_exists


class Command(migrate.Command):
    help = (
        f"{migrate.Command.help} With DATABASE_OWNER_URL: as that role, then the grants of "
        "DATABASE_URL's role are set (carecore/dbroles.py)."
    )

    def handle(self, *args, **options):
        database = options["database"]
        if not owner_is_separate(database):
            return super().handle(*args, **options)
        with as_owner(database) as app_role:
            connection = connections[database]
            if not role_exists(connection, app_role):
                raise CommandError(
                    f"The application role {app_role} (the user of DATABASE_URL) does not "
                    "exist: create it first (manage.py db_roles --create-role)."
                )
            super().handle(*args, **options)
            grant_app_role(connection, app_role)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Grants of the application role {app_role} set.")
