"""Who sees and records behaviour (docs/behaviour.md), on the students' rule (students.access).

- Any teacher of the school records an incident of any student of the school
  (``Perm.RECORD_BEHAVIOUR``): the student picker lists the school's students, and another
  school's student does not exist (404).
- A student's behaviour is seen by whoever may see the student (their homeroom teachers, the
  counsellor, the coordinator, the director) and by the discipline office (``MANAGE_BEHAVIOUR``
  or ``SEE_SENSITIVE_BEHAVIOUR``: every student of the school); anyone else gets 404.
- An incident of a sensitive category is seen only by the holders of
  ``SEE_SENSITIVE_BEHAVIOUR`` and by whoever recorded it; to everyone else it does not exist
  (404), and lists leave it out (a student's page says only how many points such entries took).
- An incident is cancelled by whoever recorded it or by ``MANAGE_BEHAVIOUR``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from behaviour.models import Incident
from carecore.access import Perm, visible_classroom_ids
from carecore.queries import first_or_404
from schools.models import Classroom
from students.access import students_for_user
from students.models import Student


def sees_sensitive(request) -> bool:
    return Perm.SEE_SENSITIVE_BEHAVIOUR in request.schoolperms


def sees_whole_school(request) -> bool:
    """The discipline office and whoever sees every student: every student's behaviour."""
    perms = request.schoolperms
    return bool(
        {Perm.MANAGE_BEHAVIOUR, Perm.SEE_SENSITIVE_BEHAVIOUR, Perm.VIEW_ALL_STUDENTS} & perms
    )


def behaviour_classroom_ids(request) -> list[int] | None:
    """The classrooms whose students' behaviour the user sees: None for all."""
    if sees_whole_school(request):
        return None
    return visible_classroom_ids(request)


def visible_incidents(request) -> QuerySet[Incident]:
    """The school's incidents whose category the user may see (not which students: callers
    filter by the student or classroom they looked up)."""
    qs = Incident.objects.filter(school=request.school)
    if sees_sensitive(request):
        return qs
    return qs.filter(Q(category__sensitive=False) | Q(recorded_by=request.user))


def behaviour_student_get_for_user(request, pk) -> Student:
    """A student whose behaviour the user may see; 404 otherwise."""
    qs = (
        Student.objects.filter(school=request.school)
        if sees_whole_school(request)
        else students_for_user(request)
    )
    return first_or_404(qs.filter(pk=pk))


def recordable_student_get(request, pk) -> Student | None:
    """A student of the request's school, for recording an incident (None if not one)."""
    return Student.objects.filter(school=request.school, pk=pk).first()


def behaviour_classroom_get_for_user(request, pk) -> Classroom:
    """A classroom of the school whose students' behaviour the user sees; 404 otherwise (a
    classroom one may not open does not exist here: its names would be on the page)."""
    classroom = (
        Classroom.objects.filter(school=request.school, pk=pk)
        .select_related("academic_year")
        .first()
    )
    visible = behaviour_classroom_ids(request)
    if classroom is None or (visible is not None and classroom.pk not in visible):
        raise Http404
    return classroom


def incident_get_for_user(request, pk) -> Incident:
    """An incident the user may see: its category visible to them, and its student one they
    see, or one they recorded themselves; 404 otherwise."""
    incident = first_or_404(
        visible_incidents(request)
        .filter(pk=pk)
        .select_related("student", "category", "recorded_by", "cancelled_by", "classroom")
    )
    if incident.recorded_by_id != request.user.pk:
        behaviour_student_get_for_user(request, incident.student_id)
    return incident


def can_cancel(request, incident: Incident) -> bool:
    if incident.cancelled_at is not None:
        return False
    return (
        Perm.MANAGE_BEHAVIOUR in request.schoolperms or incident.recorded_by_id == request.user.pk
    )
