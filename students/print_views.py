"""Start printing: each view checks access, queues a job and answers at once (see carecore.jobs)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.file_views import school_document_start, student_document_start
from schools.access import classroom_get_for_user
from students.access import student_get_for_user
from students.models import Student
from students.routes import pages

CLASSROOM_DOCUMENTS = {
    "list": "classroom_list",
    "sheets": "classroom_sheets",
}


@pages("classrooms/<int:classroom_id>/print/<str:document>/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def classroom_print(request, classroom_id, document):
    kind = CLASSROOM_DOCUMENTS.get(document)
    if kind is None:
        raise Http404
    classroom = classroom_get_for_user(request, classroom_id)
    if kind == "classroom_list":
        title = _("Class list %(classroom)s") % {"classroom": classroom}
    else:
        title = _("Student information sheets %(classroom)s") % {"classroom": classroom}
    # Who printed whose record: one entry per student on the paper.
    return school_document_start(
        request,
        kind=kind,
        title=title,
        params={"classroom_id": classroom.pk},
        students=Student.objects.filter(school=request.school, enrolments__classroom=classroom),
        obj=classroom,
    )


@pages("<int:student_id>/print/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def student_print(request, student_id):
    student = student_get_for_user(request, student_id)
    return student_document_start(
        request, student, "student_sheet", _("Student information sheet %(name)s")
    )
