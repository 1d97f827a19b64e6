"""Who may see and record home visits: the visit lookup, on the students' (students.access)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from carecore.access import Perm
from students.access import student_get_for_user
from visits.models import HomeVisit


def visit_get_for_user(request, visit_id) -> HomeVisit:
    """A visit of a student the user may see; 404 otherwise."""
    visit = (
        HomeVisit.objects.filter(school=request.school, pk=visit_id)
        .select_related("student", "classroom", "academic_year", "recorded_by", "updated_by")
        .first()
    )
    if visit is None:
        raise Http404
    student_get_for_user(request, visit.student_id)
    return visit


def require_record_visits(request) -> None:
    """Recording a visit needs RECORD_VISITS, checked after the student's lookup (another
    school's student is a 404 first)."""
    if Perm.RECORD_VISITS not in request.schoolperms:
        raise PermissionDenied
