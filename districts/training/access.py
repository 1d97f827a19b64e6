"""Lookups of training for a request: a course of the request's district (inside
``district_view``); at a school (inside ``school_view``), the school's own course or a district
course one of its staff attended. Any other answers 404."""

from __future__ import annotations

from django.db.models import Q

from carecore.queries import first_or_404
from districts.training.models import Course


def course_get_for_district(request, pk: int) -> Course:
    return first_or_404(Course.objects.filter(district=request.district, pk=pk))


def course_get_for_school(request, pk: int) -> Course:
    school = request.school
    return first_or_404(
        Course.objects.filter(district_id=school.district_id, pk=pk)
        .filter(Q(school=school) | Q(school__isnull=True, attendees__school=school))
        .distinct()
    )
