"""Starting the reports by job (dashboards/jobs.py): a POST with the page's term creates the
file and answers with its page, which shows the progress (carecore/file_views.py). The student's
care summary (dashboards/care_summary.py) starts the same way from the student's page."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore import jobs
from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_record
from carecore.file_views import (
    generated_file_response,
    school_document_start,
    student_document_start,
)
from carecore.models import AuditEvent
from dashboards import reports
from dashboards.routes import district_report_pages, school_report_pages, student_report_pages
from referrals.access import referrals_for_user
from schools.selectors import current_term, term_from_code
from students.access import student_get_for_user


def _term(request):
    """The term posted by the page (its code, "2568-1"), else the current one."""
    term = term_from_code(request.POST.get("term", "")) or current_term()
    if term is None:
        raise Http404
    return term


def _district_report(request, *, kind: str, title: str):
    term = _term(request)
    title = f"{title} {request.district.name} {reports.term_text(term)}"
    generated = jobs.generated_file_start(
        kind=kind,
        title=title,
        user=request.user,
        permission=Perm.VIEW_DISTRICT,
        district=request.district,
        params={"term_id": term.pk},
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        district=request.district,
        summary=title,
        request=request,
    )
    return generated_file_response(request, generated)


@district_report_pages("pdf/", name="pdf")
@district_view(Perm.VIEW_DISTRICT)
@require_POST
def district_report_pdf(request):
    return _district_report(request, kind="district_report", title=_("District report (PDF)"))


@district_report_pages("xlsx/", name="xlsx")
@district_view(Perm.VIEW_DISTRICT)
@require_POST
def district_report_xlsx(request):
    return _district_report(
        request, kind="district_report_xlsx", title=_("District report (Excel)")
    )


@school_report_pages("pdf/", name="pdf")
@school_view(Perm.VIEW_SCHOOL_DASHBOARD)
@require_POST
def school_report_pdf(request):
    term = _term(request)
    return school_document_start(
        request,
        kind="school_report",
        title=_("School report %(school)s %(term)s")
        % {"school": request.school.name, "term": reports.term_text(term)},
        params={"term_id": term.pk},
        permission=Perm.VIEW_SCHOOL_DASHBOARD,
    )


@student_report_pages("<int:student_id>/care-summary/print/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def care_summary_print(request, student_id):
    """The student's care summary (dashboards.care_summary), for whoever may see the student. It
    lists only the referrals the person may see: a recipient who sees the student through an
    open referral does not get the others."""
    student = student_get_for_user(request, student_id)
    referral_ids = list(
        referrals_for_user(request).filter(student=student).values_list("pk", flat=True)
    )
    return student_document_start(
        request,
        student,
        "student_care_summary",
        _("Care summary %(name)s"),
        referral_ids=referral_ids,
    )
