"""The import engine: a row schema's file read, checked against the database, previewed and
applied all or nothing; a stored import (``ImportRecord``) checked and applied by jobs.

An import subclasses ``ImportSchema`` (its columns, one row's reading, the plan against the
database, the writing, the preview and the audit) and binds it to its model and tasks with
``Importer``. What the views, the jobs and the command call:

- ``Importer.check(*, data, filename, school, progress=None, **period) -> ImportReport``
- ``Importer.apply(*, data, filename, school, user=None, progress=None, on_applied=None,
  record=None, **period) -> ImportReport`` (all or nothing, one transaction)
- ``Importer.create/validate/confirm/apply_record/fail/retry``: the same for a stored import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from carecore.dbstats import analyze_tables_on_commit
from carecore.imports import sheet_reader
from carecore.imports.reading import (
    FILE_MESSAGES,
    ImportFileError,
    Sheet,
    cell_text,
    digits_text,
    header_key,
    problem,
    read_sheet,
    word_key,
)
from carecore.imports.signals import import_applied

PREVIEW_ROWS = 20

Progress = Callable[[int], None] | None


@dataclass
class Row:
    """One row of the file: the values that could be read; ``ok`` when the whole row is good."""

    row: int
    values: dict = field(default_factory=dict)
    ok: bool = True


@dataclass
class ParsedFile:
    rows: list
    errors: list[dict]
    columns: dict[str, str] = field(default_factory=dict)  # column -> header in the file

    def problem(self, row, code, name="", value="", /, column=None, **params) -> None:
        """A problem of one row (the row is then not ``ok``), under the file's header."""
        row.ok = False
        self.errors.append(
            problem(
                code,
                row=row.row,
                field_name=name,
                column=self.columns.get(name, "") if column is None else column,
                value=value,
                **params,
            )
        )

    def required(self, row, name: str, text: str, parse: Callable, unknown: str, **params):
        """``parse(text)``, the value of the cell ``name`` that must be filled in; None after the
        problem "required" (``text`` empty) or ``unknown`` (``parse`` gives None; with
        ``params``)."""
        if not self.filled(row, name, text):
            return None
        value = parse(text)
        if value is None:
            self.problem(row, unknown, name, text, **params)
        return value

    def filled(self, row, name: str, text: str) -> str:
        """``text``, of the cell ``name`` that must be filled in; the problem "required" when it
        is empty."""
        if not text:
            self.problem(row, "required", name)
        return text

    def named(self, row, name: str, cells, names: dict, unknown: str):
        """What the cell ``name`` names in the table ``names`` (its keys as ``word_key`` makes
        them); None after the problem "required" or ``unknown``."""
        return self.required(
            row, name, cells.text(name), lambda text: names.get(word_key(text)), unknown
        )

    def repeated(self, key: Callable) -> Iterable[tuple]:
        """(row, its key, the row that had the key first) for each row whose key (not None) an
        earlier row has."""
        first_row: dict = {}
        for row in self.rows:
            value = key(row)
            if value is None:
                continue
            if value in first_row:
                yield row, value, first_row[value]
            else:
                first_row[value] = row.row


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e["row"] for e in self.errors if e["row"] is not None})


def scaled(progress: Progress, start: int, end: int) -> Progress:
    """A progress callback for the part from ``start`` to ``end`` percent of a larger one."""
    if progress is None:
        return None
    return lambda pct: progress(start + (end - start) * pct // 100)


class RowReader:
    """One row's cells, by column."""

    def __init__(self, cells: list, mapping: dict[str, int]):
        self.cells = cells
        self.mapping = mapping

    def raw(self, name: str):
        index = self.mapping.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return digits_text(self.raw(name))


class ImportSchema:
    """What one import supplies. Subclasses set the attributes and the methods below."""

    # Columns, in the order problems are listed; the required ones must be in the file.
    required: list[str] = []
    optional: list[str] = []
    # header key (reading.header_key) -> column
    header_aliases: dict[str, str] = {}
    # Header keys accepted and ignored, and whether any other header is a problem.
    ignored_headers: frozenset[str] = frozenset()
    strict_headers = False
    messages: dict = FILE_MESSAGES
    row_class = Row
    # The progress bar: reading takes this share of the check, and of the apply (then writing
    # runs from ``apply_writing_from`` to 100).
    check_reading = 90
    apply_reading = 60
    apply_writing_from = 60

    # --- reading ---------------------------------------------------------------------------
    def is_header(self, columns: set[str]) -> bool:
        """Whether a row naming these columns is the header (title rows may be above it)."""
        return len(columns) >= 3

    def doubled_column(self, name: str, heads: list[str]) -> str:
        """How a column headed twice is named in the problem."""
        return name

    def parse_state(self) -> dict:
        """What reading every row of one file needs (read once per file)."""
        return {}

    def parse_row(self, parsed: ParsedFile, row, cells: RowReader, state: dict) -> None:
        raise NotImplementedError

    def check_rows(self, parsed: ParsedFile) -> None:
        """Problems between rows (the same thing twice in the file)."""

    # --- the database ----------------------------------------------------------------------
    def plan(self, parsed: ParsedFile, *, school, **period):
        """The plan of what applying the rows does; the problems that only the database shows
        are added to the file's (``parsed.problem``)."""
        raise NotImplementedError

    def write(self, plan, *, school, user, progress: Progress, **period) -> None:
        raise NotImplementedError

    # The models written, analysed once the rows are committed (carecore/dbstats.py).
    written_models: tuple = ()

    def summary(self, plan, *, applied: bool, **period) -> dict:
        return dict(plan.counts)

    # The plan's list of planned rows (each with ``row`` and ``student``), previewed.
    preview_list = ""

    def preview_columns(self, item) -> dict:
        """The preview's columns after the row, the student code and the name."""
        raise NotImplementedError

    def audit(self, plan, **period) -> tuple[str, dict]:
        """(summary, changes) of the audit event."""
        raise NotImplementedError

    # --- problems as sentences -------------------------------------------------------------
    def message_params(self, params: dict) -> dict:
        return params

    def error_message(self, error: dict) -> str:
        """The sentence for a stored problem, in the active language."""
        template = self.messages.get(error.get("code"), self.messages["job_failed"])
        params = self.message_params(dict(error.get("params") or {}))
        text = str(template)
        return text % params if params else text

    def error_column(self, error: dict) -> str:
        """The column as the file heads it."""
        return error.get("column") or ""

    # --- the engine ------------------------------------------------------------------------
    def _header(self, sheet: Sheet) -> tuple[int, list]:
        first = None
        for position, (_n, cells) in enumerate(sheet.rows[: sheet_reader.HEADER_SEARCH_ROWS]):
            if not any(cell_text(c) for c in cells):
                continue
            if first is None:
                first = position
            names = {self.header_aliases.get(header_key(cell_text(c))) for c in cells}
            if self.is_header(names - {None}):
                return position, cells
        if first is None:
            raise ImportFileError("empty")
        return first, sheet.rows[first][1]

    def _columns(self, header: list, body: list) -> tuple[dict[str, int], list[dict]]:
        """The column of each known header, and the problems of the header row."""
        mapping: dict[str, int] = {}
        seen: dict[str, list[str]] = {}
        unknown: list[str] = []
        for index, cell in enumerate(header):
            text = cell_text(cell)
            key = header_key(text)
            name = self.header_aliases.get(key)
            if name is not None:
                seen.setdefault(name, []).append(text)
                mapping.setdefault(name, index)
            elif not self.strict_headers or key in self.ignored_headers:
                continue
            elif key:
                unknown.append(text)
            elif any(index < len(cells) and cell_text(cells[index]) for _n, cells in body):
                return mapping, [problem("unnamed_column", number=index + 1)]
        missing = [name for name in self.required if name not in mapping]
        doubled = [self.doubled_column(n, heads) for n, heads in seen.items() if len(heads) > 1]
        errors = [
            problem(code, columns=columns)
            for code, columns in (
                ("missing_columns", missing),
                ("unknown_columns", unknown),
                ("duplicate_column", doubled),
            )
            if columns
        ]
        return mapping, errors if self.strict_headers else errors[:1]

    def parse_file(self, data: bytes, filename: str, progress: Progress = None) -> ParsedFile:
        """Read the file and check each row on its own (no database)."""
        try:
            sheet = read_sheet(data, filename)
            position, header = self._header(sheet)
        except ImportFileError as exc:
            # The same shape of problem as here: the code, and the row and column when known.
            return ParsedFile(rows=[], errors=[exc.error])
        body = [
            (n, cells)
            for n, cells in sheet.rows[position + 1 :]
            if any(cell_text(c) for c in cells)
        ]
        mapping, errors = self._columns(header, body)
        if not errors and not body:
            errors = [problem("empty")]
        if not errors and len(body) > sheet_reader.MAX_ROWS:
            errors = [problem("too_many_rows", max=sheet_reader.MAX_ROWS)]
        if errors:
            return ParsedFile(rows=[], errors=errors)
        columns = {name: cell_text(header[i]) for name, i in mapping.items()}
        parsed = ParsedFile(rows=[], errors=[], columns=columns)
        state = self.parse_state()
        step = max(1, len(body) // 20)
        for count, (n, cells) in enumerate(body):
            if progress and count % step == 0:
                progress(count * 100 // len(body))
            row = self.row_class(row=n)
            self.parse_row(parsed, row, RowReader(cells, mapping), state)
            parsed.rows.append(row)
        self.check_rows(parsed)
        if progress:
            progress(100)
        return parsed

    def _sorted(self, errors: list[dict]) -> list[dict]:
        order = {name: i for i, name in enumerate(self.required + self.optional)}
        return sorted(
            errors, key=lambda e: (e["row"] or 0, order.get(e["field"], len(order)), e["code"])
        )

    def _plan(self, parsed: ParsedFile, school, period: dict) -> tuple[object, list[dict]]:
        plan = self.plan(parsed, school=school, **period)
        return plan, self._sorted(parsed.errors)

    def _preview(self, plan) -> list[dict]:
        return [
            {
                "row": item.row.row,
                "student_code": item.student.student_code,
                "name": item.student.full_name,
                **self.preview_columns(item),
            }
            for item in getattr(plan, self.preview_list)[:PREVIEW_ROWS]
        ]

    def check(self, *, data, filename, school, progress=None, **period) -> ImportReport:
        """Read and check the file against the school's data; change nothing."""
        parsed = self.parse_file(data, filename, scaled(progress, 0, self.check_reading))
        report = ImportReport(rows=len(parsed.rows))
        if not parsed.rows:
            report.errors = parsed.errors
            return report
        plan, report.errors = self._plan(parsed, school, period)
        if report.ok:
            report.summary = self.summary(plan, applied=False, **period)
            report.preview = self._preview(plan)
        if progress:
            progress(100)
        return report

    def apply(
        self,
        *,
        data: bytes,
        filename: str,
        school,
        user=None,
        progress: Progress = None,
        on_applied: Callable[[ImportReport], None] | None = None,
        record=None,
        **period,
    ) -> ImportReport:
        """Check the file and, when every row is good, apply it in one transaction: all or
        nothing. With any problem nothing is written and the report lists every problem.

        ``on_applied`` runs inside the transaction after the writes (to record the outcome
        atomically with them); ``record`` is the object the audit event names."""
        parsed = self.parse_file(data, filename, scaled(progress, 0, self.apply_reading))
        report = ImportReport(rows=len(parsed.rows))
        if not parsed.rows:
            report.errors = parsed.errors
            return report
        if parsed.errors:
            # Nothing will be written; the database is still asked, to report every problem.
            _plan_unused, report.errors = self._plan(parsed, school, period)
            return report
        with transaction.atomic():
            # One import at a time per school: a second one waits here for the first to finish.
            list(type(school).objects.select_for_update().filter(pk=school.pk).values_list("pk"))
            plan, report.errors = self._plan(parsed, school, period)
            if not report.ok:
                return report
            writing = scaled(progress, self.apply_writing_from, 100)
            self.write(plan, school=school, user=user, progress=writing, **period)
            analyze_tables_on_commit(list(self.written_models), rows=report.rows)
            report.summary = self.summary(plan, applied=True, **period)
            report.preview = self._preview(plan)
            self._audit(plan, school=school, user=user, record=record, period=period)
            if on_applied:
                on_applied(report)
        if progress:
            progress(100)
        return report

    def _audit(self, plan, *, school, user, record, period: dict) -> None:
        from carecore.audit import audit_record
        from carecore.models import AuditEvent

        summary, changes = self.audit(plan, **period)
        audit_record(
            action=AuditEvent.Action.IMPORT,
            user=user,
            school=school,
            obj=record,
            summary=summary,
            changes=changes,
        )


# --- the import as a job -----------------------------------------------------------------------
def progress_writer(record, step: int = 5) -> Callable[[int], None]:
    """Write the progress to an import's row, at most every ``step`` percent."""
    last = record.progress

    def write(pct: int) -> None:
        nonlocal last
        pct = max(0, min(100, int(pct)))
        if pct >= last + step or (pct == 100 and last != 100):
            last = pct
            record.progress = pct
            type(record).objects.filter(pk=record.pk).update(progress=pct)

    return write


def import_file_data(record) -> bytes:
    """The uploaded file of an import."""
    with record.file.open("rb") as f:
        return f.read()


class Importer:
    """A schema bound to its model (an ``ImportRecord``) and its two tasks, named by their
    dotted paths (``<tasks>_validate_task`` and ``<tasks>_apply_task``)."""

    def __init__(self, schema: ImportSchema, *, model, period: str, tasks: str, related=()):
        self.schema = schema
        self.model = model
        self.period = period  # the model's field passed on to the schema (academic_year, term)
        self.tasks = tasks
        # What the pages and the jobs show of an import, read with it.
        self.related = ("school", period, *related, "uploaded_by", "confirmed_by")
        self.check = schema.check
        self.apply = schema.apply

    def _period(self, record) -> dict:
        return {self.period: getattr(record, self.period)}

    def _enqueue(self, step: str, pk: int) -> None:
        task = import_string(f"{self.tasks}_{step}_task")
        transaction.on_commit(lambda: task.delay(pk))

    def _update(self, record, status_from, **changes) -> bool:
        return bool(self.model.objects.filter(pk=record.pk, status=status_from).update(**changes))

    def create(self, *, school, uploaded_by, upload, **period):
        """Store the uploaded file and check it in a job."""
        record = self.model(
            school=school,
            uploaded_by=uploaded_by,
            original_name=str(upload.name)[-255:],
            **period,
        )
        record.file.save(upload.name, upload, save=False)
        record.save()
        self._enqueue("validate", record.pk)
        return record

    def validate(self, record, progress: Progress = None):
        """Check the stored file (the body of the validation job)."""
        Status = self.model.Status
        if record.status not in (Status.UPLOADED, Status.VALIDATING):
            return record  # a job delivered twice
        record.status = Status.VALIDATING
        record.progress = 0
        record.save(update_fields=["status", "progress"])
        report = self.check(
            data=import_file_data(record),
            filename=record.original_name,
            school=record.school,
            progress=progress or progress_writer(record),
            **self._period(record),
        )
        record.row_count = report.rows
        record.errors = report.errors
        record.summary = {**report.summary, "preview": report.preview} if report.ok else {}
        record.status = Status.READY if report.ok else Status.INVALID
        record.progress = 100
        record.finished = None if report.ok else timezone.now()
        record.save()
        return record

    def confirm(self, record, user=None) -> bool:
        """Start the import of a checked file; False when it is not ready (already started)."""
        Status = self.model.Status
        started = self._update(
            record, Status.READY, status=Status.IMPORTING, progress=0, confirmed_by=user
        )
        if started:
            self._enqueue("apply", record.pk)
        return started

    def apply_record(self, record, progress: Progress = None):
        """Apply a confirmed import (the body of the import job)."""
        if record.status != self.model.Status.IMPORTING:
            return record  # a job delivered twice
        report = self.apply(
            data=import_file_data(record),
            filename=record.original_name,
            school=record.school,
            user=record.confirmed_by or record.uploaded_by,
            progress=progress or progress_writer(record),
            on_applied=lambda report: self._applied(record, report),
            record=record,
            **self._period(record),
        )
        if not report.ok:
            # The school's data changed since the check: nothing was imported; the rows say why.
            self._finish(record, self.model.Status.INVALID, errors=report.errors, summary={})
        return record

    def _applied(self, record, report: ImportReport) -> None:
        """The rows are written (inside the writing transaction): the record is done, and
        ``import_applied`` tells who listens (bulk writes fire no model signals)."""
        summary = {**report.summary, "preview": report.preview}
        record.row_count = report.rows
        self._finish(record, self.model.Status.DONE, errors=[], summary=summary)
        import_applied.send(sender=self.model, record=record, school_id=record.school_id)

    def _finish(self, record, status, **fields) -> None:
        for name, value in fields.items():
            setattr(record, name, value)
        record.status = status
        record.progress = 100
        record.finished = timezone.now()
        record.save()

    def fail(self, *, import_id: int, exc: BaseException) -> None:
        """Mark an import whose job broke; it can be retried."""
        self.model.objects.filter(pk=import_id).update(
            status=self.model.Status.FAILED,
            errors=[problem("job_failed", value=type(exc).__name__)],
            finished=timezone.now(),
        )

    def retry(self, record) -> bool:
        """Check a failed import's file again; False when it had not failed."""
        Status = self.model.Status
        restarted = self._update(
            record,
            Status.FAILED,
            status=Status.VALIDATING,
            progress=0,
            errors=[],
            summary={},
            finished=None,
        )
        if restarted:
            self._enqueue("validate", record.pk)
        return restarted


# --- the template file -------------------------------------------------------------------------
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_file(
    fmt: str,
    rows: list[list],
    *,
    name: str,
    text_columns: Iterable[int],
    text_rows: int,
    widths: dict[int, int],
    freeze: str | None = None,
) -> tuple[bytes, str, str]:
    """A file with the headers (and example rows) to fill in: (content, content type, name).
    ``text_columns`` (1-based) are formatted as text for ``text_rows`` rows, so that Excel keeps
    leading zeros and long numbers."""
    from carecore.spreadsheets import csv_bytes, xlsx_bytes, xlsx_row

    if fmt == "csv":
        # The BOM makes Excel open UTF-8 Thai correctly; text never as a formula.
        return csv_bytes(rows), "text/csv; charset=utf-8", f"{name}.csv"
    import openpyxl
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = name.split("-")[0]
    for row in rows:
        sheet.append(xlsx_row(sheet, [None if v == "" else v for v in row]))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in text_columns:
        for row in range(2, text_rows + 2):
            sheet.cell(row=row, column=column).number_format = "@"
    if freeze:
        sheet.freeze_panes = freeze
    return xlsx_bytes(workbook), XLSX_TYPE, f"{name}.xlsx"
