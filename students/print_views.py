"""Start printing: each view checks access, queues a job and answers at once (see carecore.jobs)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, classroom_get_for_user, school_view, student_get_for_user
from carecore.audit import audit_record, audit_record_many
from carecore.file_views import generated_file_response
from carecore.jobs import generated_file_start
from carecore.models import AuditEvent
from students.models import Student

CLASSROOM_DOCUMENTS = {
    "list": "classroom_list",
    "sheets": "classroom_sheets",
}


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
    generated = generated_file_start(
        kind=kind,
        title=title,
        user=request.user,
        permission=Perm.VIEW_SCHOOL,
        school=request.school,
        params={"classroom_id": classroom.pk},
    )
    # Who printed whose record: one entry per student on the paper.
    audit_record_many(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        school=request.school,
        students=Student.objects.filter(school=request.school, enrolments__classroom=classroom),
        obj=classroom,
        summary=title,
        request=request,
    )
    return generated_file_response(request, generated)


@school_view(Perm.VIEW_SCHOOL)
@require_POST
def student_print(request, student_id):
    student = student_get_for_user(request, student_id)
    title = _("Student information sheet %(name)s") % {"name": student.full_name}
    generated = generated_file_start(
        kind="student_sheet",
        title=title,
        user=request.user,
        permission=Perm.VIEW_SCHOOL,
        school=request.school,
        params={"student_id": student.pk},
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        school=request.school,
        student=student,
        summary=title,
        request=request,
    )
    return generated_file_response(request, generated)
