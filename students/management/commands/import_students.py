"""manage.py import_students FILE --school CODE --year 2568 [--dry-run]

The same checks and the same import as the coordinator's page: with any problem nothing is
imported, every problem is printed, and the command exits with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from schools.models import AcademicYear, Grade, School
from students import imports


class Command(BaseCommand):
    help = "Import students from a CSV or XLSX file into a school for an academic year."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or TIS-620/cp874) or XLSX file")
        parser.add_argument("--school", required=True, help="OBEC school code (10 digits)")
        parser.add_argument("--year", required=True, type=int, help="academic year (BE), e.g. 2568")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and show what would change"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the code {options['school']}.")
        academic_year = AcademicYear.objects.filter(year=options["year"]).first()
        if academic_year is None:
            years = ", ".join(str(y.year) for y in AcademicYear.objects.all()) or "none"
            raise CommandError(f"No academic year {options['year']} (existing years: {years}).")
        service = imports.import_check if options["dry_run"] else imports.import_apply
        with scope(school=school.pk):
            report = service(
                data=data, filename=path.name, school=school, academic_year=academic_year
            )
        if not report.ok:
            for error in report.errors:
                where = f"row {error['row']}" if error["row"] is not None else "file"
                column = imports.error_column(error)
                value = f" {error['value']!r}" if error["value"] else ""
                where = f"{where}, {column}" if column else where
                self.stderr.write(f"{where}{value}: {imports.error_message(error)}")
            raise CommandError(
                f"Nothing imported: {len(report.errors)} problem(s) in "
                f"{report.bad_rows} row(s) of {report.rows}."
            )
        counts = report.summary
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {report.rows} rows into {school.code} for {academic_year.year}: "
            f"{counts['created']} created, {counts['updated']} updated, {counts['moved']} moved, "
            f"{counts['enrolled']} enrolled, {counts['unchanged']} unchanged, "
            f"{counts['classrooms_created']} classrooms created, "
            f"{counts['not_in_file']} students of the school not in the file (left alone)."
        )
        if options["verbosity"] >= 2:
            for p in report.preview:
                room = f"{Grade(p['grade']).label}/{p['room']}"
                self.stdout.write(
                    f"  {p['row']}: {p['student_code']} {p['name']} {room} {p['action']}"
                )
