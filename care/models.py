"""Steps 3 and 4 of the care process: promote, prevent and solve.

- ``Activity``: a care activity for a classroom or for chosen students (a homeroom session, a
  classroom parent meeting, talent development, buddy pairs, remedial teaching, counselling, a
  contact with parents), with the students who took part (``ActivityParticipant``).
- ``CarePlan``: an individual care plan (แผนช่วยเหลือรายบุคคล, ICP) with its actions and its
  follow-up log.
- ``Support``: scholarships and other support a student received.

Which care each group calls for, and so what "cared for" means, is written in docs/care.md and
computed in care/coverage.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    classroom_field,
    closed_has_outcome,
    private_file_name,
    student_field,
    term_field,
    timestamps,
    user_field,
)


class ActivityKind(models.TextChoices):
    HOMEROOM = "homeroom", _("Homeroom session")
    PARENT_MEETING = "parent_meeting", _("Classroom parent meeting")
    TALENT = "talent", _("Talent development")
    BUDDY = "buddy", _("Buddy pairs")
    REMEDIAL = "remedial", _("Remedial teaching")
    CLASS_ACTIVITY = "class_activity", _("Activity in or outside class")
    COUNSELLING = "counselling", _("Counselling session")
    PARENT_CONTACT = "parent_contact", _("Contact with parents")


class Category(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    PREVENTION = "prevention", _("Prevention and problem solving")


# What each kind of activity counts as (docs/care.md).
ACTIVITY_CATEGORY: dict[str, str] = {
    ActivityKind.HOMEROOM: Category.PROMOTION,
    ActivityKind.PARENT_MEETING: Category.PROMOTION,
    ActivityKind.TALENT: Category.PROMOTION,
    ActivityKind.BUDDY: Category.PREVENTION,
    ActivityKind.REMEDIAL: Category.PREVENTION,
    ActivityKind.CLASS_ACTIVITY: Category.PREVENTION,
    ActivityKind.COUNSELLING: Category.PREVENTION,
    ActivityKind.PARENT_CONTACT: Category.PREVENTION,
}


class ContactMethod(models.TextChoices):
    CALL = "call", _("Phone call")
    MESSAGE = "message", _("Message (LINE, SMS)")
    VISIT = "visit", _("Visit or meeting")


def attachment_path(instance, filename: str) -> str:
    return private_file_name(f"care/{instance.school_id}", filename)


class Activity(SchoolScoped):
    term = term_field()
    # The classroom it was held for; empty for chosen students across classrooms.
    classroom = classroom_field(on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    category = models.CharField(_("counts as"), max_length=12, choices=Category.choices)
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    # Counselling only: visible to the student's homeroom teachers, the counsellor and the
    # director (carecore.access.can_see_counselling_notes); every view is audited.
    sensitive_notes = models.TextField(_("counselling notes"), blank=True)
    # Kind-specific facts: parents present, issues raised, agreements (parent meeting); subject
    # (buddy pairs, remedial teaching); contact method (contact with parents).
    details = models.JSONField(_("details"), default=dict, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, blank=True, max_length=200
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    recorded_by = user_field()
    created, modified = timestamps()

    class Meta:
        verbose_name = _("care activity")
        verbose_name_plural = _("care activities")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "term", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.topic}"


class ActivityParticipant(SchoolScoped):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", _("Took part")
        HELPER = "helper", _("Helper (buddy)")
        HELPED = "helped", _("Helped (buddy)")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="care_activities"
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    # For buddy pairs: the student this one helps or is helped by.
    partner = models.ForeignKey(
        "students.Student", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["activity", "student"], name="care_participant_once")
        ]
        indexes = [models.Index(fields=["student", "activity"])]

    def __str__(self):
        return f"{self.student} · {self.activity}"


class CarePlan(Revisioned, SchoolScoped):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        IMPROVED = "improved", _("Improved")
        REFERRED = "referred", _("Referred")
        MOVED_SCHOOL = "moved_school", _("Moved school")
        LEFT_SCHOOL = "left_school", _("Left school")

    student = student_field("care_plans")
    # The term the plan was opened in.
    term = term_field()
    opened_on = models.DateField(_("opened on"))
    problem = models.TextField(_("the problem"))
    goals = models.TextField(_("goals"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome notes"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    opened_by = user_field()
    created, modified = timestamps()

    class Meta:
        verbose_name = _("individual care plan")
        verbose_name_plural = _("individual care plans")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "next_review"]),
            models.Index(fields=["student", "term"]),
        ]
        constraints = [closed_has_outcome("careplan_closed_has_outcome")]

    def __str__(self):
        return f"{self.student} · {self.opened_on}"


class CarePlanAction(SchoolScoped):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="actions")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    action = models.TextField(_("action"))
    who = models.CharField(_("who does it"), max_length=200)
    due = models.DateField(_("by when"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due", "pk"]

    def __str__(self):
        return self.action


class CarePlanFollowUp(SchoolScoped):
    class Result(models.TextChoices):
        IMPROVED = "improved", _("Improved")
        PARTLY = "partly", _("Partly improved")
        NOT_IMPROVED = "not_improved", _("Not improved")

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="follow_ups")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    what_was_done = models.TextField(_("what was done"))
    result = models.CharField(_("improved or not"), max_length=14, choices=Result.choices)
    next_step = models.TextField(_("next step"), blank=True)
    recorded_by, created = act_fields(None, None, when=CREATED)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.plan} · {self.date}"


class SupportKind(models.TextChoices):
    EQUITY_SCHOLARSHIP = "equity", _("Equity scholarship")
    SCHOOL_FUND = "school_fund", _("School fund")
    DISTRICT_FUND = "district_fund", _("District fund")
    FOUNDATION = "foundation", _("Foundation")
    LUNCH = "lunch", _("Lunch")
    UNIFORM = "uniform", _("Uniforms and equipment")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class Support(SchoolScoped):
    student = student_field("support")
    term = term_field()
    kind = models.CharField(_("kind"), max_length=16, choices=SupportKind.choices)
    source = models.CharField(_("source"), max_length=200)
    amount = models.DecimalField(
        _("amount (baht)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by, created = act_fields(None, None, when=CREATED)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("support")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["school", "term", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="support_amount_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.student}"
