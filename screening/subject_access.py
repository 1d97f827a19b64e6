"""Screening in the subject-access export (the engine: students/subject_access.py): answers,
scores and results with the versions that scored them, care groups and their changes."""

from django.utils.translation import gettext_lazy

from screening.models import AspectResult, CareGroup, CareGroupChange, EqResponse, SdqResponse
from students.subject_access import Collector, register_sections


@register_sections("screening", order=30, linked=(CareGroup,))
def screening_sections(collector: Collector) -> None:
    student = collector.student
    collector.add(
        "sdq_responses",
        gettext_lazy("SDQ forms"),
        SdqResponse.objects.filter(student=student)
        .select_related("term__academic_year", "entered_by")
        .order_by("term__academic_year__year", "term__number", "rater"),
        SdqResponse,
    )
    collector.add(
        "eq_responses",
        gettext_lazy("EQ forms"),
        EqResponse.objects.filter(student=student)
        .select_related("term__academic_year", "entered_by")
        .order_by("term__academic_year__year", "term__number"),
        EqResponse,
    )
    collector.add(
        "aspect_results",
        gettext_lazy("Aspect screening"),
        AspectResult.objects.filter(student=student)
        .select_related("term__academic_year", "confirmed_by")
        .order_by("term__academic_year__year", "term__number", "aspect"),
        AspectResult,
    )
    groups = list(
        CareGroup.objects.filter(student=student)
        .select_related("term__academic_year", "overridden_by")
        .order_by("term__academic_year__year", "term__number")
    )
    collector.add("care_groups", gettext_lazy("Care groups"), groups, CareGroup)
    collector.add(
        "care_group_changes",
        gettext_lazy("Care group changes"),
        CareGroupChange.objects.filter(group__in=groups).select_related("changed_by"),
        CareGroupChange,
    )
