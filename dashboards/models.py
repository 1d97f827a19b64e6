from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import SAVED, act_fields


class SchoolFigures(models.Model):
    """A school's figures for a term (dashboards.figures), kept current by jobs as its records
    change (dashboards.rollups), so that network, district and national pages read one row per
    school instead of every student's records."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey("schools.Term", on_delete=models.CASCADE, related_name="+")
    # The school's total counts, and per grade ({"1": {...}, ...}).
    counts = models.JSONField(default=dict)
    grades = models.JSONField(default=dict)
    computed = models.DateTimeField()
    # Set when one of the school's records changed after ``computed``; a job clears it.
    stale = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="schoolfigures_one_per_term")
        ]
        indexes = [models.Index(fields=["term", "school"])]

    def __str__(self):
        return f"{self.school_id} {self.term_id}"


def _percent(label, default: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class DistrictTargets(models.Model):
    """The marks a district sets its schools (percent): the dashboards show each school's figure
    against them."""

    district = models.OneToOneField(
        "districts.District", on_delete=models.CASCADE, related_name="targets"
    )
    screened = _percent(_("screened (%)"), 100)
    visited = _percent(_("home visits (%)"), 100)
    cared = _percent(_("suitably helped (%)"), 80)
    profiles = _percent(_("profiles complete (%)"), 100)
    plans = _percent(_("problem group with a care plan (%)"), 100)
    updated_by, updated = act_fields(None, None, when=SAVED, blank=True)

    class Meta:
        verbose_name = _("district targets")
        verbose_name_plural = _("district targets")

    def __str__(self):
        return f"targets {self.district_id}"
