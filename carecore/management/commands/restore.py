"""``manage.py restore ARCHIVE [--force]``: put a backup archive back into DATABASE_URL's
database and MEDIA_ROOT, after checking every file against the manifest (carecore/backup.py,
docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from carecore.backup import BackupError, backup_restore
from carecore.dbroles import as_owner, grant_app_role


class Command(BaseCommand):
    help = (
        "Restore a backup archive: check every checksum, pg_restore into the (empty) database "
        "of DATABASE_URL, put the files back under MEDIA_ROOT, compare the row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="A carecare-backup-*.tar file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database that has tables: the archive's tables are dropped "
            "and recreated.",
        )

    def handle(self, *args, archive, force, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        # As the owner of the tables when DATABASE_OWNER_URL is set (carecore/dbroles.py): the
        # restored tables belong to it, and the application role gets its grants back.
        with as_owner() as app_role:
            try:
                result = backup_restore(archive=archive, force=force)
            except BackupError as exc:
                raise CommandError(str(exc)) from None
            if app_role:
                grant_app_role(connection, app_role)
        self.stdout.write(
            f"Archive {archive.name} (made {result['created']} by version "
            f"{result['app_version']}): every checksum matches its manifest."
        )
        self.stdout.write(
            f"Database {result['database']}: {result['tables']} tables, "
            f"{result['rows']:,} rows restored."
        )
        self.stdout.write(f"Media: {result['media_files']} files under {result['media_root']}.")
        if result["pending_migrations"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result['pending_migrations'])} migrations of this version are not "
                    "applied yet: run manage.py migrate."
                )
            )
        if result["mismatches"]:
            lines = [
                f"  {table}: {expected} in the manifest, "
                f"{'no table' if actual is None else actual} restored"
                for table, (expected, actual) in sorted(result["mismatches"].items())
            ]
            raise CommandError(
                "The restored row counts differ from the manifest:\n" + "\n".join(lines)
            )
        self.stdout.write(self.style.SUCCESS("Row counts match the manifest."))
