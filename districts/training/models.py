"""Training of the staff (docs/district-work.md, "Training").

- ``Course``: a course, workshop or meeting staff attended: its title, provider, dates and
  hours, and an optional file (the certificates, the order that sent them). A school's course
  (``school`` set) is recorded by the school's director or coordinator for its own staff; a
  district's course (``school`` empty) by the district's staff, with attendees from any of its
  schools.
- ``Attendee``: one person on a course: a staff member with an account (``user``, counted in
  the figure "every teacher trained at least once this year") or a name typed (a teacher without
  an account: listed, not counted), and the school they came from.

The academic year a course counts in is the one its first day falls in. Nothing here is about a
student.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.model_fields import (
    district_field,
    optional_link,
    private_file_name,
    school_field,
    timestamps,
    user_field,
)


def certificate_path(instance, filename: str) -> str:
    return private_file_name("training", filename)


class Course(models.Model):
    district = district_field("training_courses")
    # The school whose course it is (None: the district office's course).
    school = school_field("training_courses", null=True, blank=True)
    title = models.CharField(pgettext_lazy("training", "course"), max_length=200)
    provider = models.CharField(
        pgettext_lazy("training", "provided by"), max_length=200, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    certificate = models.FileField(
        pgettext_lazy("training", "certificate"), upload_to=certificate_path, blank=True
    )
    recorded_by = user_field(_("recorded by"))
    created, modified = timestamps(
        pgettext_lazy("training", "recorded on"), pgettext_lazy("training", "changed on")
    )

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["district", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_course_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class Attendee(models.Model):
    course = models.ForeignKey(
        Course,
        on_delete=models.CASCADE,
        related_name="attendees",
        verbose_name=pgettext_lazy("training", "course"),
    )
    school = school_field("training_attendees", null=True, blank=True)
    user = optional_link(
        "carecore.User", pgettext_lazy("training", "staff member"), related_name="training_attended"
    )
    name = models.CharField(pgettext_lazy("training", "name"), max_length=200)

    class Meta:
        verbose_name = pgettext_lazy("training", "attendee")
        verbose_name_plural = pgettext_lazy("training", "attendees")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=models.Q(user__isnull=False),
                name="training_attendee_once",
            ),
        ]

    def __str__(self):
        return self.name
