"""Printable home-visit records, made by jobs (see carecore.jobs; carecore.apps discovers this
module at start-up).

- ``home_visit``: one visit; params ``{"visit_id": id}``; the person must still see the visit's
  student;
- ``classroom_visits``: the visits of a whole classroom; params ``{"classroom_id": id}``; the
  person must still see the classroom's students.

The views that start these jobs audit an EXPORT per student on the paper, as
students/print_views.py does (a classroom: every student enrolled in it).
"""

from django.utils.translation import gettext as _

from carecore.jobs import BuiltFile, JobFailed, job_kind
from schools.jobs import can_still_see_classroom, job_classroom
from students.access import students_for_user
from students.jobs import pdf_name
from visits.models import HomeVisit


def _visit(generated) -> HomeVisit | None:
    return (
        HomeVisit.objects.filter(school_id=generated.school_id, pk=generated.params.get("visit_id"))
        .select_related("student")
        .first()
    )


def _can_see_visit(request, generated) -> bool:
    student_id = (
        HomeVisit.objects.filter(school=request.school, pk=generated.params.get("visit_id"))
        .values_list("student_id", flat=True)
        .first()
    )
    return student_id is not None and students_for_user(request).filter(pk=student_id).exists()


@job_kind("home_visit", check=_can_see_visit)
def build_home_visit(generated, progress) -> BuiltFile:
    from visits import documents

    visit = _visit(generated)
    if visit is None:
        raise JobFailed(_("The home visit no longer exists."))
    content = documents.visit_pdf(visit=visit, progress=progress)
    return BuiltFile(filename=pdf_name(generated.title), content=content)


@job_kind("classroom_visits", check=can_still_see_classroom)
def build_classroom_visits(generated, progress) -> BuiltFile:
    from visits import documents

    classroom = job_classroom(generated, "school", "academic_year")
    content = documents.classroom_visits_pdf(classroom=classroom, progress=progress)
    return BuiltFile(
        filename=pdf_name(generated.title, classroom.academic_year.year), content=content
    )
