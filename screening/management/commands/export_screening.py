"""manage.py export_screening --school CODE --term 2568-1 [--format csv|xlsx] [--output FILE]
[--answers]

One row per student and rater (complete SDQ forms): scores, bands and the criteria version; with
--answers also q1 … q25 and the impact answers, which import_screening reads back. CSV goes to
standard output unless --output is given; XLSX needs --output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from screening import exports
from screening.management.commands.import_screening import school_and_term


class Command(BaseCommand):
    help = "Export a school's SDQ results for a term as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="OBEC school code (10 digits)")
        parser.add_argument("--term", required=True, help="term, e.g. 2568-1 (or 1/2568)")
        parser.add_argument("--format", choices=exports.FORMATS, default="csv")
        parser.add_argument("--output", help="file to write (required for xlsx)")
        parser.add_argument(
            "--answers",
            action="store_true",
            help="add the answers (q1 … q25, impact), so that the file can be imported again",
        )

    def handle(self, *args, **options):
        school, term = school_and_term(options)
        fmt = options["format"]
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("An XLSX file needs --output FILE.")
        with scope(school=school.pk):
            content, _type, _name, rows = exports.export_file(
                school=school, term=term, fmt=fmt, answers=options["answers"]
            )
            exports.export_audit(
                school=school,
                term=term,
                user=None,
                fmt=fmt,
                answers=options["answers"],
                rows=rows,
            )
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_bytes(content)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}") from None
            self.stderr.write(f"Wrote {rows} rows to {path}.")
        else:
            # Without the byte order mark: a terminal or a pipe does not need it.
            self.stdout.write(content.decode("utf-8-sig"), ending="")
