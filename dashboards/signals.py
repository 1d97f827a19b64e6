"""A change to any record the figures count marks its school's rollups stale and queues their
refresh (dashboards.rollups.school_changed). Bulk writes fire no signals: the imports send
``carecore.imports.signals.import_applied`` (connected in apps.py), and the nightly refresh
catches anything else."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from dashboards.rollups import school_changed

# app_label.Model: the records the figures count.
WATCHED = (
    "students.Student",
    "students.Enrolment",
    "students.AbilityRecord",
    "students.HealthRecord",
    "students.FamilyRecord",
    "students.ProtectionRecord",
    "students.TermResult",
    "screening.SdqResponse",
    "screening.EqResponse",
    "screening.AspectResult",
    "screening.CareGroup",
    "visits.HomeVisit",
    "care.Activity",
    "care.CarePlan",
    "care.CarePlanAction",
    "care.CarePlanFollowUp",
    "care.Support",
    "referrals.Referral",
    "dropouts.DropoutCase",
    # Attendance (a roll saved: its marks are written in bulk) and behaviour
    # (dashboards/conduct_figures.py).
    "attendance.Roll",
    "attendance.AttendanceFlag",
    "attendance.SchoolHoliday",
    "behaviour.Incident",
    "behaviour.Correction",
)


def _school_id(instance) -> int | None:
    if getattr(instance, "school_id", None):
        return instance.school_id
    if instance._meta.label == "students.Enrolment":
        return instance.classroom.school_id
    student_id = getattr(instance, "student_id", None)
    if student_id:
        from django_scopes import scopes_disabled

        from students.models import Student

        with scopes_disabled():
            return Student.objects.filter(pk=student_id).values_list("school_id", flat=True).first()
    return None


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loading fixtures
    school_changed(_school_id(instance))


for label in WATCHED:
    model = apps.get_model(label)
    post_save.connect(_changed, sender=model, dispatch_uid=f"dashboards-save-{label}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"dashboards-delete-{label}")


def import_applied(sender, school_id=None, **kwargs):
    """An import's rows are written (inside its transaction)."""
    school_changed(school_id)
