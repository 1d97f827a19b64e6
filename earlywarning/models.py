"""Early warning (docs/early-warning.md).

- ``WarningSettings``: a district's weights and thresholds (``model.Params`` as JSON, validated
  within the bounds of ``model.PARAMS``); a district without a row has the defaults. Every save
  bumps ``revision``, stored on each result computed with it.
- ``WarningResult``: a student's latest level, score and reasons (one row per student, upserted
  each night and after imports), with the model version and the settings revision.
- ``WarningSnapshot``: the level and score of a student in one week (its Monday), upserted: the
  trend the student's page draws.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import SAVED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    district_field,
    student_field,
)
from earlywarning.model import LEVEL_LABELS, LEVELS, VERSION

LEVEL_CHOICES = [(level, LEVEL_LABELS[level]) for level in LEVELS]


class WarningSettings(Revisioned):
    district = district_field("warning_settings", one_to_one=True)
    params = models.JSONField(_("weights and thresholds"), default=dict, blank=True)
    updated_by, updated_at = act_fields(_("changed by"), _("changed"), when=SAVED, blank=True)

    class Meta:
        verbose_name = _("early-warning settings")
        verbose_name_plural = _("early-warning settings")

    def __str__(self):
        return f"{self.district_id} r{self.revision}"


class LevelAndScore(SchoolScoped):
    """A student's early-warning level and score: the latest, or one week's."""

    level = models.CharField(_("level"), max_length=5, choices=LEVEL_CHOICES)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        abstract = True


class WarningResult(LevelAndScore):
    student = student_field("warning", one_to_one=True)
    # [{"code", "weight", "group", ...the numbers of its sentence}], heaviest first.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    version = models.CharField(_("model version"), max_length=10, default=VERSION)
    settings_revision = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("early-warning result")
        verbose_name_plural = _("early-warning results")
        indexes = [models.Index(fields=["school", "level"])]

    def __str__(self):
        return f"{self.student_id}: {self.level} ({self.score})"


class WarningSnapshot(LevelAndScore):
    student = student_field("warning_snapshots")
    week = models.DateField(_("week (its Monday)"))

    class Meta:
        verbose_name = _("weekly early-warning level")
        verbose_name_plural = _("weekly early-warning levels")
        ordering = ["student", "week"]
        constraints = [
            models.UniqueConstraint(fields=["student", "week"], name="warning_snapshot_one_a_week"),
        ]
        indexes = [models.Index(fields=["school", "week"])]

    def __str__(self):
        return f"{self.student_id} {self.week}: {self.level}"
