"""The district's plan as PDF (carecore.jobs): for the district's staff (any plan of the
district) and for a school (the district's published plans). Imported at start-up by
carecore.apps (autodiscover "jobs")."""

from django.utils.translation import gettext as _

from carecore.jobs import BuiltFile, JobFailed, job_kind


@job_kind("district_plan")
def build_district_plan(generated, progress) -> BuiltFile:
    from districts.plans import documents
    from districts.plans.models import Plan
    from schools.models import School

    if generated.school_id:
        school = generated.school
        plans = Plan.objects.filter(district_id=school.district_id, status=Plan.Status.PUBLISHED)
        school_ids = None  # the targets alone: the district's figures are the district's
    else:
        plans = Plan.objects.filter(district_id=generated.district_id)
        school_ids = list(
            School.objects.filter(district_id=generated.district_id).values_list("pk", flat=True)
        )
    plan = (
        plans.select_related("district", "academic_year")
        .filter(pk=generated.params.get("plan_id"))
        .first()
    )
    if plan is None:
        raise JobFailed(_("The plan no longer exists or is no longer published."))
    return BuiltFile(
        filename=f"{plan.title}.pdf",
        content=documents.plan_pdf(plan=plan, school_ids=school_ids, progress=progress),
    )
