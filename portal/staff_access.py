"""What the school's staff reach of the portal's content (docs/portal.md): the families of the
students they look after, and, for the counsellors alone, the students' requests for help.

- Messages (``Perm.MESSAGE_FAMILIES``): a homeroom teacher the families of their own classrooms'
  students this year; the coordinator, the director and the counsellor the school's.
- Consent requests: who records a consent asks for one (``students.access.can_record_consent``).
- Requests for help: ``Perm.ANSWER_HELP_REQUESTS`` (the counsellor), checked by the view's
  decorator; nobody else finds one, not even counted.
Another school's row, or a student out of reach, is 404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from carecore.access import Perm, own_classroom_ids
from carecore.queries import first_or_404
from portal.models import HelpRequest, MessageThread
from students.models import Enrolment, Student


def family_students(request) -> QuerySet[Student]:
    """The students whose families the user writes to."""
    students = Student.objects.filter(school=request.school)
    if Perm.VIEW_ALL_STUDENTS in request.schoolperms:
        return students
    own = own_classroom_ids(request)
    return students.filter(
        pk__in=Enrolment.objects.filter(classroom_id__in=own).values("student_id")
    )


def family_student_get(request, student_id) -> Student:
    return first_or_404(family_students(request).filter(pk=student_id))


def threads_for_staff(request) -> QuerySet[MessageThread]:
    return MessageThread.objects.filter(school=request.school, student__in=family_students(request))


def thread_get_for_staff(request, thread_id) -> MessageThread:
    return first_or_404(
        threads_for_staff(request)
        .filter(pk=thread_id)
        .select_related("student", "parent", "school")
    )


def help_request_get(request, help_id) -> HelpRequest:
    """A request for help of the school (the view's decorator asked ANSWER_HELP_REQUESTS)."""
    return first_or_404(
        HelpRequest.objects.filter(school=request.school, pk=help_id).select_related(
            "student", "answered_by", "school"
        )
    )
