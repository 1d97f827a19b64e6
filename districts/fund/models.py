"""The district fund (docs/district-work.md, "The district fund").

- ``Fund``: the district's fund of one academic year: its budget, the amount each selected
  student receives, the selection criteria (published to the schools with the fund) and the
  window in which schools nominate.
- ``Nomination``: a school's nomination of one of its students, with the reason and a copy of
  the support records it rests on (``evidence``, taken when nominating: the district's committee
  reads the evidence without reading the student's records); selected or declined, with the
  committee's reason.
- ``Payment``: money paid to a selected student (date, amount, reference).

A nomination is a child's record: the district's staff see the nominated students, and only
those (districts/fund/access.py); every view and change of one is in the audit log.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    academic_year_field,
    district_field,
    school_field,
    student_field,
    timestamps,
    user_field,
)

BAHT = {"max_digits": 12, "decimal_places": 2}


class Fund(Revisioned):
    district = district_field("funds")
    academic_year = academic_year_field()
    title = models.CharField(_("title"), max_length=200)
    budget = models.DecimalField(pgettext_lazy("fund", "budget (baht)"), **BAHT)
    amount_per_student = models.DecimalField(_("amount per student (baht)"), **BAHT)
    # One criterion a line, as published to the schools.
    criteria = models.TextField(pgettext_lazy("fund", "selection criteria"))
    opens_on = models.DateField(_("nominations open on"))
    closes_on = models.DateField(_("nominations close on"))
    # Published: the schools read it and nominate inside the window.
    published_at = models.DateTimeField(
        pgettext_lazy("fund", "published on"), null=True, blank=True
    )
    created_by = user_field(pgettext_lazy("fund", "set up by"))
    created, modified = timestamps(modified=_("changed on"))

    class Meta:
        verbose_name = _("district fund")
        verbose_name_plural = _("district funds")
        ordering = ["-academic_year__year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "academic_year"], name="fund_one_per_district_year"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="fund_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0, amount_per_student__gt=0),
                name="fund_amounts_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]


class Nomination(Revisioned, SchoolScoped):
    class Status(models.TextChoices):
        NOMINATED = "nominated", pgettext_lazy("fund", "Waiting for the committee")
        SELECTED = "selected", pgettext_lazy("fund", "Selected")
        DECLINED = "declined", pgettext_lazy("fund", "Not selected")

    fund = models.ForeignKey(
        Fund,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=pgettext_lazy("fund", "fund"),
    )
    school = school_field("fund_nominations")
    student = student_field("fund_nominations")
    reason = models.TextField(_("why the student needs the fund"))
    # The support records the nomination rests on, copied when nominating:
    # [{"kind": "group"|"plan"|"visit"|"warning"|"support", "text": str}, ...]
    evidence = models.JSONField(pgettext_lazy("fund", "evidence"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NOMINATED
    )
    decision_reason = models.TextField(_("the committee's reason"), blank=True)
    decided_by = user_field(pgettext_lazy("fund", "decided by"), blank=True)
    decided_at = models.DateTimeField(pgettext_lazy("fund", "decided on"), null=True, blank=True)
    nominated_by = user_field(pgettext_lazy("fund", "nominated by"))
    created, modified = timestamps(pgettext_lazy("fund", "nominated on"), _("changed on"))

    class Meta:
        verbose_name = pgettext_lazy("fund", "nomination")
        verbose_name_plural = pgettext_lazy("fund", "nominations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "student"], name="fund_nomination_once"),
        ]
        indexes = [models.Index(fields=["fund", "school", "status"])]

    def __str__(self):
        return f"{self.fund} · {self.student}"


class Payment(SchoolScoped):
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=pgettext_lazy("fund", "nomination"),
    )
    school = school_field("fund_payments")
    paid_on = models.DateField(pgettext_lazy("fund", "paid on"))
    amount = models.DecimalField(_("amount (baht)"), **BAHT)
    reference = models.CharField(pgettext_lazy("fund", "reference"), max_length=100, blank=True)
    recorded_by = user_field(_("recorded by"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("fund", "payment")
        verbose_name_plural = pgettext_lazy("fund", "payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="fund_payment_positive"),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.amount}"
