"""Care documents made by jobs (see carecore.jobs): the individual care record."""

from django.utils.translation import gettext as _

from carecore.jobs import BuiltFile, JobFailed, job_kind


def _can_see_plan(request, generated) -> bool:
    """Still one who may see the student whose plan it is."""
    from care.selectors import plans_for_user

    return plans_for_user(request).filter(pk=generated.params.get("plan_id")).exists()


@job_kind("care_plan", check=_can_see_plan)
def build_care_plan(generated, progress) -> BuiltFile:
    from care import documents
    from care.models import CarePlan

    plan = (
        CarePlan.objects.filter(school_id=generated.school_id, pk=generated.params.get("plan_id"))
        .select_related("school__district", "student", "term__academic_year")
        .first()
    )
    if plan is None:
        raise JobFailed(_("The care plan no longer exists."))
    content = documents.care_plan_pdf(plan=plan)
    return BuiltFile(filename=documents.file_name(generated.title), content=content)
