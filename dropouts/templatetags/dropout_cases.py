"""Links to dropout cases from other apps' pages: the student's page (the student's open case,
or "report a dropout risk") and the district's page (open and late cases)."""

from django import template
from django_scopes import scope

register = template.Library()


@register.inclusion_tag("dropouts/_student_card.html", takes_context=True)
def dropout_student_card(context, student):
    """For those who follow the school's cases (one query); nothing for anyone else."""
    from carecore.access import Perm
    from dropouts.access import can_follow_dropout_cases
    from dropouts.services import dropout_case_open_for_student

    request = context["request"]
    if not hasattr(request, "schoolperms") or not can_follow_dropout_cases(request):
        return {"show": False}
    with scope(district=request.school.district_id):
        case = dropout_case_open_for_student(student)
    return {
        "show": True,
        "school": request.school,
        "student": student,
        "case": case,
        "can_report": Perm.OPEN_DROPOUT_CASE in request.schoolperms,
    }


@register.inclusion_tag("dropouts/_district_card.html", takes_context=True)
def dropout_district_card(context, district):
    """Open and late cases of the district, for its staff (one query)."""
    from carecore.access import Perm
    from dropouts.models import DropoutCase
    from dropouts.selectors import case_counts

    request = context["request"]
    if Perm.WORK_DROPOUT_CASES not in getattr(request, "districtperms", ()):
        return {"show": False}
    with scope(district=district.pk):
        counts = case_counts(DropoutCase.objects.filter(district=district))
    return {"show": True, "district": district, **counts}
