"""manage.py import_students FILE --school CODE --year 2568 [--dry-run]

The same checks and the same import as the coordinator's page (carecore.imports.commands)."""

from django.core.management.base import CommandError

from carecore.imports.commands import ImportCommand
from schools.models import AcademicYear
from students import imports


class Command(ImportCommand):
    help = "Import students from a CSV or XLSX file into a school for an academic year."
    importer = imports.STUDENT_IMPORTS

    def add_period_argument(self, parser) -> None:
        parser.add_argument("--year", required=True, type=int, help="academic year (BE), e.g. 2568")

    def period(self, options) -> dict:
        academic_year = AcademicYear.objects.filter(year=options["year"]).first()
        if academic_year is None:
            years = ", ".join(str(y.year) for y in AcademicYear.objects.all()) or "none"
            raise CommandError(f"No academic year {options['year']} (existing years: {years}).")
        return {"academic_year": academic_year}

    def done_text(self, report, school, period: dict, seconds: float) -> str:
        counts = report.summary
        changes = ", ".join(f"{counts[k]} {k}" for k in imports.COUNT_KEYS[:5])
        return (
            f"{report.rows} rows into {school.code} for {period['academic_year'].year}: {changes}, "
            f"{counts['classrooms_created']} classrooms created, {counts['not_in_file']} students "
            "of the school not in the file (left alone)."
        )

    def preview_text(self, row: dict) -> str:
        room = imports.room_label(row["grade"], row["room"])
        return f"{row['student_code']} {row['name']} {room} {row['action']}"
