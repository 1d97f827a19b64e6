"""Step 5 of the care process: referral inside and outside the school.

- ``Agency``: the district's directory of partner agencies (hospitals, รพ.สต., police, the
  provincial social development office, children's homes, foundations) that schools refer to.
- ``Referral``: one student referred inside the school (to a role or a named staff member) or
  to an agency of the directory (แบบบันทึกการส่งต่อ), with its status, the result written back and,
  for an external referral, the agency's result (แบบรายงานแจ้งผลการช่วยเหลือ).
- ``ReferralUpdate``: the dated log of a referral (sent, accepted, progress notes, results,
  follow-ups, closing).

The workflow, who sees what and when a referral is overdue: docs/referrals.md.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    closed_has_outcome,
    district_field,
    optional_link,
    student_field,
    timestamps,
    user_field,
)
from carecore.models import Role


class AgencyKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_PROMOTING_HOSPITAL = (
        "health_promoting_hospital",
        _("Sub-district health-promoting hospital (รพ.สต.)"),
    )
    PSYCHIATRY = "psychiatry", _("Psychiatrist or psychologist")
    POLICE = "police", _("Police")
    SOCIAL_DEVELOPMENT = (
        "social_development",
        _("Provincial social development and human security office"),
    )
    CHILDRENS_HOME = "childrens_home", _("Children's home")
    FOUNDATION = "foundation", _("Foundation or NGO")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A partner agency in a district's directory. Not owned by a school: every school of the
    district refers to the same directory, which the district keeps."""

    district = district_field("agencies")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    contact_people = models.TextField(
        _("contact people"), blank=True, help_text=_("One per line: name, position, phone.")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    mou_signed = models.BooleanField(_("MOU signed"), default=False)
    mou_date = models.DateField(_("MOU signed on"), null=True, blank=True)
    services = models.TextField(_("services offered"), blank=True)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Agencies no longer in use stay on old referrals but cannot be chosen."),
    )
    created, updated = timestamps()

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["district", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="agency_unique_name"),
        ]

    def __str__(self):
        return self.name


# --- referrals (helper referrals) ----------------------------------------------------------------
# The school roles an internal referral may go to (or else to a named staff member).
INTERNAL_ROLES = (Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE, Role.DIRECTOR)

# Default days to answer (accept) a referral, from the day it was sent.
ANSWER_DAYS = {"internal": 3, "external": 7}


class Referral(Revisioned, SchoolScoped):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal referral")
        EXTERNAL = "external", _("External referral")

    class ToRole(models.TextChoices):
        COUNSELLOR = Role.COUNSELLOR.value, Role.COUNSELLOR.label
        DISCIPLINE = Role.DISCIPLINE.value, Role.DISCIPLINE.label
        NURSE = Role.NURSE.value, Role.NURSE.label
        DIRECTOR = Role.DIRECTOR.value, Role.DIRECTOR.label

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Consent(models.TextChoices):
        GIVEN = "given", _("Guardian consented")
        NOT_ASKED = "not_asked", _("Could not be asked")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        IMPROVED = "improved", _("Improved")
        PARTLY = "partly", _("Partly improved")
        NOT_IMPROVED = "not_improved", _("Not improved")
        REFERRED_ON = "referred_on", _("Referred on elsewhere")
        OTHER = "other", _("Other")

    OPEN_STATUSES = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)

    # --- who, whom, when ------------------------------------------------------------------------
    # The school the referral belongs to (the student's school) and the student. ``sender`` is
    # the staff member who referred; ``sent_on`` the date on the letter.
    student = student_field("referrals")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sender = user_field(_("referred by"))
    created, modified = timestamps()
    sent_on = models.DateField(_("referred on"), default=timezone.localdate)

    # --- recipient ------------------------------------------------------------------------------
    # Internal: either a role at the school (every holder of it receives the referral) or one
    # named staff member of the school (``to_role`` is then ""). External: an agency of the
    # school's district directory (``to_role`` "" and ``to_user`` empty).
    to_role = models.CharField(
        _("to"), max_length=20, choices=ToRole.choices, blank=True, default=""
    )
    to_user = user_field(_("to staff member"), blank=True)
    agency = optional_link("referrals.Agency", _("agency"), "referrals", on_delete=models.PROTECT)

    # --- what the sender writes -----------------------------------------------------------------
    # ``reason``: the problem observed; ``help_given``: what was done already; ``request``: what
    # is asked of the recipient. ``sensitive_notes`` are shown only to the sender, the
    # recipients, the director and the counsellor (carecore.access.can_see_referral_notes),
    # every view audited, and never printed.
    reason = models.TextField(_("reason for referral (problem observed)"))
    help_given = models.TextField(_("help already given"), blank=True)
    request = models.TextField(_("what is asked"))
    sensitive_notes = models.TextField(_("confidential notes"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )

    # --- deadlines ------------------------------------------------------------------------------
    # ``answer_due``: the recipient must accept by then (default sent_on + 3 days internal, + 7
    # external). ``result_due``: once accepted, the result is expected by then (optional).
    # Overdue: status sent and answer_due < today, or accepted/in progress and result_due < today.
    answer_due = models.DateField(_("answer due"))
    result_due = models.DateField(_("result due"), null=True, blank=True)
    # When the recipients were told the answer is late (the periodic task tells them once).
    overdue_notified = models.DateTimeField(null=True, blank=True)

    # --- guardian consent (external only) -------------------------------------------------------
    # ``consent_by``: the guardian's name and relation; ``consent_not_asked_reason``: required
    # when the guardian could not be asked (an emergency).
    consent = models.CharField(
        _("guardian consent"), max_length=10, choices=Consent.choices, blank=True
    )
    consent_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_not_asked_reason = models.TextField(_("why consent could not be asked"), blank=True)

    # --- status and the result written back -----------------------------------------------------
    # sent -> accepted -> in_progress -> closed. Internal: the recipient writes ``result`` and
    # closes with an ``outcome``. External: the sender, counsellor or coordinator closes with an
    # ``outcome`` once the agency's result is in.
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    accepted_by, accepted_at = act_fields(_("accepted by"), _("accepted at"), blank=True)
    result = models.TextField(_("result"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    closed_by, closed_at = act_fields(_("closed by"), _("closed at"), blank=True)

    # --- link to steps 3-4 ----------------------------------------------------------------------
    # The student's open care plan when the referral was made (if any).
    care_plan = optional_link("care.CarePlan", _("care plan"), "referrals")

    # --- the agency's result (external, แบบรายงานแจ้งผลการช่วยเหลือ) ------------------------------
    result_received_on = models.DateField(_("result received on"), null=True, blank=True)
    agency_person = models.CharField(_("reported by (at the agency)"), max_length=200, blank=True)
    agency_result = models.TextField(_("help given by the agency"), blank=True)
    agency_recommendations = models.TextField(_("the agency's recommendations"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "answer_due"]),
            models.Index(fields=["school", "to_role", "status"]),
            models.Index(fields=["to_user", "status"]),
            models.Index(fields=["sender", "status"]),
            models.Index(fields=["student", "sent_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="referral_recipient_matches_kind",
                condition=(
                    models.Q(kind="internal", agency__isnull=True, to_user__isnull=True)
                    & ~models.Q(to_role="")
                )
                | models.Q(kind="internal", agency__isnull=True, to_user__isnull=False, to_role="")
                | models.Q(kind="external", agency__isnull=False, to_user__isnull=True, to_role=""),
            ),
            models.CheckConstraint(
                name="referral_external_has_consent",
                condition=models.Q(kind="internal")
                | models.Q(consent="given")
                | (models.Q(consent="not_asked") & ~models.Q(consent_not_asked_reason="")),
            ),
            closed_has_outcome("referral_closed_has_outcome"),
        ]

    def __str__(self):
        return f"{self.number} · {self.student}"

    @property
    def number(self) -> str:
        """The number to quote (on the letter and the acknowledgement slip): BE year/id."""
        return f"{self.sent_on.year + 543}/{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == self.Status.SENT:
            return self.answer_due < today
        if self.status in (self.Status.ACCEPTED, self.Status.IN_PROGRESS):
            return self.result_due is not None and self.result_due < today
        return False

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def recipient_label(self) -> str:
        """Whom it went to: the agency, the named staff member or the role."""
        if self.agency_id:
            return str(self.agency)
        if self.to_user_id:
            return str(self.to_user)
        return str(self.get_to_role_display())


class ReferralUpdate(SchoolScoped):
    """One dated entry of a referral's log. Follow-ups (``follow_up``) carry the date they
    happened in ``date``; every other step is written by the service that made it."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Referred")
        ACCEPTED = "accepted", _("Accepted")
        PROGRESS = "progress", _("Progress note")
        RESULT = "result", _("Result written back")
        AGENCY_RESULT = "agency_result", _("Agency's result received")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = user_field(_("by"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    text = models.TextField(_("text"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral update")
        verbose_name_plural = _("referral updates")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self):
        return f"{self.referral_id} · {self.kind}"


# --- end referrals ------------------------------------------------------------------------------
