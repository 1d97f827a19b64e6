"""Supervision (นิเทศ ติดตาม; docs/district-work.md, "Supervision").

- ``SupervisionForm``: the district's form (the five steps, each with its number of levels, 4
  or 5, and a checklist); a district without one uses ``defaults.DEFAULT_STEPS``.
- ``Round``: a round of supervision planned by the district or one network's team: its dates,
  its schools, its supervisors (names: the team includes people without an account), and a copy
  of the form as it was when the round was planned, so that every visit of the round is rated
  on the same form whatever the district changes later.
- ``Visit``: the round's visit to one school, recorded by the supervisors (a ``VisitStep`` per
  step: level, checklist ticks, findings, recommendations), then sent to the school, whose
  director or coordinator answers each recommendation with the school's actions.

No student is named anywhere here: the findings are about the school's system.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from carecore.model_acts import CREATED, SAVED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    district_field,
    network_field,
    school_field,
    user_field,
)


class SupervisionForm(Revisioned):
    district = district_field("supervision_form", one_to_one=True)
    # [{"title": str, "levels": 4 | 5, "items": [str, ...]}, ...] one per step, in order.
    steps = models.JSONField(_("steps"))
    updated_by, modified = act_fields(_("changed by"), _("changed on"), when=SAVED)

    class Meta:
        verbose_name = _("supervision form")
        verbose_name_plural = _("supervision forms")

    def __str__(self):
        return str(self.district)


class Round(models.Model):
    district = district_field("supervision_rounds")
    # The network whose team supervises (None: the district's team).
    network = network_field("supervision_rounds", null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    supervisors = models.TextField(_("supervisors"))
    schools = models.ManyToManyField(
        "schools.School", related_name="supervision_rounds", verbose_name=_("schools")
    )
    # The district's form when the round was planned (SupervisionForm.steps).
    form = models.JSONField(_("form"))
    created_by, created = act_fields(_("planned by"), _("planned on"), when=CREATED)

    class Meta:
        verbose_name = _("supervision round")
        verbose_name_plural = _("supervision rounds")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="supervision_round_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class Visit(Revisioned, SchoolScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being recorded")
        SENT = "sent", _("Sent to the school")
        ANSWERED = "answered", _("Answered by the school")

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="visits", verbose_name=_("round")
    )
    school = school_field("supervision_visits")
    visited_on = models.DateField(_("visited on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    overall = models.TextField(_("overall findings"), blank=True)
    recorded_by = user_field(_("recorded by"))
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    answered_by, answered_at = act_fields(_("answered by"), _("answered on"))
    modified = models.DateTimeField(_("changed on"), auto_now=True)

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="supervision_visit_once"),
        ]

    def __str__(self):
        return f"{self.round} · {self.school}"


class VisitStep(models.Model):
    """One step of a visit, on the round's form: ``number`` 1-5 is the step's place on it."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="steps", verbose_name=_("visit")
    )
    number = models.PositiveSmallIntegerField(_("step"))
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    # One boolean per checklist item of the round's form, in its order.
    ticks = models.JSONField(_("checklist"), default=list)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The school's answer: what it does about the recommendations.
    actions = models.TextField(_("the school's actions"), blank=True)

    objects = ScopedManager(school="visit__school")

    class Meta:
        verbose_name = _("step of a supervision visit")
        verbose_name_plural = _("steps of supervision visits")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="supervision_step_once"),
        ]

    def __str__(self):
        return f"{self.visit} · {self.number}"
