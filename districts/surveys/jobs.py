"""The surveys' files made by jobs (carecore.jobs): the results as PDF and XLSX, the slips as
PDF. A file is the district's (a district's survey) or the school's; whoever asked keeps it while
they may still manage the place's surveys and the survey still exists."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.imports.engine import XLSX_TYPE
from carecore.jobs import BuiltFile, JobFailed, job_kind
from districts.surveys import documents
from districts.surveys.access import readable_surveys
from districts.surveys.models import Survey
from schools.models import School


def _still_manages(request, generated) -> bool:
    perms = getattr(request, "districtperms", None) or getattr(request, "schoolperms", ())
    if Perm.MANAGE_SURVEYS not in perms:
        return False
    return readable_surveys(request).filter(pk=generated.params.get("survey_id")).exists()


def _survey(generated) -> Survey:
    """The file's survey: its place's own, or (a school's file) the district's survey the
    school reads its answers to."""
    if generated.school_id:
        school = generated.school
        surveys = Survey.objects.filter(
            Q(school=school)
            | Q(district_id=school.district_id, school__isnull=True, ask_school=True)
        )
    else:
        surveys = Survey.objects.filter(district_id=generated.district_id, school__isnull=True)
    survey = (
        surveys.select_related("district", "school")
        .filter(pk=generated.params.get("survey_id"))
        .first()
    )
    if survey is None:
        raise JobFailed(_("The survey no longer exists."))
    return survey


def _school(survey: Survey, generated) -> School | None:
    """The school the results are narrowed to: a school's file of the district's survey is
    that school's answers; a district's file names one (or none: every answer)."""
    if survey.school_id is None and generated.school_id:
        return generated.school
    school_id = generated.params.get("school_id")
    if not school_id:
        return None
    return School.objects.filter(district_id=survey.district_id, pk=school_id).first()


def _results(generated, progress, make, extension: str, **file) -> BuiltFile:
    """The survey's results in the file ``make`` writes (documents.results_pdf, _xlsx)."""
    survey = _survey(generated)
    content = make(survey=survey, school=_school(survey, generated), progress=progress)
    name = documents.file_name(generated.title, extension=extension)
    return BuiltFile(filename=name, content=content, **file)


@job_kind("survey_results", check=_still_manages)
def build_results_pdf(generated, progress) -> BuiltFile:
    return _results(generated, progress, documents.results_pdf, "pdf")


@job_kind("survey_results_xlsx", check=_still_manages)
def build_results_xlsx(generated, progress) -> BuiltFile:
    return _results(generated, progress, documents.results_xlsx, "xlsx", content_type=XLSX_TYPE)


@job_kind("survey_slips", check=_still_manages)
def build_slips(generated, progress) -> BuiltFile:
    survey = _survey(generated)
    if survey.mode != Survey.Mode.SLIPS or survey.status == Survey.Status.CLOSED:
        raise JobFailed(_("This survey is not answered with slips now."))
    params = generated.params
    content = documents.slips_pdf(
        survey=survey,
        count=int(params.get("count") or 0),
        school=_school(survey, generated),
        base_url=params["base_url"],
        batch=str(generated.pk),
        progress=progress,
    )
    return BuiltFile(
        filename=documents.file_name(generated.title, extension="pdf"), content=content
    )
