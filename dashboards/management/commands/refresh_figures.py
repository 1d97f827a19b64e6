from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from dashboards.rollups import refresh_all
from schools.selectors import term_from_code


class Command(BaseCommand):
    help = "Compute every school's dashboard figures for a term (default: the current term)."

    def add_arguments(self, parser):
        parser.add_argument("--term", help="The term, e.g. 2569/1 (Buddhist Era year/term).")

    def handle(self, *args, term=None, **options):
        chosen = None
        if term:
            chosen = term_from_code(term)
            if chosen is None:
                raise CommandError(f"No term {term!r}.")
        with scopes_disabled():
            n = refresh_all(term=chosen)
        self.stdout.write(f"Figures computed for {n} schools.")
