"""The district's calendar of deadlines (docs/district-work.md, "Deadlines").

A ``Deadline`` is set by the district office for all its schools or one network's. A school
meets it in one of two ways, by its kind:

- a report or another task (``MARKED_KINDS``): the school marks it done, with a note or a file
  if it wants (a ``Completion`` with ``source="marked"``);
- the screening window or the home-visit month (``MEASURED_KINDS``): from the data, when the
  share of the school's students screened (or visited) reaches the deadline's target. The
  morning check records the day it was first found met (a ``Completion`` with
  ``source="measured"``); until then the pages read the share live.

Each school's state (``State``) follows from the dates and its completion (``state_of``).
``Reminder`` rows make each reminder go out once: one "soon" and one "late" per deadline,
school and due date.
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.model_acts import CREATED, SAVED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    district_field,
    network_field,
    private_file_name,
    school_field,
    user_field,
)


class Kind(models.TextChoices):
    SCREENING = "screening", _("Screening window")
    HOME_VISITS = "home_visits", _("Home-visit month")
    REPORT = "report", _("Report due")
    OTHER = "other", _("Other")


# Met from the data (the share of students screened or visited), or marked done by the school.
MEASURED_KINDS = frozenset({Kind.SCREENING, Kind.HOME_VISITS})
MARKED_KINDS = frozenset({Kind.REPORT, Kind.OTHER})


class State(models.TextChoices):
    """A school's state for one deadline, as its pages and the district's show it."""

    UPCOMING = "upcoming", _("Not open yet")
    DUE = "due", pgettext_lazy("deadline", "Due")
    LATE = "late", _("Late")
    DONE = "done", _("Done")
    DONE_LATE = "done_late", _("Done late")


OPEN_STATES = frozenset({State.DUE, State.LATE})
# The "soon" reminder goes out at most this many days before the due date.
MAX_REMIND_DAYS = 30


def state_of(deadline: Deadline, done_on: datetime.date | None, today: datetime.date) -> State:
    """The state of a school that met ``deadline`` on ``done_on`` (None: not yet) on ``today``."""
    if done_on is not None:
        return State.DONE_LATE if done_on > deadline.due_on else State.DONE
    if today > deadline.due_on:
        return State.LATE
    if today < deadline.opens_on:
        return State.UPCOMING
    return State.DUE


class Deadline(Revisioned):
    district = district_field("deadlines")
    # None: every school of the district.
    network = network_field("deadlines", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("what to do"), blank=True)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    # Measured kinds: the share of students (percent) the school must reach.
    target_percent = models.PositiveSmallIntegerField(
        _("target (percent of students)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    remind_days = models.PositiveSmallIntegerField(
        _("remind this many days before"),
        default=3,
        validators=[MaxValueValidator(MAX_REMIND_DAYS)],
    )
    created_by, created = act_fields(_("set by"), _("set on"), when=CREATED)
    updated_by, modified = act_fields(_("changed by"), _("changed on"), when=SAVED)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["district", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opens_on")),
                name="deadline_due_after_opening",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=sorted(MEASURED_KINDS), target_percent__isnull=False)
                    | (
                        ~models.Q(kind__in=sorted(MEASURED_KINDS))
                        & models.Q(target_percent__isnull=True)
                    )
                ),
                name="deadline_target_when_measured",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_measured(self) -> bool:
        return self.kind in MEASURED_KINDS

    def remind_on(self) -> datetime.date:
        """The day the "soon" reminder goes out."""
        return self.due_on - datetime.timedelta(days=self.remind_days)


def completion_file_path(instance, filename: str) -> str:
    return private_file_name(f"deadlines/{instance.school_id}", filename)


class Completion(SchoolScoped):
    """A school met a deadline: marked done by its staff, or measured from its data."""

    class Source(models.TextChoices):
        MARKED = "marked", _("Marked done by the school")
        MEASURED = "measured", _("Measured from the data")

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="completions", verbose_name=_("deadline")
    )
    school = school_field("deadline_completions")
    source = models.CharField(_("how it was met"), max_length=10, choices=Source.choices)
    # The day it was met (measured: the day before the morning check that first found it met).
    done_on = models.DateField(_("done on"))
    done_by = user_field(_("marked by"))
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("file"), upload_to=completion_file_path, blank=True, max_length=200)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline met")
        verbose_name_plural = _("deadlines met")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "school"], name="deadline_completion_once"),
        ]

    def __str__(self):
        return f"{self.deadline} · {self.school}"


class Reminder(SchoolScoped):
    """A reminder sent to a school's staff about a deadline, once per kind and due date (a due
    date moved by the district is reminded of again)."""

    class Kind(models.TextChoices):
        SOON = "soon", _("Due soon")
        LATE = "late", _("Late")

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("deadline")
    )
    school = school_field("deadline_reminders")
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    due_on = models.DateField(_("for the due date"))
    sent = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "school", "kind", "due_on"], name="deadline_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.deadline} · {self.school} · {self.kind}"
