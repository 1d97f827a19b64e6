"""Home visits (การเยี่ยมบ้านนักเรียน), the second tool of step 1.

A homeroom teacher visits every student's home at least once a year, most of them in June, and
records the visit on a phone while there: whom they met, the house, the surroundings, the
household and its income, relations and parenting, the child's duties at home, what the family
asks of the school, problems seen, help needed, and a summary with a recommendation. The visit
keeps the phone's location (with its accuracy) and up to five photos, resized and stripped of
their metadata (visits/photos.py), served only through permission-checked views.

A visit is a draft until the teacher marks it done; only a done visit counts in the progress
figures. ``revision`` grows with every save, so that two co-advisors editing the same visit never
silently overwrite each other; ``client_key`` makes a save that the phone retried after a dropped
connection land once, and ``last_save_key`` (the key of the form that saved it last) lets a change
that the phone sent again, or sent later from its offline queue, land once too.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import (
    Revisioned,
    SchoolScoped,
    academic_year_field,
    both_or_none,
    classroom_field,
    student_field,
    timestamps,
    user_field,
)
from students.models import FamilyRecord, ProtectionRecord

MAX_PHOTOS = 5


class Met(models.TextChoices):
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GRANDPARENT = "grandparent", _("Grandparent")
    RELATIVE = "relative", _("Relative")
    GUARDIAN = "guardian", _("Other guardian")
    SIBLING = "sibling", _("Sibling")
    STUDENT = "student", _("The student")
    NEIGHBOUR = "neighbour", _("Neighbour or community leader")


class Ownership(models.TextChoices):
    OWN = "own", _("Their own house")
    RENTED = "rented", _("Rented")
    RELATIVES = "relatives", _("A relative's house")
    EMPLOYER = "employer", _("Employer's housing")
    OTHER = "other", _("Other (temple, public land, shelter)")


class Condition(models.TextChoices):
    GOOD = "good", _("Good, sturdy")
    FAIR = "fair", _("Fair")
    REPAIRS = "repairs", _("Needs repairs")
    POOR = "poor", _("Dilapidated, unsafe")


class Material(models.TextChoices):
    CONCRETE = "concrete", _("Concrete or brick")
    MIXED = "mixed", _("Half concrete, half wood")
    WOOD = "wood", _("Wood")
    MAKESHIFT = "makeshift", _("Makeshift materials")


class Utility(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    TAP_WATER = "tap_water", _("Tap water")
    WELL_WATER = "well_water", _("Well or rain water")
    TOILET = "toilet", _("Toilet")
    INTERNET = "internet", _("Internet")
    STUDY_CORNER = "study_corner", _("A place to study")


class Surrounding(models.TextChoices):
    QUIET = "quiet", _("Quiet, good for living")
    CROWDED = "crowded", _("Crowded community")
    REMOTE = "remote", _("Remote, far from the road")
    FLOODS = "floods", _("Floods often")
    GAMBLING = "gambling", _("Gambling nearby")
    DRUGS = "drugs", _("Drugs in the neighbourhood")
    ALCOHOL = "alcohol", _("Drinking places nearby")
    TRAFFIC = "traffic", _("Dangerous traffic")


class Safety(models.TextChoices):
    SAFE = "safe", _("Safe")
    CONCERNS = "concerns", _("Some concerns")
    UNSAFE = "unsafe", _("Unsafe")


class Relations(models.TextChoices):
    WARM = "warm", _("Warm and close")
    ORDINARY = "ordinary", _("Ordinary")
    DISTANT = "distant", _("Distant, little time together")
    CONFLICT = "conflict", _("Frequent conflict")
    VIOLENT = "violent", _("Violence in the family")


class Parenting(models.TextChoices):
    CARING = "caring", _("Caring and reasonable")
    STRICT = "strict", _("Strict")
    PERMISSIVE = "permissive", _("Permissive")
    NEGLECTFUL = "neglectful", _("Neglectful")


class Problem(models.TextChoices):
    POVERTY = "poverty", _("Poverty")
    HEALTH = "health", _("Health")
    LEARNING = "learning", _("Learning")
    BEHAVIOUR = "behaviour", _("Behaviour")
    FAMILY = "family", _("Family relations")
    SUBSTANCE = "substance", _("Substance use")
    VIOLENCE = "violence", _("Violence or abuse")
    NEGLECT = "neglect", _("Neglect")
    CHILD_LABOUR = "child_labour", _("Works too much for their age")
    DROPOUT = "dropout", _("Risk of leaving school")


class Help(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Scholarship or funds")
    LUNCH = "lunch", _("Lunch")
    UNIFORM = "uniform", _("Uniforms and equipment")
    TRANSPORT = "transport", _("Transport")
    TUTORING = "tutoring", _("Extra teaching")
    COUNSELLING = "counselling", _("Counselling")
    HEALTH = "health", _("Health care")
    HOUSING = "housing", _("Housing repair")
    REFERRAL = "referral", _("Referral to an agency")


def photo_path(instance, filename: str) -> str:
    # A random name under a private folder: photos are only ever sent by a view that checks
    # who asks (MEDIA_ROOT has no public URL).
    return f"visits/{instance.school_id}/{uuid.uuid4().hex}.jpg"


class HomeVisit(Revisioned, SchoolScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DONE = "done", _("Done")

    class Mode(models.TextChoices):
        HOME = "home", _("At home")
        PHONE = "phone", _("By phone")
        VIDEO = "video", _("By video call")

    class LocationSource(models.TextChoices):
        DEVICE = "device", _("From the phone")
        TYPED = "typed", _("Typed")

    student = student_field("home_visits")
    academic_year = academic_year_field()
    # The student's classroom when the visit was recorded (progress is counted per classroom).
    classroom = classroom_field(on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    date = models.DateField(_("date of the visit"))
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices, default=Mode.HOME)
    remote_reason = models.TextField(_("why not at home"), blank=True)
    visitors = models.CharField(_("who visited"), max_length=300)
    met = models.JSONField(_("whom they met"), default=list, blank=True)
    met_other = models.CharField(_("whom they met (other)"), max_length=200, blank=True)

    # The house.
    ownership = models.CharField(
        _("the house is"), max_length=10, choices=Ownership.choices, blank=True
    )
    condition = models.CharField(
        _("condition of the house"), max_length=10, choices=Condition.choices, blank=True
    )
    material = models.CharField(_("built of"), max_length=10, choices=Material.choices, blank=True)
    utilities = models.JSONField(_("utilities"), default=list, blank=True)

    # Environment and safety.
    surroundings = models.JSONField(_("surroundings"), default=list, blank=True)
    safety = models.CharField(_("safety"), max_length=10, choices=Safety.choices, blank=True)
    environment_note = models.TextField(_("notes on the surroundings"), blank=True)

    # Household and income (the family section of the cumulative record shares these).
    lives_with = models.CharField(
        _("lives with"), max_length=15, choices=FamilyRecord.LivesWith.choices, blank=True
    )
    parents_status = models.CharField(
        _("parents' status"),
        max_length=16,
        choices=FamilyRecord.ParentsStatus.choices,
        blank=True,
    )
    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), null=True, blank=True
    )
    income_per_month = models.PositiveIntegerField(
        _("household income per month (baht)"), null=True, blank=True
    )
    main_occupations = models.CharField(
        _("main occupations of the household"), max_length=200, blank=True
    )

    # Family life.
    relations = models.CharField(
        _("relations in the family"), max_length=10, choices=Relations.choices, blank=True
    )
    parenting = models.CharField(
        _("parenting"), max_length=10, choices=Parenting.choices, blank=True
    )
    duties_at_home = models.TextField(_("the student's duties at home"), blank=True)

    # Travel to school (the protection section of the cumulative record shares these).
    travel_mode = models.CharField(
        _("travel to school"),
        max_length=20,
        choices=ProtectionRecord.TravelMode.choices,
        blank=True,
    )
    travel_distance_km = models.DecimalField(
        _("distance (km)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    travel_minutes = models.PositiveSmallIntegerField(_("time (minutes)"), null=True, blank=True)
    travel_cost_baht = models.PositiveIntegerField(
        _("travel cost per day (baht)"), null=True, blank=True
    )

    # What the family asks, what the teacher saw, what should happen.
    family_requests = models.TextField(_("what the family asks of the school"), blank=True)
    problems = models.JSONField(_("problems seen"), default=list, blank=True)
    problems_note = models.TextField(_("notes on the problems"), blank=True)
    help_needed = models.JSONField(_("help needed"), default=list, blank=True)
    help_note = models.TextField(_("notes on the help needed"), blank=True)
    summary = models.TextField(_("the teacher's summary"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)

    # Where: from the phone (with its accuracy) or typed.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    location_source = models.CharField(
        _("location from"), max_length=8, choices=LocationSource.choices, blank=True
    )

    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The key of the form (one opening of it on a phone) whose save is the visit's last: the same
    # form's save arriving again is not a co-advisor's stale copy (visits.services.visit_save).
    last_save_key = models.UUIDField(null=True, blank=True, editable=False)
    recorded_by = user_field(_("recorded by"))
    updated_by = user_field(_("last changed by"))
    created, modified = timestamps(_("recorded"), _("changed"))
    completed_at = models.DateTimeField(_("marked done"), null=True, blank=True)
    # When the teacher decided about copying the household and travel facts into the record
    # (copied, or left the record as it was).
    record_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["school", "academic_year", "status"]),
            models.Index(fields=["student", "academic_year", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode="home") | ~models.Q(remote_reason=""),
                name="visit_remote_has_reason",
            ),
            both_or_none("latitude", "longitude", name="visit_location_both_or_none"),
        ]

    def __str__(self):
        return f"{self.student} · {self.date}"


class VisitPhoto(SchoolScoped):
    class Kind(models.TextChoices):
        OUTSIDE = "outside", _("Outside the house")
        INSIDE = "inside", _("Inside the house")
        FAMILY = "family", _("The teacher with the family")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="photos")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("photo of"), max_length=8, choices=Kind.choices)
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The phone's id for the upload: a retried upload after a dropped connection lands once.
    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    uploaded_by, created = act_fields(None, None, when=CREATED)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.visit}"


class VisitAppointment(SchoolScoped):
    """A home visit the homeroom teacher proposes to the family (docs/portal.md): a day and a
    time, with a note. A parent confirms it in the portal, or suggests another day with a note;
    the teacher sees the answer on the student's visits page. The teacher may cancel it, or
    propose again (a new row: the answers stay as they were)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for the family's answer")
        CONFIRMED = "confirmed", _("Confirmed by the family")
        ANOTHER_DAY = "another_day", _("The family suggests another day")
        CANCELLED = "cancelled", _("Cancelled")

    student = student_field("visit_appointments")
    date = models.DateField(_("day of the visit"))
    time = models.TimeField(_("time"))
    note = models.TextField(_("note for the family"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by, created = act_fields(_("proposed by"), _("proposed"), when=CREATED)
    # The family's answer: who answered (a parent's account), when, and for another day the day
    # and time they suggest, with their note.
    answered_by, answered_at = act_fields(_("answered by"), _("answered"), blank=True)
    suggested_date = models.DateField(_("suggested day"), null=True, blank=True)
    suggested_time = models.TimeField(_("suggested time"), null=True, blank=True)
    answer_note = models.TextField(_("the family's note"), blank=True)

    class Meta:
        verbose_name = _("home-visit appointment")
        verbose_name_plural = _("home-visit appointments")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["student", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="another_day") | models.Q(suggested_date__isnull=False),
                name="appointment_another_day_has_day",
            ),
        ]

    def __str__(self):
        return f"{self.student_id} · {self.date} {self.time}"

    @property
    def is_open(self) -> bool:
        """Waiting for the family, or answered and not cancelled: shown to both sides."""
        return self.status != self.Status.CANCELLED
