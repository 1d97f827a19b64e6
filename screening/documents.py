"""Screening summaries on paper (PDF, through carecore.pdf) and as spreadsheets (XLSX).

- the individual summary (แบบสรุปผลการคัดกรองรายบุคคล): ``student_summary_pdf``;
- the classroom summary (แบบสรุปผลการคัดกรองนักเรียนเป็นรายห้อง): ``classroom_summary_pdf``;
- the school summary: ``school_summary_pdf``;
- and the same three as XLSX: ``*_xlsx`` (openpyxl, headings in the reader's language).

The figures come from screening.summaries (a fixed number of queries). Numbers and dates on
paper follow the school's document settings (``Paper``: Buddhist Era, Thai digits when
asked). Callers choose the language (``translation.override``) and run inside the school's
scope.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.dates import Paper, format_date
from carecore.spreadsheets import xlsx_bytes, xlsx_row
from screening import summaries
from screening.labels import RATER_LABELS, SCALE_LABELS

Progress = Callable[[int], None]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render_pdf(template_name: str, context: dict, **kwargs) -> bytes:
    from carecore.pdf import render_pdf

    return render_pdf(template_name, context, **kwargs)


def term_text(term) -> str:
    return _("Term %(number)s/%(year)s") % {"number": term.number, "year": term.academic_year.year}


def _pct(paper: Paper, value: Decimal | None) -> str:
    return "—" if value is None else paper.num(f"{value:.2f}")


def _file_part(text) -> str:
    return str(text).replace("/", "-")


def file_name(*parts, extension: str) -> str:
    return " ".join(_file_part(p) for p in parts if p) + f".{extension}"


# --- figures as text ----------------------------------------------------------------------------
def _group_cells(row: summaries.CompletionRow, paper: Paper) -> list[dict]:
    return [
        {"code": code, "label": label, "n": paper.num(n), "pct": _pct(paper, pct)}
        for code, label, n, pct in row.group_cells()
    ]


def _form_cells(row: summaries.CompletionRow, paper: Paper) -> list[dict]:
    cells = []
    for form, label, count in row.form_cells():
        if not count.applies:
            cells.append({"form": form, "label": label, "applies": False, "text": "—"})
            continue
        cells.append(
            {
                "form": form,
                "label": label,
                "applies": True,
                "complete": paper.num(count.complete),
                "applicable": paper.num(count.applicable),
                "draft": paper.num(count.draft),
                "not_started": paper.num(count.not_started),
                "pct": _pct(paper, count.percent),
                "text": _("%(complete)s of %(applicable)s")
                % {
                    "complete": paper.num(count.complete),
                    "applicable": paper.num(count.applicable),
                },
            }
        )
    return cells


def counts_context(row: summaries.CompletionRow, paper: Paper) -> dict:
    return {
        "label": paper.num(row.label),
        "students": paper.num(row.students),
        "classrooms": paper.num(row.classrooms),
        "groups": _group_cells(row, paper),
        "forms": _form_cells(row, paper),
    }


def _signature(position: str, name: str = "") -> tuple[str, str]:
    return (position, name)


def _teacher_signatures(teachers) -> list[tuple[str, str]]:
    position = _("Homeroom teacher")
    return [_signature(position, t.display_name) for t in teachers] or [_signature(position)]


# --- the individual summary -----------------------------------------------------------------------
def _sdq_table(summary: summaries.StudentSummary, paper: Paper) -> dict:
    """Scales down, raters across: each cell "5 มีปัญหา", or why there is no score."""
    by_rater = {form.rater: form for form in summary.sdq}
    raters = [r for r in summaries.RATERS if r in summary.raters or r in by_rater]
    rows = []
    for scale in summaries.SCREEN_SCALES:
        cells = []
        for rater in raters:
            form = by_rater.get(rater)
            line = None
            if form is not None and form.complete:
                line = next((x for x in form.lines if x.code == scale), None)
            if line is not None:
                cells.append(
                    {"score": paper.num(line.score), "band": line.band_label, "level": line.band}
                )
            else:
                cells.append({"score": "", "band": "—", "level": ""})
        rows.append(
            {"label": str(SCALE_LABELS[scale]), "cells": cells, "is_total": scale == "total"}
        )
    status = []
    for rater in raters:
        form = by_rater.get(rater)
        if form is None:
            status.append(_("not done"))
        elif form.complete:
            status.append(paper.date(timezone.localtime(form.response.modified).date(), "short"))
        else:
            status.append(
                _("incomplete: %(count)s items missing") % {"count": paper.num(len(form.missing))}
            )
    return {
        "raters": [str(RATER_LABELS[r]) for r in raters],
        "rows": rows,
        "status": status,
        "any": bool(by_rater),
        "criteria": sorted({f.response.criteria_version for f in summary.sdq if f.complete} - {""}),
    }


def _eq_tables(summary: summaries.StudentSummary, paper: Paper) -> list[dict]:
    tables = []
    for form in summary.eq:
        tables.append(
            {
                "label": form.label,
                "complete": form.complete,
                "missing": paper.num(sum(1 for a in (form.response.answers or []) if a is None)),
                "has_t": form.has_t_scores,
                "norms_missing": form.norms_missing,
                "norms_unverified": form.norms_unverified,
                "lines": [
                    {
                        "label": line.label,
                        "score": paper.num(line.score),
                        "t": paper.num(line.t_score) if line.t_score is not None else "",
                        "level": line.band_label or "—",
                        "is_total": line.code in ("total", "good", "capable", "happy"),
                    }
                    for line in form.lines
                ],
            }
        )
    return tables


def student_summary_context(summary: summaries.StudentSummary, paper: Paper) -> dict:
    student = summary.student
    enrolment = summary.enrolment
    group = summary.group
    return {
        "name": student.full_name,
        "code": paper.num(student.student_code),
        "birth_date": paper.date(student.birth_date, "long"),
        "room": paper.num(enrolment.classroom) if enrolment else "",
        "number": paper.num(enrolment.number) if enrolment else "",
        "term": paper.num(term_text(summary.term)),
        "group": {
            "screened": group is not None,
            "level": group.level if group else "",
            "label": summary.level_label,
            "derived": summary.derived_label,
            "overridden": bool(group and group.is_overridden),
            "override_reason": group.override_reason if group else "",
            "overridden_by": (
                group.overridden_by.display_name if group and group.overridden_by else ""
            ),
            "overridden_at": paper.date(group.overridden_at) if group else "",
            "special": bool(group and group.special),
            "reasons": summary.reasons,
            "special_reasons": summary.special_reasons,
        },
        "sdq": _sdq_table(summary, paper),
        "eq": _eq_tables(summary, paper),
        "aspects": [
            {
                "label": a.label,
                "level": a.level,
                "level_label": a.level_label,
                "indicators": a.indicators,
                "note": a.note,
            }
            for a in summary.aspects
        ],
        "signatures": [
            *_teacher_signatures(summary.teachers),
            _signature(_("Guidance counsellor / care-system coordinator")),
        ],
    }


def student_summary_pdf(*, student, term) -> bytes:
    summary = summaries.student_summary(student=student, term=term)
    school = student.school
    paper = Paper(school)
    return _render_pdf(
        "screening/pdf/student_summary.html",
        {"sheet": student_summary_context(summary, paper)},
        school=school,
    )


# --- the classroom summary ------------------------------------------------------------------------
def classroom_rows_context(summary: summaries.ClassroomSummary, paper: Paper) -> list[dict]:
    rows = []
    for row in summary.rows:
        rows.append(
            {
                "number": paper.num(row.enrolment.number),
                "code": paper.num(row.student.student_code),
                "given_name": f"{row.student.prefix}{row.student.first_name}",
                "surname": row.student.last_name,
                "name": row.student.full_name,
                "level": row.level,
                "level_label": row.level_label,
                "overridden": row.overridden,
                "special": row.special,
                "sdq": [
                    {
                        "status": cell.status,
                        "level": cell.response.level if cell.complete else "",
                        "total": paper.num(cell.total_text()),
                        "flagged": [paper.num(t) for t in cell.flagged_texts()],
                    }
                    for cell in row.sdq
                    if cell.rater in summary.raters
                ],
                "eq": paper.num(row.eq.text()),
            }
        )
    return rows


def classroom_summary_context(summary: summaries.ClassroomSummary, paper: Paper) -> dict:
    classroom = summary.classroom
    return {
        "room": paper.num(classroom),
        "year": paper.num(classroom.academic_year.year),
        "term": paper.num(term_text(summary.term)),
        "teachers": ", ".join(t.display_name for t in summary.teachers),
        "raters": [str(RATER_LABELS[r]) for r in summary.raters],
        "rows": classroom_rows_context(summary, paper),
        "counts": counts_context(summary.counts, paper),
        "signatures": [
            *_teacher_signatures(summary.teachers),
            _signature(_("Care-system coordinator")),
        ],
    }


def classroom_summary_pdf(*, classroom, term, progress: Progress | None = None) -> bytes:
    summary = summaries.classroom_summary(classroom=classroom, term=term)
    if progress:
        progress(10)
    school = summary.classroom.school
    paper = Paper(school)
    return _render_pdf(
        "screening/pdf/classroom_summary.html",
        classroom_summary_context(summary, paper),
        school=school,
        progress=progress,
        pages=max(1, len(summary.rows) // 12 + 1),
    )


# --- the school summary ---------------------------------------------------------------------------
def school_summary_context(summary: summaries.SchoolSummary, paper: Paper) -> dict:
    return {
        "term": paper.num(term_text(summary.term)),
        "whole_school": summary.whole_school,
        "rows": [counts_context(row, paper) for row in summary.rows],
        "grades": [counts_context(row, paper) for row in summary.grades],
        "total": counts_context(summary.total, paper),
        "form_labels": [summaries.form_label(f) for f in summaries.FORMS],
        "group_labels": [label for _c, label, _n, _p in summary.total.group_cells()],
        "signatures": [
            _signature(_("Care-system coordinator")),
            _signature(_("School director")),
        ],
    }


def school_summary_pdf(*, school, term, classroom_ids=None) -> bytes:
    summary = summaries.school_summary(school=school, term=term, classroom_ids=classroom_ids)
    paper = Paper(school)
    return _render_pdf(
        "screening/pdf/school_summary.html",
        school_summary_context(summary, paper),
        school=school,
        pages=max(1, len(summary.rows) // 15 + 1),
    )


# --- spreadsheets ---------------------------------------------------------------------------------
def _workbook():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    return workbook


def _sheet(workbook, title: str):
    # Excel: at most 31 characters, none of []:*?/\
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    return workbook.create_sheet(clean)


def _header(sheet, cells: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    _append(sheet, cells)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _title_rows(sheet, *lines: str) -> None:
    from openpyxl.styles import Font

    for line in lines:
        _append(sheet, [line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    _append(sheet, [])


def _append(sheet, values) -> None:
    """A row with text as text: never a formula, whatever a name or code holds."""
    sheet.append(xlsx_row(sheet, values))


def _save(workbook) -> bytes:
    return xlsx_bytes(workbook)


def _percent_cell(sheet, row: int, column: int) -> None:
    sheet.cell(row=row, column=column).number_format = "0.00"


def _num(value: Decimal | None):
    return None if value is None else float(value)


def _counts_header() -> list[str]:
    header = [_("Students")]
    for _code, label in _group_labels():
        header += [label, _("%")]
    for form in summaries.FORMS:
        label = summaries.form_label(form)
        header += [
            _("%(form)s: complete") % {"form": label},
            _("%(form)s: students") % {"form": label},
            _("%(form)s: draft") % {"form": label},
            _("%(form)s: %%") % {"form": label},
        ]
    return header


def _group_labels() -> list[tuple[str, str]]:
    empty = summaries.CompletionRow(
        classroom=None,
        label="",
        students=0,
        forms={},
        groups=dict.fromkeys(summaries.GROUPS, 0),
        special=0,
    )
    return [(code, label) for code, label, _n, _p in empty.group_cells()]


def _counts_values(row: summaries.CompletionRow) -> list:
    values: list = [row.students]
    for _code, _label, n, pct in row.group_cells():
        values += [n, _num(pct)]
    for form in summaries.FORMS:
        count = row.forms[form]
        if count.applies:
            values += [count.complete, count.applicable, count.draft, _num(count.percent)]
        else:
            values += [None, None, None, None]
    return values


def _append_counts(sheet, first: list, row: summaries.CompletionRow) -> None:
    _append(sheet, [*first, *_counts_values(row)])
    offset = len(first) + 1  # the column of "Students"
    groups = len(row.group_cells())
    for i in range(groups):
        _percent_cell(sheet, sheet.max_row, offset + 2 + 2 * i)
    start = offset + 1 + 2 * groups
    for i in range(len(summaries.FORMS)):
        _percent_cell(sheet, sheet.max_row, start + 4 * i + 3)


def classroom_summary_xlsx(summary: summaries.ClassroomSummary) -> bytes:
    """Two sheets: one row per student, and the counts (groups, then forms)."""
    workbook = _workbook()
    classroom = summary.classroom
    heading = _("Screening summary, classroom %(room)s, %(term)s") % {
        "room": classroom,
        "term": term_text(summary.term),
    }
    sheet = _sheet(workbook, _("Students"))
    _title_rows(sheet, str(classroom.school), heading)
    header = [
        _("No."),
        _("Student code"),
        _("Name"),
        _("Group"),
        _("Set by a teacher"),
        _("Special"),
    ]
    for rater in summary.raters:
        label = RATER_LABELS[rater]
        header += [
            _("SDQ %(rater)s: total") % {"rater": label},
            _("SDQ %(rater)s: total band") % {"rater": label},
            _("SDQ %(rater)s: scales at risk or with problems") % {"rater": label},
        ]
    header.append(_("EQ"))
    _header(sheet, header)
    yes = _("yes")
    for row in summary.rows:
        values = [
            row.enrolment.number,
            row.student.student_code,
            row.student.full_name,
            row.level_label,
            yes if row.overridden else "",
            yes if row.special else "",
        ]
        for cell in row.sdq:
            if cell.rater not in summary.raters:
                continue
            if cell.complete:
                values += [
                    cell.response.total,
                    summaries.band_label(cell.response.total_band),
                    ", ".join(cell.flagged_texts()),
                ]
            else:
                values += [None, cell.total_text(), ""]
        values.append(row.eq.text())
        _append(sheet, values)
    _widths(sheet, [6, 12, 30, 14, 10, 8] + [8, 14, 40] * len(summary.raters) + [24])
    sheet.freeze_panes = sheet.cell(row=4, column=4)

    counts = summary.counts
    sheet = _sheet(workbook, _("Counts"))
    _title_rows(sheet, str(classroom.school), heading)
    _header(sheet, [_("Group"), _("Students"), _("%")])
    for _code, label, n, pct in counts.group_cells():
        _append(sheet, [label, n, _num(pct)])
        _percent_cell(sheet, sheet.max_row, 3)
    _append(sheet, [_("All students"), counts.students, None])
    _append(sheet, [])
    _header(sheet, [_("Form"), _("Complete"), _("Students"), _("Draft"), _("%")])
    for _form, label, count in counts.form_cells():
        if count.applies:
            _append(
                sheet, [label, count.complete, count.applicable, count.draft, _num(count.percent)]
            )
            _percent_cell(sheet, sheet.max_row, 5)
        else:
            _append(sheet, [label, _("not used for this grade")])
    _widths(sheet, [28, 12, 12, 10, 10])
    return _save(workbook)


def school_summary_xlsx(summary: summaries.SchoolSummary) -> bytes:
    """Two sheets: per classroom (and the total), per grade (and the total)."""
    workbook = _workbook()
    heading = _("Screening summary, %(term)s") % {"term": term_text(summary.term)}
    total_label = summary.total.label
    for title, first_header, rows in (
        (_("Classrooms"), _("Classroom"), summary.rows),
        (_("Grades"), _("Grade"), summary.grades),
    ):
        sheet = _sheet(workbook, title)
        _title_rows(sheet, str(summary.school), heading)
        _header(sheet, [first_header, *_counts_header()])
        for row in rows:
            _append_counts(sheet, [row.label], row)
        _append_counts(sheet, [total_label], summary.total)
        _widths(sheet, [14, 10] + [8, 8] * 5 + [10, 10, 8, 8] * len(summaries.FORMS))
        sheet.freeze_panes = sheet.cell(row=5, column=2)
    return _save(workbook)


def student_summary_xlsx(summary: summaries.StudentSummary) -> bytes:
    """One sheet: the student, the group and why, then each form's scales."""
    workbook = _workbook()
    student = summary.student
    sheet = _sheet(workbook, _("Summary"))
    enrolment = summary.enrolment
    _title_rows(
        sheet,
        str(student.school),
        _("Individual screening summary, %(term)s") % {"term": term_text(summary.term)},
    )
    group = summary.group
    facts = [
        (_("Name"), student.full_name),
        (_("Student code"), student.student_code),
        (_("Classroom"), str(enrolment.classroom) if enrolment else ""),
        (_("No."), enrolment.number if enrolment else ""),
        (_("Birth date"), format_date(student.birth_date, "long")),
        (_("Group"), summary.level_label),
    ]
    if group and group.is_overridden:
        facts += [
            (_("Group from the results"), summary.derived_label),
            (_("Reason for the change"), group.override_reason),
        ]
    facts.append((_("Special"), _("yes") if group and group.special else ""))
    facts += [(_("Why"), text) for text in summary.reasons]
    facts += [(_("Special"), text) for text in summary.special_reasons]
    for label, value in facts:
        _append(sheet, [label, value])
    _append(sheet, [])

    _header(sheet, [_("SDQ"), _("Form"), _("Score"), _("Result")])
    for form in summary.sdq:
        if not form.complete:
            _append(sheet, [_("SDQ"), form.label, None, _("incomplete")])
            continue
        for line in form.lines:
            _append(sheet, [line.label, form.label, line.score, line.band_label])
    _append(sheet, [])
    if summary.eq:
        _header(sheet, [_("EQ"), _("Form"), _("Score"), _("Result"), _("T-score")])
        for form in summary.eq:
            if not form.complete:
                _append(sheet, [_("EQ"), form.label, None, _("incomplete")])
                continue
            for line in form.lines:
                _append(sheet, [line.label, form.label, line.score, line.band_label, line.t_score])
        _append(sheet, [])
    if summary.aspects:
        _header(sheet, [_("Aspect"), _("Result"), _("Indicators"), _("Note")])
        for aspect in summary.aspects:
            _append(
                sheet, [aspect.label, aspect.level_label, ", ".join(aspect.indicators), aspect.note]
            )
    _widths(sheet, [34, 30, 12, 40, 20])
    return _save(workbook)
