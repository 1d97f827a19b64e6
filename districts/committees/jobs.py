"""The appointment order of a committee and the minutes of its meetings as PDF (carecore.jobs),
for those who manage the committee. Imported at start-up by carecore.apps (autodiscover
"jobs")."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from carecore.access import Perm
from carecore.jobs import BuiltFile, JobFailed, job_kind


def _committee(generated):
    """The file's committee, of the place the file is filed under: a school's (or a network's,
    filed under one of its schools), or the district office's."""
    from districts.committees.models import Committee

    committees = Committee.objects.select_related("district", "network", "school")
    if generated.school_id:
        school = generated.school
        mine = Q(school=school)
        if school.network_id:
            mine |= Q(network_id=school.network_id, school=None)
        committees = committees.filter(mine, district_id=school.district_id)
    else:
        committees = committees.filter(district_id=generated.district_id, network=None, school=None)
    return committees.filter(pk=generated.params.get("committee_id")).first()


def _still_manages(request, generated) -> bool:
    perms = getattr(request, "schoolperms", None) or getattr(request, "districtperms", ())
    return Perm.MANAGE_COMMITTEES in perms and _committee(generated) is not None


@job_kind("committee_order", check=_still_manages)
def build_committee_order(generated, progress) -> BuiltFile:
    from districts.committees import documents

    committee = _committee(generated)
    if committee is None:
        raise JobFailed(_("The committee no longer exists."))
    return BuiltFile(
        filename=f"{pgettext('committee', 'Appointment order')} {committee.title}.pdf",
        content=documents.order_pdf(committee=committee, progress=progress),
    )


@job_kind("committee_minutes", check=_still_manages)
def build_committee_minutes(generated, progress) -> BuiltFile:
    from districts.committees import documents

    committee = _committee(generated)
    meeting = None
    if committee is not None:
        meeting = committee.meetings.filter(pk=generated.params.get("meeting_id")).first()
    if meeting is None:
        raise JobFailed(_("The meeting no longer exists."))
    title = _("Minutes of meeting %(n)s") % {"n": meeting.number}
    return BuiltFile(
        filename=f"{title} {committee.title}.pdf",
        content=documents.minutes_pdf(meeting=meeting, progress=progress),
    )
