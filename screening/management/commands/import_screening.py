"""manage.py import_screening FILE --school CODE --term 2568-1 [--dry-run]

The same checks and the same import as the coordinator's page (carecore.imports.commands)."""

from django.core.management.base import CommandError

from carecore.imports.commands import ImportCommand
from schools.models import Term
from schools.selectors import term_code, term_from_code
from screening import imports


class Command(ImportCommand):
    help = "Import SDQ answers from a CSV or XLSX file into a school for a term."
    importer = imports.SCREENING_IMPORTS

    def add_period_argument(self, parser) -> None:
        parser.add_argument("--term", required=True, help="term, e.g. 2568-1 (or 1/2568)")

    def period(self, options) -> dict:
        term = term_from_code(options["term"])
        if term is None:
            terms = Term.objects.select_related("academic_year").order_by(
                "academic_year__year", "number"
            )
            known = ", ".join(term_code(t) for t in terms) or "none"
            raise CommandError(
                f"No term {options['term']!r}: write it as 2568-1 (existing terms: {known})."
            )
        return {"term": term}

    def done_text(self, report, school, period: dict, seconds: float) -> str:
        counts = report.summary
        raters = ", ".join(f"{r} {counts[f'rater_{r}']}" for r in ("teacher", "parent", "student"))
        levels = ", ".join(f"{v} {counts[f'level_{v}']}" for v in ("normal", "risk", "problem"))
        return (
            f"{report.rows} forms into {school.code} for term {term_code(period['term'])} "
            f"({counts['students']} students): {counts['new']} new, {counts['replaced']} replacing "
            f"existing forms; {raters}; results: {levels} (criteria {counts['criteria_version']}) "
            f"in {seconds:.1f} s."
        )

    def preview_text(self, row: dict) -> str:
        return (
            f"{row['student_code']} {row['rater']} total {row['total']} {row['level']} "
            f"({row['action']})"
        )


def school_and_term(options) -> tuple:
    """The school and the term of the options (export_screening's too)."""
    command = Command()
    return command.school(options), command.period(options)["term"]
