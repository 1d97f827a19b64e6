"""manage.py import_screening FILE --school CODE --term 2568-1 [--dry-run]

The same checks and the same import as the coordinator's page: with any problem nothing is
imported, every problem is printed, and the command exits with status 1.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from schools.models import School, Term
from schools.selectors import term_code, term_from_code
from screening import imports


def school_and_term(options) -> tuple[School, Term]:
    school = School.objects.filter(code=options["school"]).first()
    if school is None:
        raise CommandError(f"No school with the code {options['school']}.")
    term = term_from_code(options["term"])
    if term is None:
        terms = Term.objects.select_related("academic_year").order_by(
            "academic_year__year", "number"
        )
        known = ", ".join(term_code(t) for t in terms) or "none"
        raise CommandError(
            f"No term {options['term']!r}: write it as 2568-1 (existing terms: {known})."
        )
    return school, term


class Command(BaseCommand):
    help = "Import SDQ answers from a CSV or XLSX file into a school for a term."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or TIS-620/cp874) or XLSX file")
        parser.add_argument("--school", required=True, help="OBEC school code (10 digits)")
        parser.add_argument("--term", required=True, help="term, e.g. 2568-1 (or 1/2568)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and show what would change"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        school, term = school_and_term(options)
        service = imports.import_check if options["dry_run"] else imports.import_apply
        started = time.monotonic()
        with scope(school=school.pk):
            report = service(data=data, filename=path.name, school=school, term=term)
        seconds = time.monotonic() - started
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
            f"{verb} {report.rows} forms into {school.code} for term {term_code(term)} "
            f"({counts['students']} students): {counts['new']} new, {counts['replaced']} "
            f"replacing existing forms; teacher {counts['rater_teacher']}, parent "
            f"{counts['rater_parent']}, student {counts['rater_student']}; results: normal "
            f"{counts['level_normal']}, risk {counts['level_risk']}, problem "
            f"{counts['level_problem']} (criteria {counts['criteria_version']}) "
            f"in {seconds:.1f} s."
        )
        if options["verbosity"] >= 2:
            for p in report.preview:
                self.stdout.write(
                    f"  {p['row']}: {p['student_code']} {p['rater']} total {p['total']} "
                    f"{p['level']} ({p['action']})"
                )
