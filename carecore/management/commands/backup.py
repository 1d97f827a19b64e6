"""``manage.py backup [--output-dir DIR] [--keep N]``: one archive of the database and the
uploaded files (carecore/backup.py, docs/operations.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carecore.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (carecare-backup-<UTC time>.tar) holding a pg_dump of the database, "
        "every file under MEDIA_ROOT and a manifest with their checksums and the row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Folder for the archive (default: the BACKUP_DIR setting).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Then delete the oldest archives in the folder, keeping the newest N.",
        )

    def handle(self, *args, output_dir, keep, **options):
        try:
            archive = backup_create(output_dir=output_dir or settings.BACKUP_DIR, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        size = archive.stat().st_size / 1024 / 1024
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive} ({size:.1f} MB)"))
