"""The surveys' files: the results as PDF (figures, charts, written answers) and as XLSX (the
figures, the written answers and every answer), and the slips with codes as PDF. Built by jobs
(districts/surveys/jobs.py); figures only, no one's name."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from carecore.dates import Paper, format_date, format_datetime
from carecore.jobs import progress_stage
from carecore.pdf import render_pdf
from carecore.spreadsheets import xlsx_bytes, xlsx_row, xlsx_table
from districts.surveys import charts, selectors, services
from districts.surveys.models import LEVEL_LABELS, LEVELS, Survey
from screening.slips import ROWS_PER_PAGE, SLIPS_PER_ROW, qr_svg
from students.family_services import slip_code_display

# Written answers printed for each question (the spreadsheet has them all).
OPEN_ON_PAPER = 200


def place_name(survey: Survey) -> str:
    return survey.school.name if survey.school_id else survey.district.name


def file_name(*parts, extension: str) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p)[:150] + f".{extension}"


# --- results as PDF ----------------------------------------------------------------------------
def results_pdf(*, survey: Survey, school=None, progress=None) -> bytes:
    results = selectors.survey_results(survey, school=school, per_question=OPEN_ON_PAPER)
    if progress:
        progress(30)
    for section in results.rating:
        section.chart = charts.section_chart(section, font="Sarabun", width=charts.WIDTH)
    paper = Paper(survey.school)
    return render_pdf(
        "surveys/pdf/results.html",
        {
            "survey": survey,
            "results": results,
            "place_name": paper.num(place_name(survey)),
            "district_name": survey.district.name,
            "chosen_school": school,
            # Dates in the school's time zone (format_date reads a moment there).
            "opened": paper.date(survey.opened_at, "long") if survey.opened_at else "",
            "closed": paper.date(survey.closed_at, "long") if survey.closed_at else "",
        },
        school=survey.school,
        progress=progress_stage(progress, 30, 100),
        pages=2 + len(results.rating) // 2,
    )


# --- results as XLSX ---------------------------------------------------------------------------
def _sheet(workbook, title: str, header: list, rows: list[list], widths: dict[str, int]):
    """A sheet of its own holding one table (question texts and written answers as text, never
    as a formula); ``widths`` of some columns by letter."""
    return xlsx_table(workbook.create_sheet(title[:31]), header, rows, widths=widths)


def _number(value):
    return float(value) if value is not None else None


def results_xlsx(*, survey: Survey, school=None, progress=None) -> bytes:
    """Four sheets: the figures of every rating question (with each section's and the
    survey's), the answers per school (a district's survey), the written answers, and every
    answer, one row per person."""
    import openpyxl

    results = selectors.survey_results(survey, school=school, per_question=None)
    if progress:
        progress(30)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    level_headers = [f"{level} {LEVEL_LABELS[level]}" for level in LEVELS]
    header = [_("Section"), _("Item no."), _("Question"), "n", _("Mean"), _("S.D."), _("Level")]
    rows = []
    for section in results.rating:
        for q in section.questions:
            rows.append(
                [
                    section.section.title,
                    q.question.position,
                    q.question.text,
                    q.stats.n,
                    _number(q.stats.mean),
                    _number(q.stats.sd),
                    q.stats.level_label,
                    *(q.counts.get(level, 0) for level in LEVELS),
                ]
            )
        stats = section.stats
        rows.append(
            [
                section.section.title,
                None,
                _("The section as a whole"),
                stats.n,
                _number(stats.mean),
                _number(stats.sd),
                stats.level_label,
            ]
        )
    overall = results.overall
    rows.append(
        [
            "",
            None,
            _("Every rating"),
            overall.n,
            _number(overall.mean),
            _number(overall.sd),
            overall.level_label,
        ]
    )
    summary = _sheet(
        workbook, _("Figures"), [*header, *level_headers], rows, {"A": 28, "C": 60, "G": 14}
    )
    for mean, sd in summary.iter_rows(min_row=2, min_col=5, max_col=6):
        mean.number_format = sd.number_format = "0.00"
    summary.append([])
    for label, value in (
        (survey.title, None),
        (_("Whose survey"), place_name(survey)),
        (_("Whose answers"), school.name if school else _("Everyone's")),
        (_("Answers"), results.responses),
        (_("Printed on"), format_date(timezone.localdate(), "long")),
    ):
        summary.append(xlsx_row(summary, [label, value]))
    if progress:
        progress(50)

    if results.schools:
        _sheet(
            workbook,
            _("Schools"),
            [_("School code"), _("School"), _("Answers"), _("Mean"), _("Level")],
            [
                [r.code, r.name, r.responses, _number(r.stats.mean), r.stats.level_label]
                for r in results.schools
            ],
            {"A": 14, "B": 40},
        )

    open_rows = [
        [item.question.position, item.question.text, t.text, t.school_name, t.submitted]
        for item in results.open
        for t in item.texts
    ]
    _sheet(
        workbook,
        _("Written answers"),
        [
            _("Item no."),
            _("Question"),
            _("Written answer"),
            _("School"),
            pgettext("survey", "Sent on"),
        ],
        [[*row[:4], format_datetime(row[4])] for row in open_rows],
        {"B": 40, "C": 70, "D": 30, "E": 20},
    )

    questions, answers = selectors.response_rows(survey)
    if school is not None:
        answers = [a for a in answers if a["school"] == school.name]
    _sheet(
        workbook,
        _("Every answer"),
        [pgettext("survey", "Sent on"), _("School"), *(str(q.position) for q in questions)],
        [
            [
                format_datetime(a["submitted"]),
                a["school"],
                *(a["answers"].get(q.pk) for q in questions),
            ]
            for a in answers
        ],
        {"A": 20, "B": 30},
    )
    if progress:
        progress(90)
    return xlsx_bytes(workbook)


# --- slips -------------------------------------------------------------------------------------
def slips_pdf(
    *, survey: Survey, count: int, school=None, base_url: str, batch: str, progress=None
) -> bytes:
    """``count`` slips, each with a new code and its QR code (the survey's address with the
    code), eight to an A4 page. The codes are made here: only their hashes are stored.
    ``progress``: the codes and QR codes are the first 30%, the pages the rest."""
    codes = services.slips_issue(survey=survey, count=count, school=school, batch=batch)
    drawing = progress_stage(progress, 0, 30)
    answer_url = f"{base_url}{survey.token}/"
    paper = Paper(school or survey.school)
    slips = []
    for done, code in enumerate(codes, start=1):
        if drawing:
            drawing(100 * done // len(codes))
        shown = slip_code_display(code)
        svg, width = qr_svg(f"{answer_url}?{urlencode({'code': shown})}")
        slips.append(
            {
                "code": shown,
                "qr": mark_safe(svg),  # noqa: S308 - made by segno from our own URL
                "qr_width": width,
            }
        )
    rows = [slips[i : i + SLIPS_PER_ROW] for i in range(0, len(slips), SLIPS_PER_ROW)]
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]
    parts = urlsplit(base_url)
    return render_pdf(
        "surveys/pdf/slips.html",
        {
            "pages": pages,
            "survey": survey,
            "school_name": paper.num(school.name if school else place_name(survey)),
            "short_address": f"{parts.netloc}{parts.path}",
        },
        school=survey.school,
        progress=progress_stage(progress, 30, 100),
        pages=max(1, len(pages)),
    )
