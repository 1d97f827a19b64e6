"""Exporting a school's SDQ results for a term, as CSV or XLSX.

One row per student and rater, complete forms only, sorted by classroom (grade, room), class
number and rater (teacher, parent, student), with exactly the columns of ``COLUMNS``: scores as
stored, bands ``normal``/``risk``/``problem`` (prosocial ``strength``/``no_strength``) and the
version of the criteria that scored the form. Students have no names in the file: the student
code is enough to join it with the school's own lists.

With ``answers=True`` the answers follow (``q1`` … ``q25`` and the impact questions): such a
file can be imported again (``screening.imports`` ignores the score columns and scores the
answers afresh), for example into another term or another installation.

Two queries whatever the number of rows: the forms, and the classrooms of their students.
"""

from __future__ import annotations

from carecore.spreadsheets import csv_bytes, xlsx_bytes, xlsx_cell, xlsx_row
from schools.models import School, Term
from screening.imports import ANSWER_COLUMNS, IMPACT_COLUMNS, IMPACT_FIELDS, RESULT_COLUMNS
from screening.models import Rater, SdqResponse, Status
from students.models import Enrolment

COLUMNS = ["student_code", "rater", *RESULT_COLUMNS]
FORMATS = ("csv", "xlsx")
RATER_ORDER = {rater: i for i, rater in enumerate(Rater.values)}
_LAST = (99, 9999, 9999)  # students without a classroom in the term's year sort last


def export_header(*, answers: bool = False) -> list[str]:
    return COLUMNS + (ANSWER_COLUMNS + IMPACT_COLUMNS if answers else [])


def export_rows(*, school: School, term: Term, answers: bool = False) -> list[list]:
    """The rows of the export (without the header)."""
    fields = ["student_id", "student__student_code", "rater", *COLUMNS[2:]]
    if answers:
        fields += ["answers", "impact_answers"]
    forms = list(
        SdqResponse.objects.filter(
            student__school=school, term=term, status=Status.COMPLETE
        ).values(*fields)
    )
    places = {
        e["student_id"]: (e["classroom__grade"], e["classroom__room"], e["number"])
        for e in Enrolment.objects.filter(
            classroom__school=school,
            academic_year_id=term.academic_year_id,
            student_id__in={f["student_id"] for f in forms},
        ).values("student_id", "classroom__grade", "classroom__room", "number")
    }
    forms.sort(
        key=lambda f: (
            places.get(f["student_id"], _LAST),
            f["student__student_code"],
            RATER_ORDER.get(f["rater"], 9),
        )
    )
    rows = []
    for f in forms:
        row = [f["student__student_code"], f["rater"], *(f[c] for c in COLUMNS[2:])]
        if answers:
            given = list(f["answers"] or [])
            row += (given + [None] * len(ANSWER_COLUMNS))[: len(ANSWER_COLUMNS)]
            impact = f["impact_answers"] or {}
            row += [impact.get(name) for name in IMPACT_FIELDS]
        rows.append(row)
    return rows


def _csv(header: list[str], rows: list[list]) -> bytes:
    # Formula-like text escaped (carecore.spreadsheets); the BOM makes Excel open UTF-8 correctly.
    return csv_bytes([header, *(["" if v is None else v for v in row] for row in rows)])


def _xlsx(header: list[str], rows: list[list], title: str) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 14
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        # Student codes as text, so that leading zeros stay (and never a formula).
        code = xlsx_cell(sheet, row[0])
        code.number_format = "@"
        sheet.append(xlsx_row(sheet, [code, *row[1:]]))
    return xlsx_bytes(workbook)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_filename(*, school: School, term: Term, fmt: str, answers: bool = False) -> str:
    suffix = "-answers" if answers else ""
    return f"sdq-{school.code}-{term.academic_year.year}-{term.number}{suffix}.{fmt}"


def export_file(
    *, school: School, term: Term, fmt: str, answers: bool = False, progress=None
) -> tuple[bytes, str, str, int]:
    """(content, content type, file name, number of rows)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}")
    header = export_header(answers=answers)
    rows = export_rows(school=school, term=term, answers=answers)
    if progress:
        progress(30)
    if fmt == "csv":
        content = _csv(header, rows)
    else:
        content = _xlsx(header, rows, title=f"SDQ {term.academic_year.year}-{term.number}")
    filename = export_filename(school=school, term=term, fmt=fmt, answers=answers)
    return content, CONTENT_TYPES[fmt], filename, len(rows)


def build_export_job(generated, progress):
    """The body of the ``screening_export`` job (see screening/jobs.py): params ``term_id``,
    ``format`` and ``answers``."""
    from carecore.jobs import BuiltFile
    from schools.jobs import job_term

    term = job_term(generated)
    content, content_type, filename, _rows = export_file(
        school=generated.school,
        term=term,
        fmt=generated.params.get("format", "xlsx"),
        answers=bool(generated.params.get("answers")),
        progress=progress,
    )
    return BuiltFile(filename=filename, content=content, content_type=content_type)


def export_audit(
    *, school: School, term: Term, user, fmt: str, answers: bool, rows=None, request=None
):
    """Every export leaves an audit event (the file holds every screened student's results).
    ``rows`` is None when the file is made later by a job."""
    from django.utils.translation import gettext

    from carecore.audit import audit_record
    from carecore.models import AuditEvent

    changes = {"term": f"{term.academic_year.year}-{term.number}", "format": fmt}
    changes |= {"answers": answers}
    if rows is not None:
        changes["rows"] = rows
    return audit_record(
        action=AuditEvent.Action.EXPORT,
        user=user,
        school=school,
        summary=gettext("SDQ results for term %(term)s (%(format)s)")
        % {"term": str(term), "format": fmt.upper()},
        changes=changes,
        request=request,
    )
