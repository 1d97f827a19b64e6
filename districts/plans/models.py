"""The district's yearly plan of the student care system (docs/district-work.md, "The
district's plan").

- ``Plan``: one per district and academic year: its policy, a draft until published; published,
  every school of the district (and its networks' supervisors) reads it.
- ``Strategy``: the plan's strategies, numbered in order (กลยุทธ์ที่ 1, 2 ...).
- ``Project``: a project under a strategy: its owner (a name typed, and/or a user of the district
  office), budget in baht, period.
- ``Indicator``: a target of the plan, in percent or a count. A district-level indicator's actual
  is typed by the district; a school-level one's is computed from the data
  (``selectors.indicator_results``): how many of the district's schools meet it.

Nothing here is about a student.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.model_fields import (
    Revisioned,
    academic_year_field,
    district_field,
    optional_link,
    timestamps,
    user_field,
)


class Plan(Revisioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    district = district_field("plans")
    academic_year = academic_year_field("district_plans")
    title = models.CharField(_("title"), max_length=300)
    policy = models.TextField(pgettext_lazy("district plan", "policy"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        pgettext_lazy("district plan", "published on"), null=True, blank=True
    )
    updated_by = user_field(_("changed by"))
    created, modified = timestamps(pgettext_lazy("district plan", "created on"), _("changed on"))

    class Meta:
        verbose_name = _("district plan")
        verbose_name_plural = _("district plans")
        ordering = ["-academic_year__year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "academic_year"], name="plan_once_a_year"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Strategy(models.Model):
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="strategies",
        verbose_name=pgettext_lazy("district plan", "plan"),
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("district plan", "number"))
    title = models.CharField(pgettext_lazy("district plan", "strategy"), max_length=500)

    class Meta:
        verbose_name = pgettext_lazy("district plan", "strategy")
        verbose_name_plural = pgettext_lazy("district plan", "strategies")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_strategy_once"),
        ]

    def __str__(self):
        return self.title


class Project(models.Model):
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=pgettext_lazy("district plan", "strategy"),
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("district plan", "number"))
    title = models.CharField(pgettext_lazy("district plan", "project"), max_length=300)
    owner_name = models.CharField(
        pgettext_lazy("district plan", "responsible"), max_length=200, blank=True
    )
    owner = optional_link("carecore.User", _("responsible staff member"))
    budget = models.DecimalField(
        pgettext_lazy("district plan", "budget (baht)"), max_digits=12, decimal_places=2, default=0
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("district plan", "project")
        verbose_name_plural = pgettext_lazy("district plan", "projects")
        ordering = ["strategy__number", "number"]

    def __str__(self):
        return self.title


class Measure(models.TextChoices):
    """What a school-level indicator counts (``selectors.indicator_results``), or none: the
    district types the actual."""

    TYPED = "typed", _("District level: the actual typed")
    RUNS_SYSTEM = "runs_system", _("Schools running the system (screening or home visits)")
    RUNS_ALL = "runs_all", _("Schools running all five steps")
    REPORTS_ON_TIME = "on_time", _("Schools meeting every deadline on time")
    GUIDANCE_EFFECTIVE = "guidance", _("Schools whose care system supervision judged effective")
    STAFF_TRAINED = "trained", _("Schools whose every staff member was trained this year")


class Indicator(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "percent", pgettext_lazy("district plan", "percent")
        COUNT = "count", pgettext_lazy("district plan", "count")

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=pgettext_lazy("district plan", "plan"),
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("district plan", "number"))
    title = models.CharField(pgettext_lazy("district plan", "indicator"), max_length=500)
    measure = models.CharField(
        pgettext_lazy("district plan", "measured by"),
        max_length=12,
        choices=Measure.choices,
        default=Measure.TYPED,
    )
    unit = models.CharField(
        pgettext_lazy("district plan", "target in"), max_length=8, choices=Unit.choices
    )
    target = models.DecimalField(
        pgettext_lazy("district plan", "target"), max_digits=10, decimal_places=2
    )
    # A district-level indicator's actual, typed by the district (in the target's unit).
    actual = models.DecimalField(
        pgettext_lazy("district plan", "actual"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = pgettext_lazy("district plan", "indicator")
        verbose_name_plural = _("indicators")
        ordering = ["number"]

    def __str__(self):
        return self.title
