"""Behaviour and conduct points (docs/behaviour.md).

The common Thai scheme (คะแนนความประพฤติ): every student starts each academic year with 100
conduct points; each kind of misconduct takes some off, a good deed adds some, and a
behaviour-correction activity (กิจกรรมปรับพฤติกรรม) gives back points that were taken off.

- ``Category``: the school's kinds of incident, bad or good, with their points. A sensitive
  category (drugs, sexual behaviour, violence) is seen only by the roles holding
  ``Perm.SEE_SENSITIVE_BEHAVIOUR`` and by whoever recorded the incident; its parent is told in
  person by the counsellor, never through the portal (a check constraint). A school gets the
  default set (``behaviour.defaults``) the first time its categories are read.
- ``Incident``: one thing a student did, on a date, in a category; the points are copied from
  the category when it is recorded (changing a category's points later does not rewrite the
  year). A mistaken incident is cancelled with a reason, never deleted (it stays, struck out).
- ``Correction``: a behaviour-correction activity a student did, the points it gives back,
  and who approved it.

The score rule lives in ``behaviour.selectors`` (``conduct_score``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import act_fields
from carecore.model_fields import (
    SchoolScoped,
    academic_year_field,
    optional_link,
    school_field,
    student_field,
    term_field,
    user_field,
)

MAX_POINTS = 100
POINTS_RANGE = [MinValueValidator(1), MaxValueValidator(MAX_POINTS)]


def points_in_range(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(points__gte=1, points__lte=MAX_POINTS), name=name
    )


class Kind(models.TextChoices):
    BAD = "bad", _("Misconduct (points off)")
    GOOD = "good", _("Good deed (points added)")


class Points(models.Model):
    """Misconduct or a good deed, and its points: a category's, copied onto each incident
    recorded in it."""

    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    points = models.PositiveSmallIntegerField(_("points"), validators=POINTS_RANGE)

    class Meta:
        abstract = True

    @property
    def signed_points(self) -> int:
        return self.points if self.kind == Kind.GOOD else -self.points


class Category(SchoolScoped, Points):
    school = school_field("behaviour_categories")
    name = models.CharField(_("name"), max_length=100)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Drugs, sexual behaviour, violence: seen only by the counsellor, the discipline "
            "office and the school's leaders (and whoever recorded it). The parent is told in "
            "person, not through the parents' pages."
        ),
    )
    tell_parent = models.BooleanField(
        _("tell the parent"),
        default=True,
        help_text=_("The parent gets a notice on their phone when an incident is recorded."),
    )
    active = models.BooleanField(
        _("in use"), default=True, help_text=_("Categories out of use are not offered.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("behaviour category")
        verbose_name_plural = _("behaviour categories")
        ordering = ["kind", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="behaviour_category_unique"),
            points_in_range("behaviour_category_points"),
            models.CheckConstraint(
                condition=~models.Q(sensitive=True, tell_parent=True),
                name="behaviour_sensitive_not_told",
            ),
        ]

    def __str__(self):
        return self.name


class YearEntry(SchoolScoped):
    """What an incident and a correction share: an entry of a student's academic year (and of
    its term, none between terms) on a date, recorded at a time; newest first."""

    academic_year = academic_year_field()
    term = term_field(null=True, blank=True)
    date = models.DateField(_("date"))
    created = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]


class Incident(YearEntry, Points):
    student = student_field("behaviour_incidents")
    # The student's classroom that year.
    classroom = optional_link("schools.Classroom", _("classroom"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("category")
    )
    # kind and points: copied from the category when recorded.
    description = models.TextField(_("what happened"), blank=True)
    recorded_by = user_field(_("recorded by"))
    # When the student's parents were sent a notice (none: not told through the portal).
    parent_told_at = models.DateTimeField(_("parent told"), null=True, blank=True)
    cancelled_by, cancelled_at = act_fields(_("cancelled by"), _("cancelled"))
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)

    class Meta(YearEntry.Meta):
        verbose_name = _("behaviour incident")
        verbose_name_plural = _("behaviour incidents")
        indexes = [
            models.Index(fields=["school", "academic_year"]),
            models.Index(fields=["student", "academic_year"]),
        ]
        constraints = [
            points_in_range("behaviour_incident_points"),
        ]

    def __str__(self):
        return f"{self.student} · {self.date}"


class Correction(YearEntry):
    """A behaviour-correction activity (กิจกรรมปรับพฤติกรรม): what the student did, for how long,
    and the points it gives back (never more than were taken off that year: the score rule)."""

    student = student_field("behaviour_corrections")
    activity = models.CharField(_("activity"), max_length=200)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    points = models.PositiveSmallIntegerField(_("points given back"), validators=POINTS_RANGE)
    note = models.TextField(_("note"), blank=True)
    approved_by = user_field(_("approved by"))

    class Meta(YearEntry.Meta):
        verbose_name = _("behaviour-correction activity")
        verbose_name_plural = _("behaviour-correction activities")
        indexes = [models.Index(fields=["student", "academic_year"])]
        constraints = [
            points_in_range("behaviour_correction_points"),
        ]

    def __str__(self):
        return f"{self.student} · {self.activity}"
