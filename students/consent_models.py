"""Guardian consent under Thailand's PDPA (docs/privacy.md).

A ``GuardianConsent`` records that a guardian agreed to one purpose for one student: photos
taken at a home visit, or the child's data sent to an outside agency with an external referral.
A consent is current until it is withdrawn; withdrawing fills in the withdrawal fields of the
same row and never deletes it, and a new consent given later is a new row, so the rows of a
student and purpose are the whole history.

Imported by students/models.py so that Django registers the model in the students app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import (
    SchoolScoped,
    both_or_none,
    optional_link,
    student_field,
)


class GuardianConsent(SchoolScoped):
    class Purpose(models.TextChoices):
        HOME_VISIT_PHOTOS = "home_visit_photos", _("Photos at home visits")
        EXTERNAL_REFERRAL = "external_referral", _("Data sent to outside agencies")

    class Method(models.TextChoices):
        PAPER = "paper", _("Signed paper form")
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        # A parent's answer to the school's request in the parents' portal (portal.services).
        PORTAL = "portal", _("In the parents' portal")

    student = student_field("consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    # The guardian recorded on the student's page, when there is one; the name as given is kept
    # beside it, so the history still reads right after the guardian is edited or removed.
    guardian = optional_link("students.Guardian", _("guardian"), "consents")
    given_by = models.CharField(_("given by"), max_length=200)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=10, choices=Method.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by, recorded_at = act_fields(_("recorded by"), _("recorded"), when=CREATED)

    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("why it was withdrawn"), blank=True)
    withdrawn_by, withdrawn_at = act_fields(
        _("withdrawal recorded by"), _("withdrawal recorded"), blank=True
    )

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["student", "purpose", "-recorded_at"])]
        constraints = [
            # At most one current consent per student and purpose.
            models.UniqueConstraint(
                fields=["student", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_current_per_purpose",
            ),
            both_or_none("withdrawn_at", "withdrawn_on", name="consent_withdrawn_both_or_none"),
        ]

    def __str__(self):
        return f"{self.student_id} {self.purpose} {self.given_on}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None
