"""``manage.py audit_verify``: walk the audit log's hash chain and report every gap, changed or
deleted entry (exit status 1 when there is one). The result is kept for the district
administrator's audit log page, as the nightly job does (carecore/auditchain.py)."""

from django.core.management.base import BaseCommand, CommandError

from carecore.auditchain import (
    AuditChainUnavailable,
    audit_chain_check,
    audit_chain_verify,
    problem_text,
)


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain: report any gap, changed or deleted entry "
        "(exit status 1), and keep the result."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-record", action="store_true", help="Only report; keep no result.")

    def handle(self, *args, no_record, **options):
        try:
            report = audit_chain_check() if no_record else audit_chain_verify()
        except AuditChainUnavailable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{report.rows:,} entries checked, chain head {report.head_seq} {report.head_hash}"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The audit log is intact."))
            return
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem_text(problem)))
        if report.problem_count > len(report.problems):
            self.stdout.write(f"... and {report.problem_count - len(report.problems)} more.")
        raise CommandError(f"{report.problem_count} problems in the audit log.")
