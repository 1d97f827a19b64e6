"""The early-warning model on a simulated cohort (earlywarning/simulate.py): precision, recall,
students flagged in a class of 40 and lead time, as docs/early-warning.md quotes them."""

from django.core.management.base import BaseCommand, CommandError

from earlywarning.simulate import SEED, STUDENTS, evaluate_cohort, sweep_table, table


class Command(BaseCommand):
    help = (
        "Generate a deterministic simulated cohort (students whose leaving school follows the "
        "documented rules of earlywarning/simulate.py, plus noise), evaluate the early-warning "
        "model (version ew-2, default params) on it week by week, and print precision, recall, "
        "students flagged per class of 40 and lead time. --sweep adds other thresholds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=STUDENTS)
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="Also print the figures of other 'watch' and 'high' scores.",
        )

    def handle(self, *args, students, seed, sweep, **options):
        if students < 1:
            raise CommandError("--students must be at least 1.")
        evaluated = evaluate_cohort(students, seed)
        self.stdout.write(table(evaluated))
        if sweep:
            self.stdout.write("")
            self.stdout.write(sweep_table(evaluated))
