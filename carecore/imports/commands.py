"""The management command of an import: ``manage.py <command> FILE --school CODE <period>
[--dry-run]``, the same checks and the same import as the coordinator's page. With any problem
nothing is imported, every problem is printed, and the command exits with status 1."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope


class ImportCommand(BaseCommand):
    """An import's command sets ``importer`` and fills in ``add_period_argument``, ``period``
    (the option as the schema's keyword arguments), ``done_text`` and ``preview_text``."""

    importer = None

    def add_period_argument(self, parser) -> None:
        raise NotImplementedError

    def period(self, options) -> dict:
        raise NotImplementedError

    def done_text(self, report, school, period: dict, seconds: float) -> str:
        raise NotImplementedError

    def preview_text(self, row: dict) -> str:
        raise NotImplementedError

    def school(self, options):
        school_model = self.importer.model._meta.get_field("school").related_model
        school = school_model.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the code {options['school']}.")
        return school

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or TIS-620/cp874) or XLSX file")
        parser.add_argument("--school", required=True, help="OBEC school code (10 digits)")
        self.add_period_argument(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and show what would change"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        school = self.school(options)
        period = self.period(options)
        schema = self.importer.schema
        service = schema.check if options["dry_run"] else schema.apply
        started = time.monotonic()
        with scope(school=school.pk):
            report = service(data=data, filename=path.name, school=school, **period)
        seconds = time.monotonic() - started
        if not report.ok:
            for error in report.errors:
                where = f"row {error['row']}" if error["row"] is not None else "file"
                column = schema.error_column(error)
                value = f" {error['value']!r}" if error["value"] else ""
                where = f"{where}, {column}" if column else where
                self.stderr.write(f"{where}{value}: {schema.error_message(error)}")
            raise CommandError(
                f"Nothing imported: {len(report.errors)} problem(s) in "
                f"{report.bad_rows} row(s) of {report.rows}."
            )
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(f"{verb} {self.done_text(report, school, period, seconds)}")
        if options["verbosity"] >= 2:
            for row in report.preview:
                self.stdout.write(f"  {row['row']}: {self.preview_text(row)}")
