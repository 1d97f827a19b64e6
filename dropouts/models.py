"""Dropout and out-of-school cases (เด็กออกกลางคัน / เด็กตกหล่น), followed case by case until the
child is back in education (seed 003: report → coordinate with the multidisciplinary team → visit →
meeting → refer help → back in school, or round again).

- ``DropoutCase``: one child, enrolled (``student``) or not in any school (the child's details on
  the case), with the step it is at, the step's deadline, the owner and, once closed, the outcome.
- ``CaseLogEntry``: the dated log of who did what.
- ``CaseTeamMember``: the multidisciplinary team (ทีมสหวิชาชีพ) of the case.
- ``CaseObservation``: the follow-up checks after the child is back in school.
- ``DistrictCaseSettings``: the district's deadlines per step and observation offsets.

Cases belong to a district (the school is optional: a child not in any school has none), so the
models are scoped by district: ``ScopedManager(district=...)``. The rules are in
dropouts/services.py and docs/dropouts.md.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import (
    Revisioned,
    both_or_none,
    district_field,
    school_field,
    student_field,
    timestamps,
    user_field,
)
from students.models import Student


class Situation(models.TextChoices):
    AT_RISK = "at_risk", _("Enrolled, at risk of leaving")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NEVER_ENROLLED = "never_enrolled", _("Never enrolled")


class ReporterKind(models.TextChoices):
    VILLAGE_HEAD = "village_head", _("Village head (กำนัน/ผู้ใหญ่บ้าน)")
    HEALTH = "health", _("Hospital or health centre")
    PARENT = "parent", _("Parent or relative")
    SCHOOL = "school", _("Teacher or school")
    COMMUNITY = "community", _("Community or local office")
    OTHER = "other", _("Other")


class Cause(models.TextChoices):
    POVERTY = "poverty", _("Poverty")
    FAMILY = "family", _("Family problems")
    HEALTH = "health", _("Health")
    BEHAVIOUR = "behaviour", _("Behaviour")
    PREGNANCY = "pregnancy", _("Pregnancy")
    WORK = "work", _("Working to support the family")
    MIGRATION = "migration", _("Family moves for work")
    OTHER = "other", _("Other")


class Step(models.TextChoices):
    REPORT = "report", pgettext_lazy("dropout step", "Report")
    COORDINATE = "coordinate", pgettext_lazy("dropout step", "Coordinate with the team")
    VISIT = "visit", pgettext_lazy("dropout step", "Field visit")
    MEETING = "meeting", pgettext_lazy("dropout step", "Meeting")
    REFER_HELP = "refer_help", pgettext_lazy("dropout step", "Refer help")
    BACK_IN_SCHOOL = "back_in_school", pgettext_lazy("dropout step", "Back in school (follow-up)")
    CLOSED = "closed", pgettext_lazy("dropout step", "Closed")


# The working steps in order; a case advances along them and may go round again.
STEP_ORDER = [
    Step.REPORT,
    Step.COORDINATE,
    Step.VISIT,
    Step.MEETING,
    Step.REFER_HELP,
    Step.BACK_IN_SCHOOL,
]
# Steps with a deadline set in the district's settings (days).
TIMED_STEPS = [Step.REPORT, Step.COORDINATE, Step.VISIT, Step.MEETING, Step.REFER_HELP]
# Steps from which a case may go round again (back to coordinating, next round).
ROUND_AGAIN_FROM = [Step.MEETING, Step.REFER_HELP]


class Outcome(models.TextChoices):
    BACK_IN_SCHOOL = "back_in_school", _("Back in school")
    NON_FORMAL = "non_formal", _("In non-formal education")
    WORKING_WITH_PLAN = "working_with_plan", _("Working, with a plan")
    MOVED_AWAY = "moved_away", _("Moved away")
    LOST_CONTACT = "lost_contact", _("Lost contact")


# Outcomes that count as "back in education" in the figures.
IN_EDUCATION = [Outcome.BACK_IN_SCHOOL, Outcome.NON_FORMAL]
# Outcomes a person chooses when closing; "back in school" comes only from the last observation.
CLOSING_OUTCOMES = [o for o in Outcome if o != Outcome.BACK_IN_SCHOOL]


class DropoutCase(Revisioned):
    district = district_field("dropout_cases", on_delete=models.PROTECT)
    # The enrolled student's school, or the school concerned (the one a child left); empty for a
    # child who is not in any school and never was.
    school = school_field("dropout_cases", on_delete=models.PROTECT, null=True, blank=True)
    student = student_field("dropout_cases", on_delete=models.PROTECT, null=True, blank=True)
    # A child who is not a student in the system: their details are kept on the case.
    prefix = models.CharField(
        _("prefix"), max_length=10, choices=Student.Prefix.choices, blank=True
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    national_id = models.CharField(_("national ID"), max_length=13, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    village = models.CharField(_("village"), max_length=100, blank=True)
    guardian_name = models.CharField(_("guardian"), max_length=200, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=20, blank=True)

    situation = models.CharField(_("situation"), max_length=16, choices=Situation.choices)
    reported_on = models.DateField(_("reported on"))
    reporter_kind = models.CharField(_("reported by"), max_length=16, choices=ReporterKind.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    description = models.TextField(_("what is happening"), blank=True)
    causes = models.JSONField(_("causes"), default=list, blank=True)
    # Whether a school reported it (from the student's page) or the district opened it.
    reported_by_school = models.BooleanField(_("reported by the school"), default=False)

    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.REPORT)
    step_started = models.DateField(_("step started"))
    step_due = models.DateField(_("step due"), null=True, blank=True)
    # Kept by the nightly job (dropout_cases_mark_late): it notifies the owner when a case
    # becomes late. Pages compute lateness from step_due, so they are right before the job runs.
    late = models.BooleanField(_("late"), default=False)
    late_since = models.DateField(_("late since"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    owner = user_field(_("owner"), blank=True, related_name="dropout_cases_owned")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome notes"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    opened_by = user_field(blank=True)
    created, modified = timestamps()

    objects = ScopedManager(district="district")

    class Meta:
        verbose_name = _("dropout case")
        verbose_name_plural = _("dropout cases")
        ordering = ["-reported_on", "-pk"]
        indexes = [
            models.Index(fields=["district", "step", "step_due"]),
            models.Index(fields=["school", "step"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="dropoutcase_child_named",
                condition=Q(student__isnull=False) | ~Q(first_name=""),
            ),
            models.CheckConstraint(
                name="dropoutcase_at_risk_is_enrolled",
                condition=~Q(situation="at_risk") | Q(student__isnull=False),
            ),
            models.CheckConstraint(
                name="dropoutcase_closed_has_outcome",
                condition=(Q(step="closed") & ~Q(outcome="") & Q(closed_on__isnull=False))
                | (~Q(step="closed") & Q(outcome="")),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.child_name}"

    @property
    def child_name(self) -> str:
        if self.student_id is not None:
            return self.student.full_name
        return f"{self.prefix}{self.first_name} {self.last_name}".strip()

    @property
    def is_open(self) -> bool:
        return self.step != Step.CLOSED

    def is_late_on(self, day: datetime.date) -> bool:
        return self.is_open and self.step_due is not None and self.step_due < day

    @property
    def step_index(self) -> int:
        return STEP_ORDER.index(self.step) if self.step in STEP_ORDER else len(STEP_ORDER)


class CaseRow(models.Model):
    """What the log, the team and the observations of a case share: they are scoped through
    the case's district."""

    objects = ScopedManager(district="case__district")

    class Meta:
        abstract = True


class CaseLogEntry(CaseRow):
    """One line of the case's log: the day, who, at which step, what was done."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ADVANCED = "advanced", _("Step done")
        ROUND = "round", _("Round again")
        NOTE = "note", _("Note")
        OBSERVATION = "observation", _("Observation")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", pgettext_lazy("dropout log", "Closed")
        OWNER = "owner", _("Owner")
        TEAM = "team", _("Team")

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="log")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    text = models.TextField(_("what was done"))
    by = user_field(blank=True)
    by_name = models.CharField(_("by"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case log entry")
        verbose_name_plural = _("case log entries")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.date} {self.kind}"


class CaseTeamMember(CaseRow):
    """A member of the multidisciplinary team: a village head, a health-centre nurse, a social
    development officer, a teacher... with a phone; optionally a user of the system."""

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role or organisation"),
        max_length=200,
        help_text=_("For example: village head, health centre (รพ.สต.), social development office"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = user_field(blank=True)
    added_by, created = act_fields(None, None, when=CREATED, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.role})"


class CaseObservation(CaseRow):
    """A check, after the child is back in school, that they are still there."""

    case = models.ForeignKey(DropoutCase, on_delete=models.CASCADE, related_name="observations")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    due_on = models.DateField(_("due on"))
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    still_in_school = models.BooleanField(_("still in school"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = user_field(blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["due_on", "pk"]
        constraints = [
            both_or_none("observed_on", "still_in_school", name="caseobservation_recorded_whole")
        ]

    def __str__(self):
        return f"{self.case_id} {self.due_on}"

    @property
    def recorded(self) -> bool:
        return self.observed_on is not None


DEFAULT_STEP_DAYS = {
    Step.REPORT: 3,
    Step.COORDINATE: 7,
    Step.VISIT: 7,
    Step.MEETING: 14,
    Step.REFER_HELP: 30,
}
DEFAULT_OBSERVATION_OFFSETS = [30, 60, 90]


def default_observation_offsets() -> list[int]:
    return list(DEFAULT_OBSERVATION_OFFSETS)


class DistrictCaseSettings(models.Model):
    """A district's deadlines: days allowed per step, and when the follow-up observations fall
    after a child is back in school (days)."""

    district = models.OneToOneField(
        "districts.District", on_delete=models.CASCADE, related_name="case_settings"
    )
    days_report = models.PositiveSmallIntegerField(_("report"), default=3)
    days_coordinate = models.PositiveSmallIntegerField(_("coordinate with the team"), default=7)
    days_visit = models.PositiveSmallIntegerField(_("field visit"), default=7)
    days_meeting = models.PositiveSmallIntegerField(_("meeting"), default=14)
    days_refer_help = models.PositiveSmallIntegerField(_("refer help"), default=30)
    observation_offsets = models.JSONField(
        _("observations after the return (days)"), default=default_observation_offsets
    )
    modified = models.DateTimeField(auto_now=True)
    modified_by = user_field(blank=True)

    class Meta:
        verbose_name = _("dropout case settings")
        verbose_name_plural = _("dropout case settings")

    def __str__(self):
        return str(self.district)

    def days_for(self, step: str) -> int | None:
        if step not in TIMED_STEPS:
            return None
        return getattr(self, f"days_{step}")
