"""The slips a classroom takes home: for each student a slip for the parent and, from ป.4 up, one
for the student, each with the QR code of the form's address, the code printed large, the short
address to type and the days the form is open. Eight slips to an A4 page, with cut lines.

The QR code is inline SVG (carecore.pdf refuses data: URIs), drawn at 0.9 mm a module with the
four-module quiet zone kept: about 33 mm wide for a version 3 code, which phone cameras read
from arm's length.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import segno
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_scopes import scope

from carecore.access import Perm, own_classroom_ids
from carecore.jobs import BuiltFile, JobFailed
from carecore.pdf import Paper, render_pdf
from schools.access import classroom_get_for_user
from schools.models import Classroom, Term
from screening.links import (
    code_display,
    form_links_for_classroom,
    link_raters_for_student,
    screening_window_get,
)
from screening.models import Rater

Progress = Callable[[int], None]

SLIPS_PER_ROW = 2
ROWS_PER_PAGE = 4
QR_MODULE_MM = 0.9
QR_BORDER = 4  # modules of quiet zone on each side, as the QR standard asks


def can_print_slips(request, classroom) -> bool:
    """The coordinator for every room; a homeroom teacher for their own rooms."""
    if Perm.ENTER_SCREENING not in request.schoolperms:
        return False
    if Perm.MANAGE_SCREENING in request.schoolperms:
        return True
    return classroom.pk in own_classroom_ids(request)


def slip_classroom_get(request, classroom_id) -> Classroom:
    """The classroom whose slips the user asks for: 404 outside the school, 403 without the
    right to print its slips."""
    from django.core.exceptions import PermissionDenied

    classroom = classroom_get_for_user(request, classroom_id)
    if not can_print_slips(request, classroom):
        raise PermissionDenied
    return classroom


def qr_svg(url: str) -> tuple[str, float]:
    """Inline SVG of the QR code of ``url`` and its width in millimetres."""
    qr = segno.make(url, error="m")
    width = (qr.symbol_size(scale=1, border=0)[0] + 2 * QR_BORDER) * QR_MODULE_MM
    width = round(width, 1)
    svg = qr.svg_inline(scale=1, border=QR_BORDER, omitsize=True, svgclass="qr")
    # Sized in millimetres on paper; the viewBox keeps the modules square and the quiet zone.
    svg = svg.replace("<svg ", f'<svg style="width: {width}mm; height: {width}mm" ', 1)
    return svg, width


def _slip(row, rater: str, link, *, classroom, form_base_url: str, paper: Paper) -> dict:
    url = f"{form_base_url}{link.code}/"
    svg, width = qr_svg(url)
    student = row.student
    return {
        "rater": rater,
        "is_parent": rater == Rater.PARENT,
        "number": paper.num(row.enrolment.number),
        "name": student.full_name,
        "room": paper.num(classroom),
        "code": code_display(link.code),
        "url": url,
        "qr": mark_safe(svg),  # noqa: S308 - made by segno from our own URL, no user text
        "qr_width": width,
    }


def classroom_slips_pdf(
    *, classroom: Classroom, term: Term, form_base_url: str, progress: Progress | None = None
) -> bytes:
    """The slips of every student of the classroom for ``term``; creates the links that are
    missing (a reprint gives the same codes)."""
    with scope(school=classroom.school_id):
        classroom = Classroom.objects.select_related("school__district", "academic_year").get(
            pk=classroom.pk
        )
        school = classroom.school
        paper = Paper(school)
        rows = form_links_for_classroom(classroom=classroom, term=term)
        window = screening_window_get(school=school, term=term)
        if progress:
            progress(10)
        slips = [
            _slip(
                row,
                rater,
                row.links[rater],
                classroom=classroom,
                form_base_url=form_base_url,
                paper=paper,
            )
            for row in rows
            for rater in link_raters_for_student(
                student=row.student, grade=classroom.grade, term=term
            )
            if rater in row.links
        ]
        per_page = SLIPS_PER_ROW * ROWS_PER_PAGE
        pages = []
        for start in range(0, len(slips), per_page):
            chunk = slips[start : start + per_page]
            pages.append(
                [chunk[i : i + SLIPS_PER_ROW] for i in range(0, len(chunk), SLIPS_PER_ROW)]
            )
        context = {
            "pages": pages,
            "school_name": paper.num(school.name),
            "room": paper.num(classroom),
            "term": paper.num(term),
            "short_address": _short_address(form_base_url),
            "opens": paper.date(window.opens, "short") if window else "",
            "closes": paper.date(window.closes, "short") if window else "",
        }
        pdf = render_pdf(
            "screening/pdf/slips.html",
            context,
            school=school,
            progress=_scaled(progress, 20, 100),
            pages=max(1, len(pages)),
        )
    if progress:
        progress(100)
    return pdf


def _short_address(form_base_url: str) -> str:
    """What to type in the browser: the host and /f/, without https://."""
    parts = urlsplit(form_base_url)
    return f"{parts.netloc}{parts.path}"


def _scaled(progress: Progress | None, low: int, high: int) -> Progress | None:
    if progress is None:
        return None
    return lambda value: progress(low + value * (high - low) // 100)


def build_classroom_slips(generated, progress) -> BuiltFile:
    """The job's builder (kind "screening_slips", registered in screening/jobs.py)."""
    params = generated.params
    classroom = (
        Classroom.objects.filter(school_id=generated.school_id, pk=params.get("classroom_id"))
        .select_related("academic_year")
        .first()
    )
    if classroom is None:
        raise JobFailed(_("The classroom no longer exists."))
    term = Term.objects.select_related("academic_year").filter(pk=params.get("term_id")).first()
    if term is None:
        raise JobFailed(_("The term no longer exists."))
    content = classroom_slips_pdf(
        classroom=classroom,
        term=term,
        form_base_url=params["form_base_url"],
        progress=progress,
    )
    name = " ".join(str(p).replace("/", "-") for p in (generated.title,) if p) + ".pdf"
    return BuiltFile(filename=name, content=content)


def check_classroom_slips(request, generated) -> bool:
    """Whether the person who asked may still have the slips (job kind check)."""
    classroom = Classroom.objects.filter(
        school=request.school, pk=generated.params.get("classroom_id")
    ).first()
    return classroom is not None and can_print_slips(request, classroom)
