"""The certificates of an award category as PDF (carecore.jobs), for the district's staff who
manage the evaluation. Imported at start-up by carecore.apps (autodiscover "jobs")."""

from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.jobs import BuiltFile, JobFailed, job_kind


def _still_managing(request, generated) -> bool:
    return Perm.MANAGE_EVALUATION in getattr(request, "districtperms", ())


@job_kind("assessment_certificates", check=_still_managing)
def build_certificates(generated, progress) -> BuiltFile:
    from districts.assessments import documents
    from districts.assessments.models import AwardCategory

    category = (
        AwardCategory.objects.filter(
            round__district_id=generated.district_id,
            round_id=generated.params.get("round_id"),
            pk=generated.params.get("category_id"),
        )
        .select_related("round__district")
        .first()
    )
    if category is None:
        raise JobFailed(_("The award no longer exists."))
    if not category.awards.exists():
        raise JobFailed(_("No school has been given this award yet."))
    return BuiltFile(
        filename=f"{_('Certificates')} {category.title}.pdf",
        content=documents.certificates_pdf(category=category, progress=progress),
    )
