"""The supervision report of a round as PDF (carecore.jobs), for the district's staff.
Imported at start-up by carecore.apps (autodiscover "jobs")."""

from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.jobs import BuiltFile, JobFailed, job_kind


def _still_district_staff(request, generated) -> bool:
    return Perm.VIEW_DISTRICT in getattr(request, "districtperms", ())


@job_kind("supervision_report", check=_still_district_staff)
def build_supervision_report(generated, progress) -> BuiltFile:
    from districts.supervision import documents
    from districts.supervision.models import Round

    round_ = Round.objects.filter(
        district_id=generated.district_id, pk=generated.params.get("round_id")
    ).first()
    if round_ is None:
        raise JobFailed(_("The round of supervision no longer exists."))
    return BuiltFile(
        filename=f"{_('Supervision report')} {round_.title}.pdf",
        content=documents.report_pdf(round_=round_, progress=progress),
    )
