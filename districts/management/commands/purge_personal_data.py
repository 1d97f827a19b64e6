"""The retention purge from the command line (districts/retention.py, docs/privacy.md).

    manage.py purge_personal_data --district CODE --dry-run   # report only, changes nothing
    manage.py purge_personal_data --district CODE             # carry out the latest dry run

The real run carries out a dry run of the last seven days (the latest, or ``--run ID``) and only
the students it listed; without one it refuses. Both run here, without a worker."""

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from districts.models import District, RetentionRun
from districts.retention import REPORT_KEYS, can_confirm, retention_run_execute, retention_run_start


class Command(BaseCommand):
    help = "Anonymise the personal data of students past the district's retention period."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="the district's code")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be removed; change nothing"
        )
        parser.add_argument("--run", type=int, help="the dry run to carry out (default: latest)")

    def handle(self, *args, district, dry_run, run, **options):
        with scopes_disabled():
            found = District.objects.filter(code=district).first()
            if found is None:
                raise CommandError(f"No district with the code {district!r}.")
            confirms = None
            if not dry_run:
                dry_runs = RetentionRun.objects.filter(district=found, dry_run=True)
                if run is not None:
                    dry_runs = dry_runs.filter(pk=run)
                confirms = dry_runs.order_by("-created", "-pk").first()
                if confirms is None or not can_confirm(confirms):
                    raise CommandError(
                        "Run with --dry-run first and read its report: there is no dry run of "
                        "the last seven days, with today's retention period, to carry out."
                    )
            started = retention_run_start(district=found, user=None, confirms=confirms, queue=False)
            result = retention_run_execute(run_id=started.pk)
        self._print(result)
        if result.status != RetentionRun.Status.DONE:
            raise CommandError(result.error or "The run failed.")

    def _print(self, run: RetentionRun) -> None:
        kind = "Dry run" if run.dry_run else "Purge"
        self.stdout.write(
            f"{kind} #{run.pk} of {run.district.code}: retention {run.retention_years} years, "
            f"last academic year ended on or before {run.cutoff.isoformat()}"
        )
        header = ["school", *REPORT_KEYS]
        self.stdout.write("\t".join(header))
        for row in run.report.get("schools", []):
            self.stdout.write("\t".join([row["code"], *(str(row[k]) for k in REPORT_KEYS)]))
        total = run.report.get("total", {})
        self.stdout.write("\t".join(["total", *(str(total.get(k, 0)) for k in REPORT_KEYS)]))
        if run.dry_run:
            self.stdout.write(
                f"Nothing was changed. To carry it out: purge_personal_data "
                f"--district {run.district.code} --run {run.pk}"
            )
