"""Screening in the subject-access export (the engine: students/subject_access.py): answers,
scores and results with the versions that scored them, care groups and their changes."""

from django.utils.translation import gettext_lazy as _

from screening.models import AspectResult, CareGroup, CareGroupChange, EqResponse, SdqResponse
from students.subject_access import Collector, register_sections


def _by_term(model, student, recorder: str, *order: str):
    """The student's rows of ``model``, term by term (then by ``order``), with who recorded
    them."""
    return (
        model.objects.filter(student=student)
        .select_related("term__academic_year", recorder)
        .order_by("term__academic_year__year", "term__number", *order)
    )


@register_sections("screening", order=30, linked=(CareGroup,))
def screening_sections(collector: Collector) -> None:
    student = collector.student
    for key, title, model, recorder, *order in (
        ("sdq_responses", _("SDQ forms"), SdqResponse, "entered_by", "rater"),
        ("eq_responses", _("EQ forms"), EqResponse, "entered_by"),
        ("aspect_results", _("Aspect screening"), AspectResult, "confirmed_by", "aspect"),
    ):
        collector.add(key, title, _by_term(model, student, recorder, *order), model)
    groups = list(_by_term(CareGroup, student, "overridden_by"))
    collector.add("care_groups", _("Care groups"), groups, CareGroup)
    collector.add(
        "care_group_changes",
        _("Care group changes"),
        CareGroupChange.objects.filter(group__in=groups).select_related("changed_by"),
        CareGroupChange,
    )
