"""What the jobs of the apps above need from a school's calendar."""

from django.utils.translation import gettext as _

from carecore.jobs import JobFailed
from carecore.models import GeneratedFile
from schools.models import Term


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
