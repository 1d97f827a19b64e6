"""Dropout and out-of-school cases in the subject-access export (the engine:
students/subject_access.py): the cases with their log and observations."""

from django.utils.translation import gettext_lazy
from django_scopes import scope

from dropouts.models import CaseLogEntry, CaseObservation, DropoutCase
from students.subject_access import Collector, register_sections


@register_sections("dropouts", order=60, linked=(DropoutCase,))
def dropout_sections(collector: Collector) -> None:
    student = collector.student
    # Cases belong to the district: read inside its scope.
    with scope(district=student.school.district_id):
        cases = list(
            DropoutCase.objects.filter(student=student)
            .select_related("district", "owner", "opened_by")
            .order_by("reported_on", "pk")
        )
        collector.add(
            "dropout_cases",
            gettext_lazy("Dropout and out-of-school cases"),
            cases,
            DropoutCase,
            skip={"late"},
        )
        collector.add(
            "dropout_case_log",
            gettext_lazy("Dropout case log"),
            CaseLogEntry.objects.filter(case__in=cases).select_related("by").order_by("pk"),
            CaseLogEntry,
        )
        collector.add(
            "dropout_case_observations",
            gettext_lazy("Dropout case observations"),
            CaseObservation.objects.filter(case__in=cases).select_related("by").order_by("pk"),
            CaseObservation,
        )
