"""The reports made by jobs (see carecore.jobs and dashboards.reports): the district report as
PDF and XLSX for the district's staff, the school report as PDF for the school's director,
coordinator and counsellor; the student's care summary as PDF for whoever may see the student.
Imported at start-up by carecore.apps (autodiscover "jobs")."""

from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.jobs import BuiltFile, JobFailed, job_kind
from schools.jobs import job_term
from schools.selectors import term_code
from students.jobs import can_see_student, job_student, pdf_name


def _still_district_staff(request, generated) -> bool:
    """Still holds VIEW_DISTRICT in the file's district."""
    return Perm.VIEW_DISTRICT in getattr(request, "districtperms", ())


def _still_sees_school_dashboard(request, generated) -> bool:
    return Perm.VIEW_SCHOOL_DASHBOARD in getattr(request, "schoolperms", ())


def _district_file(generated, progress, render, extension: str, content_type: str) -> BuiltFile:
    from dashboards import reports

    if generated.district is None:
        raise JobFailed(_("The district no longer exists."))
    term = job_term(generated)
    content = render(district=generated.district, term=term, progress=progress)
    return BuiltFile(
        filename=reports.file_name(
            _("District report"), generated.district.name, term_code(term), extension=extension
        ),
        content=content,
        content_type=content_type,
    )


@job_kind("district_report", check=_still_district_staff)
def build_district_report(generated, progress) -> BuiltFile:
    from dashboards import reports

    return _district_file(
        generated, progress, reports.district_report_pdf, "pdf", "application/pdf"
    )


@job_kind("district_report_xlsx", check=_still_district_staff)
def build_district_report_xlsx(generated, progress) -> BuiltFile:
    from dashboards import reports

    return _district_file(
        generated, progress, reports.district_report_xlsx, "xlsx", reports.XLSX_TYPE
    )


@job_kind("school_report", check=_still_sees_school_dashboard)
def build_school_report(generated, progress) -> BuiltFile:
    from dashboards import reports
    from schools.models import School

    school = School.objects.select_related("district").filter(pk=generated.school_id).first()
    if school is None:
        raise JobFailed(_("The school no longer exists."))
    term = job_term(generated)
    return BuiltFile(
        filename=reports.file_name(
            _("School report"), school.name, term_code(term), extension="pdf"
        ),
        content=reports.school_report_pdf(school=school, term=term, progress=progress),
    )


# The kind's name is stored on GeneratedFile rows: it keeps the name it had in the students app.
@job_kind("student_care_summary", check=can_see_student)
def build_care_summary(generated, progress) -> BuiltFile:
    """The student's care summary (dashboards.care_summary); ``referral_ids`` in the parameters:
    the referrals the person who asked may see."""
    from dashboards.care_summary import care_summary_pdf

    student = job_student(generated)
    content = care_summary_pdf(student=student, referral_ids=generated.params.get("referral_ids"))
    return BuiltFile(filename=pdf_name(generated.title), content=content)
