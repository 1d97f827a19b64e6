"""Account slips on paper (docs/portal.md, "Accounts"): for each student of a classroom a slip
for the parent, or one for the student, with the school, the child's name, the one-time code
printed large, the portal's address to type and its QR code (the code in the address). Eight
to an A4 page with cut lines, like the screening slips (screening/slips.py, whose QR drawing
this reuses).

The codes are made by the job itself, so that only their hashes are stored: the PDF is the
only place they are written. A retried job replaces its own unused codes.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode, urlsplit

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_scopes import scope

from carecore.jobs import BuiltFile, JobFailed
from carecore.pdf import Paper, render_pdf
from schools.jobs import job_classroom
from schools.models import Grade
from screening.slips import ROWS_PER_PAGE, SLIPS_PER_ROW, qr_svg
from students.family_models import FamilyKind
from students.family_services import slip_days, slips_issue
from students.models import Enrolment

# Students have their own account from ป.4 up (as the self-report screening form).
STUDENT_ACCOUNTS_FROM = Grade.P4


def student_accounts_allowed(classroom) -> bool:
    return classroom.grade >= STUDENT_ACCOUNTS_FROM


def _pages(slips: list) -> list:
    per_page = SLIPS_PER_ROW * ROWS_PER_PAGE
    pages = []
    for start in range(0, len(slips), per_page):
        chunk = slips[start : start + per_page]
        pages.append([chunk[i : i + SLIPS_PER_ROW] for i in range(0, len(chunk), SLIPS_PER_ROW)])
    return pages


def build_family_slips(generated, progress) -> BuiltFile:
    """The job's builder (kind "family_slips", portal/jobs.py)."""
    params = generated.params
    kind = params.get("kind")
    if kind not in FamilyKind.values:
        raise JobFailed(_("Unknown kind of slip."))
    with scope(school=generated.school_id):
        classroom = job_classroom(generated, "school__district", "academic_year")
        if kind == FamilyKind.STUDENT and not student_accounts_allowed(classroom):
            raise JobFailed(_("Students have their own accounts from P.4 up."))
        enrolments = list(
            Enrolment.objects.filter(classroom=classroom)
            .select_related("student")
            .order_by("number")
        )
        issued = slips_issue(
            students=[e.student for e in enrolments],
            kind=kind,
            issued_by=generated.created_by,
            batch=str(generated.pk),
        )
        progress(20)
        school = classroom.school
        paper = Paper(school)
        base_url = params["portal_url"]
        slips = []
        for enrolment, slip in zip(enrolments, issued, strict=True):
            url = f"{base_url}?{urlencode({'code': slip.display})}"
            svg, width = qr_svg(url)
            slips.append(
                {
                    "number": paper.num(enrolment.number),
                    "name": enrolment.student.full_name,
                    "code": slip.display,
                    "qr": mark_safe(svg),  # noqa: S308 - made by segno from our own URL
                    "qr_width": width,
                }
            )
        pages = _pages(slips)
        parts = urlsplit(base_url)
        content = render_pdf(
            "portal/pdf/account_slips.html",
            {
                "pages": pages,
                "is_parent": kind == FamilyKind.PARENT,
                "school_name": paper.num(school.name),
                "room": paper.num(classroom),
                "short_address": f"{parts.netloc}{parts.path}",
                "until": paper.date(
                    timezone.localdate() + datetime.timedelta(days=slip_days()), "short"
                ),
            },
            school=school,
            pages=max(1, len(pages)),
        )
    progress(100)
    return BuiltFile(filename=f"{generated.title.replace('/', '-')}.pdf", content=content)
