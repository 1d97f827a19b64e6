"""Self-assessment, evaluation and awards (docs/district-work.md, "Self-assessment, evaluation
and awards").

- ``AssessmentRound``: the district's round for a year: its rubric (``Indicator``: title,
  description, a descriptor per level, a weight), the window in which the schools assess
  themselves, its schools, its raters (``Rater``: a district or network user holding
  EVALUATE_SCHOOLS, given every school of the round or some), the bands that turn an overall
  mean into a level (ดีเยี่ยม, ดีมาก, ...), and who signs the certificates. Draft → published
  (the schools see it) → results released (the schools read their results).
- ``SelfAssessment``: one school's assessment of itself (``SelfEntry`` per indicator: level,
  evidence file or link, notes), a draft until submitted.
- ``Evaluation``: one rater's scores of one submitted assessment (``Score`` per indicator:
  level and comment), a draft until done; only done evaluations count in the means.
- ``AwardCategory`` and ``Award``: the round's award categories (สถานศึกษาต้นแบบ...) and the
  schools given each, each with its certificate (PDF).

Nothing here is about a child: the assessment is of the school's care system.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    account_field,
    district_field,
    private_file_name,
    school_field,
    timestamps,
    user_field,
)


class AssessmentRound(Revisioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        PUBLISHED = "published", _("Published to the schools")
        RELEASED = "released", _("Results released")

    district = district_field("assessment_rounds")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("academic year (B.E.)"))
    description = models.TextField(_("description"), blank=True)
    levels = models.PositiveSmallIntegerField(_("levels"), default=5)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    schools = models.ManyToManyField(
        "schools.School", related_name="assessment_rounds", verbose_name=_("schools")
    )
    # [{"min": 4.5, "title": "ดีเยี่ยม"}, ...], highest first: an overall mean at or above
    # ``min`` (rounded to two decimals) is that level.
    bands = models.JSONField(_("levels of the results"))
    signer_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signer_position = models.CharField(_("position of the signer"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    released_at = models.DateTimeField(_("results released on"), null=True, blank=True)
    created_by = user_field(_("created by"))
    created, modified = timestamps(_("created on"), _("changed on"))

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-year", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="assessment_round_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def band(self, mean) -> str:
        """The level (ดีเยี่ยม...) of an overall mean; "" without one."""
        if mean is None:
            return ""
        mean = round(float(mean), 2)
        for band in self.bands:
            if mean >= band["min"]:
                return band["title"]
        return self.bands[-1]["title"] if self.bands else ""


class Indicator(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("indicator"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # One text per level, level 1 first (the round's ``levels`` of them).
    descriptors = models.JSONField(_("level descriptors"), default=list)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="assessment_indicator_once"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="assessment_indicator_weight_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Rater(models.Model):
    """A member of the evaluation committee with an account: the schools given to them (none:
    every school of the round they can reach)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="raters")
    user = account_field("assessment_raters")
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="+", verbose_name=_("schools")
    )

    class Meta:
        verbose_name = _("rater")
        verbose_name_plural = _("raters")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="assessment_rater_once"),
        ]

    def __str__(self):
        return f"{self.round} · {self.user}"


class SelfAssessment(SchoolScoped, Revisioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    submitted_by = user_field(_("submitted by"))
    changed_by = user_field(_("changed by"))
    modified = models.DateTimeField(_("changed on"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="self_assessment_once"),
        ]

    def __str__(self):
        return f"{self.round} · {self.school}"


def evidence_path(instance, filename: str) -> str:
    return private_file_name(f"assessments/{instance.assessment_id}", filename)


class SelfEntry(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    link = models.URLField(_("link to the evidence"), max_length=500, blank=True)
    file = models.FileField(_("evidence file"), upload_to=evidence_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)

    objects = ScopedManager(school="assessment__school")

    class Meta:
        verbose_name = _("self-assessment entry")
        verbose_name_plural = _("self-assessment entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="self_entry_once_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.indicator_id}"


class Evaluation(Revisioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being scored")
        DONE = "done", _("Scored")

    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="evaluations"
    )
    rater = account_field("assessment_evaluations")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("overall comment"), blank=True)
    done_at = models.DateTimeField(_("scored on"), null=True, blank=True)
    modified = models.DateTimeField(_("changed on"), auto_now=True)

    objects = ScopedManager(school="assessment__school")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "rater"], name="evaluation_once"),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.rater}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedManager(school="evaluation__assessment__school")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="score_once_per_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.indicator_id}"


class AwardCategory(models.Model):
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="award_categories"
    )
    title = models.CharField(_("award"), max_length=300)
    # The overall mean a school needs to be offered the award (None: any school scored).
    min_mean = models.DecimalField(
        _("lowest overall mean"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Award(models.Model):
    category = models.ForeignKey(AwardCategory, on_delete=models.CASCADE, related_name="awards")
    school = school_field("assessment_awards")
    # The level of the school's results when the award was given (ดีเยี่ยม...), as printed.
    level = models.CharField(_("level"), max_length=100, blank=True)
    given_on = models.DateField(_("awarded on"))
    given_by = user_field(_("awarded by"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "school"], name="award_once_per_school"),
        ]

    def __str__(self):
        return f"{self.category} · {self.school}"
