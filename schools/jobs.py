"""What the jobs of the apps above need from a school's calendar."""

from django.utils.translation import gettext as _

from carecore.jobs import JobFailed, job_row
from carecore.models import GeneratedFile
from schools.access import can_view_classroom_students
from schools.models import Classroom, Term


def job_term(generated: GeneratedFile):
    """The term a job was started for (``params["term_id"]``), or JobFailed if it is gone."""
    term = (
        Term.objects.select_related("academic_year")
        .filter(pk=generated.params.get("term_id"))
        .first()
    )
    if term is None:
        raise JobFailed(_("The term no longer exists."))
    return term


def job_classroom(generated: GeneratedFile, *related: str) -> Classroom:
    """The classroom a job was started for (``params["classroom_id"]``) with ``related`` joined,
    or JobFailed if it is gone."""
    return job_row(
        generated, Classroom, "classroom_id", _("The classroom no longer exists."), *related
    )


def can_still_see_classroom(request, generated: GeneratedFile) -> bool:
    """A job's check: the person still sees the students of the job's classroom."""
    classroom = Classroom.objects.filter(
        school=request.school, pk=generated.params.get("classroom_id")
    ).first()
    return classroom is not None and can_view_classroom_students(request, classroom)
