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
from schools.access import can_view_classroom_students
from schools.models import Classroom
from students.access import students_for_user
from visits.models import HomeVisit


def _visit(generated) -> HomeVisit | None:
    return (
        HomeVisit.objects.filter(school_id=generated.school_id, pk=generated.params.get("visit_id"))
        .select_related("student")
        .first()
    )


def _classroom(generated) -> Classroom | None:
    return (
        Classroom.objects.filter(
            school_id=generated.school_id, pk=generated.params.get("classroom_id")
        )
        .select_related("school", "academic_year")
        .first()
    )


def _can_see_visit(request, generated) -> bool:
    student_id = (
        HomeVisit.objects.filter(school=request.school, pk=generated.params.get("visit_id"))
        .values_list("student_id", flat=True)
        .first()
    )
    return student_id is not None and students_for_user(request).filter(pk=student_id).exists()


def _can_see_classroom(request, generated) -> bool:
    classroom = Classroom.objects.filter(
        school=request.school, pk=generated.params.get("classroom_id")
    ).first()
    return classroom is not None and can_view_classroom_students(request, classroom)


def _pdf_name(*parts) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p) + ".pdf"


@job_kind("home_visit", check=_can_see_visit)
def build_home_visit(generated, progress) -> BuiltFile:
    from visits import documents

    visit = _visit(generated)
    if visit is None:
        raise JobFailed(_("The home visit no longer exists."))
    content = documents.visit_pdf(visit=visit, progress=progress)
    return BuiltFile(filename=_pdf_name(generated.title), content=content)


@job_kind("classroom_visits", check=_can_see_classroom)
def build_classroom_visits(generated, progress) -> BuiltFile:
    from visits import documents

    classroom = _classroom(generated)
    if classroom is None:
        raise JobFailed(_("The classroom no longer exists."))
    content = documents.classroom_visits_pdf(classroom=classroom, progress=progress)
    return BuiltFile(
        filename=_pdf_name(generated.title, classroom.academic_year.year), content=content
    )
