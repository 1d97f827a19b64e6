"""The audit log's hash chain, and its verification (``manage.py audit_verify``, nightly).

Every audit event carries its position in the chain (``seq``), the hash of the event before it
(``prev_hash``) and its own hash: sha256 over the previous hash and the event's canonical
content. On PostgreSQL a trigger computes all three on insert, under a lock on the one-row chain
head, so concurrent writers append one after the other (migration carecore 0011). Together with
the database roles (carecore/dbroles.py: the application may only insert and read audit rows),
changing or deleting an event needs the owner role and then shows here:

- a changed event: its content no longer gives its hash;
- a deleted event: a gap in the positions (and the next event's link points at nothing);
- events cut from the end: the chain head says the chain is longer;
- an event inserted with the chain trigger set aside: it has no position;
- a chain rewritten with fresh hashes: the hash recorded by an earlier verification (also
  written to the log output, outside the database) no longer matches.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from carecore.models import AuditChainHead, AuditEvent, AuditVerification

logger = logging.getLogger(__name__)

BATCH = 5000
PROBLEMS_KEPT = 100


class AuditChainUnavailable(Exception):
    """The database keeps no chain (SQLite, the demo)."""


@dataclass
class ChainReport:
    rows: int = 0
    head_seq: int = 0
    head_hash: str = ""
    problem_count: int = 0
    problems: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, kind: str, **details) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append({"kind": kind, **details})


# What each kind of problem says, for the people who run the server (in English, as the other
# management commands write; the district's page shows only how many).
PROBLEM_TEXTS = {
    "changed": "Entry {seq} (id {id}) was changed after it was written.",
    "missing": "Entries {first} to {last} are missing (deleted).",
    "link": "Entry {seq} (id {id}) does not follow the entry before it (the chain was rewritten "
    "or an entry was replaced).",
    "tail": "The chain should end at entry {expected} but ends at entry {found} (the last entries "
    "were deleted or changed).",
    "unchained": "{count} entries are outside the chain (written while its trigger was off), for "
    "example id {example}.",
    "anchor": "Entry {seq} no longer has the hash that the verification of {when} recorded (the "
    "chain was rewritten).",
}


def problem_text(problem: dict) -> str:
    """One problem as a sentence (PROBLEM_TEXTS)."""
    kind = problem.get("kind")
    if kind == "missing" and problem["first"] == problem["last"]:
        return "Entry {first} is missing (deleted).".format(**problem)
    if kind in PROBLEM_TEXTS:
        return PROBLEM_TEXTS[kind].format(**problem)
    return str(problem)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise AuditChainUnavailable(
            f"The audit log is chained only on PostgreSQL (this database is {connection.vendor})."
        )


def audit_chain_check() -> ChainReport:
    """Walk the chain from its first event to the head read at the start; events appended
    meanwhile are left for the next walk. Reads only (the application's role suffices)."""
    _require_postgresql()
    report = ChainReport()
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    report.head_seq, report.head_hash = head if head else (0, "")
    table = connection.ops.quote_name(AuditEvent._meta.db_table)

    expected_seq, prev_hash = 1, ""
    last_seq = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT e.seq, e.id, e.prev_hash, e.hash, carecore_auditevent_hash(e.prev_hash, e)"  # noqa: S608
                f" FROM {table} e WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq LIMIT %s",
                [last_seq, report.head_seq, BATCH],
            )
            rows = cursor.fetchall()
            for seq, pk, row_prev, row_hash, computed in rows:
                report.rows += 1
                if seq != expected_seq:
                    report.add("missing", first=expected_seq, last=seq - 1)
                elif row_prev != prev_hash:
                    report.add("link", seq=seq, id=pk)
                if computed != row_hash:
                    report.add("changed", seq=seq, id=pk)
                expected_seq, prev_hash, last_seq = seq + 1, row_hash, seq
            if len(rows) < BATCH:
                break
        if last_seq != report.head_seq or (report.head_seq and prev_hash != report.head_hash):
            report.add("tail", expected=report.head_seq, found=last_seq)

        cursor.execute(f"SELECT count(*), min(id) FROM {table} WHERE seq IS NULL")  # noqa: S608
        count, example = cursor.fetchone()
        if count:
            report.add("unchained", count=count, example=example)

    anchor = (
        AuditVerification.objects.filter(head_seq__gt=0, head_seq__lte=report.head_seq)
        .exclude(head_hash="")
        .order_by("-finished", "-id")
        .first()
    )
    if anchor is not None:
        stored = (
            AuditEvent.objects.filter(seq=anchor.head_seq).values_list("hash", flat=True).first()
        )
        if stored is not None and stored != anchor.head_hash:
            report.add(
                "anchor",
                seq=anchor.head_seq,
                when=timezone.localtime(anchor.finished).isoformat(timespec="minutes"),
            )
    return report


def audit_chain_verify() -> AuditVerification:
    """Check the chain and keep the result (the district administrator's audit page shows the
    latest). The head's hash also goes to the log output: a copy outside the database that a
    rewrite of the whole chain cannot reach."""
    started = timezone.now()
    report = audit_chain_check()
    verification = AuditVerification.objects.create(
        started=started,
        finished=timezone.now(),
        rows=report.rows,
        problem_count=report.problem_count,
        problems=report.problems,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
    )
    if report.ok:
        logger.info(
            "Audit chain verified: %d entries, head %d %s", report.rows, report.head_seq,
            report.head_hash,
        )  # fmt: skip
    else:
        logger.error(
            "Audit chain verification found %d problems (head %d %s); first: %s",
            report.problem_count, report.head_seq, report.head_hash,
            problem_text(report.problems[0]),
        )  # fmt: skip
    return verification


def latest_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-finished", "-id").first()
