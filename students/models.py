import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from carecore.imports.models import ImportRecord, import_upload_to
from carecore.model_acts import SAVED, act_fields
from carecore.model_fields import (
    SchoolScoped,
    ScopedByStudent,
    academic_year_field,
    classroom_field,
    school_field,
    student_field,
    timestamps,
    user_field,
)
from carecore.national_id import mask_national_id, validate_national_id


class Student(SchoolScoped):
    class Prefix(models.TextChoices):
        BOY = "ด.ช.", _("Master (ด.ช.)")
        GIRL = "ด.ญ.", _("Miss (ด.ญ.)")
        MR = "นาย", _("Mr (นาย)")
        MISS = "นางสาว", _("Miss (นางสาว)")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    school = school_field("students", on_delete=models.PROTECT)
    student_code = models.CharField(_("student code"), max_length=20)
    national_id = models.CharField(
        _("national ID"), max_length=13, validators=[validate_national_id]
    )
    prefix = models.CharField(_("prefix"), max_length=10, choices=Prefix.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    nickname = models.CharField(_("nickname"), max_length=50, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    created, modified = timestamps()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["school", "student_code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "student_code"], name="student_unique_code"),
            models.UniqueConstraint(
                fields=["school", "national_id"], name="student_unique_national_id"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.prefix}{self.first_name} {self.last_name}"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    def age_on(self, day: datetime.date) -> int | None:
        if not self.birth_date:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class Enrolment(models.Model):
    """A student in a classroom for one academic year, with their number in the room (เลขที่)."""

    student = student_field("enrolments")
    classroom = classroom_field("enrolments")
    # Copied from the classroom so that one enrolment per student and year can be a constraint.
    academic_year = academic_year_field()
    number = models.PositiveSmallIntegerField(_("number"))

    objects = ScopedManager(school="classroom__school")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["classroom", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "academic_year"], name="enrolment_one_per_year"
            ),
            models.UniqueConstraint(fields=["classroom", "number"], name="enrolment_unique_number"),
        ]

    def __str__(self):
        return f"{self.classroom} #{self.number}: {self.student}"

    def save(self, *args, **kwargs):
        self.academic_year_id = self.classroom.academic_year_id
        super().save(*args, **kwargs)


class Guardian(ScopedByStudent):
    class Relation(models.TextChoices):
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GRANDFATHER = "grandfather", _("Grandfather")
        GRANDMOTHER = "grandmother", _("Grandmother")
        UNCLE = "uncle", _("Uncle")
        AUNT = "aunt", _("Aunt")
        SIBLING = "sibling", _("Older sibling")
        FOSTER = "foster", _("Foster parent")
        OTHER = "other", _("Other")

    student = student_field("guardians")
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    lives_with_student = models.BooleanField(_("lives with the student"), default=True)
    is_primary = models.BooleanField(_("main guardian"), default=False)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["student", "-is_primary", "id"]

    def __str__(self):
        return f"{self.prefix}{self.first_name} {self.last_name}"


# The migrations name the upload function by this name.
student_import_upload_to = import_upload_to


class StudentImport(ImportRecord):
    """A file of students (students.imports)."""

    school = school_field("student_imports")
    academic_year = academic_year_field()

    class Meta(ImportRecord.Meta):
        verbose_name = _("student import")
        verbose_name_plural = _("student imports")


# --- the cumulative record (ระเบียนสะสม) -------------------------------------------------------
# One model per aspect of the care process, each describing the child now (OneToOne), plus the
# grade-point average per term and an append-only history of every change. Rules that cross
# models (BMI band, completeness, facts for screening) are in students/record/sections.py and
# students/record/selectors.py; writes go through students/record/services.py. See docs/record.md.


def _check_codes(values, choices, field: str) -> None:
    """A JSON list field holds known codes, each once."""
    if not isinstance(values, list) or any(v not in choices.values for v in values):
        raise ValidationError({field: _("Choose from the list.")})
    if len(set(values)) != len(values):
        raise ValidationError({field: _("Each choice can be ticked once.")})


def _check_texts(values, field: str) -> None:
    if not isinstance(values, list) or any(not isinstance(v, str) or not v for v in values):
        raise ValidationError({field: _("Enter a list of names.")})


class RecordSection(ScopedByStudent):
    """What the four sections share: who changed them last and when, and how they are named."""

    updated_by, updated_at = act_fields(_("changed by"), _("changed"), when=SAVED, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name} {self.student_id}"


class AbilityRecord(RecordSection):
    """Ability (ด้านความสามารถ): talents, awards, learning. Grades are ``TermResult`` rows."""

    student = student_field("record_ability", one_to_one=True)
    talents = models.TextField(_("talents and special abilities"), blank=True)
    awards = models.TextField(_("awards and achievements"), blank=True)
    learning_notes = models.TextField(_("notes on learning"), blank=True)

    class Meta:
        verbose_name = _("ability record")
        verbose_name_plural = _("ability records")


class TermResult(ScopedByStudent):
    """A student's grade-point average in one term, with the subjects failed (0, ร) and not
    completed (มส, มผ).

    The term is written as its academic year (BE) and number rather than a link to ``Term``, so
    that results from before the school used this system (copied from the transcript, ปพ.1) can
    be entered too."""

    student = student_field("term_results")
    year = models.PositiveIntegerField(_("academic year (BE)"))
    term = models.PositiveSmallIntegerField(_("term"), choices=[(1, "1"), (2, "2")])
    gpa = models.DecimalField(
        _("grade-point average"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    failed_subjects = models.JSONField(_("subjects failed (0, ร)"), default=list, blank=True)
    incomplete_subjects = models.JSONField(
        _("subjects not completed (มส, มผ)"), default=list, blank=True
    )
    updated_by, updated_at = act_fields(_("changed by"), _("changed"), when=SAVED, blank=True)

    class Meta:
        verbose_name = _("term result")
        verbose_name_plural = _("term results")
        ordering = ["student", "-year", "-term"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year", "term"], name="term_result_one_per_term"
            ),
            models.CheckConstraint(
                condition=models.Q(gpa__isnull=True) | models.Q(gpa__gte=0, gpa__lte=4),
                name="term_result_gpa_0_4",
            ),
        ]

    def __str__(self):
        return f"{self.term}/{self.year}"

    def clean(self):
        _check_texts(self.failed_subjects, "failed_subjects")
        _check_texts(self.incomplete_subjects, "incomplete_subjects")


class HealthRecord(RecordSection):
    """Health (ด้านสุขภาพ): body, senses, illness, special needs, mind and behaviour."""

    class Eyesight(models.TextChoices):
        NORMAL = "normal", _("Normal")
        GLASSES = "glasses", _("Wears glasses")
        PROBLEM = "problem", _("Has a problem")

    class Hearing(models.TextChoices):
        NORMAL = "normal", _("Normal")
        PROBLEM = "problem", _("Has a problem")

    class Disability(models.TextChoices):
        # The nine types of the Ministry of Education announcement of 2552 (ประกาศกระทรวง
        # ศึกษาธิการ เรื่อง กำหนดประเภทและหลักเกณฑ์ของคนพิการทางการศึกษา), then attention
        # deficit (สมาธิสั้น), which schools screen and record on its own (docs/record.md).
        VISUAL = "visual", _("Visual impairment")
        HEARING = "hearing", _("Hearing impairment")
        INTELLECTUAL = "intellectual", _("Intellectual disability")
        PHYSICAL = "physical", _("Physical or health impairment")
        LEARNING = "learning", _("Learning disability (LD)")
        SPEECH = "speech", _("Speech and language impairment")
        BEHAVIOUR = "behaviour", _("Behavioural or emotional disorder")
        AUTISM = "autism", _("Autism")
        MULTIPLE = "multiple", _("Multiple disabilities")
        ADHD = "adhd", _("Attention deficit (ADHD)")

    student = student_field("record_health", one_to_one=True)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    eyesight = models.CharField(_("eyesight"), max_length=10, choices=Eyesight.choices, blank=True)
    hearing = models.CharField(_("hearing"), max_length=10, choices=Hearing.choices, blank=True)
    has_chronic_illness = models.BooleanField(_("chronic illness"), null=True, blank=True)
    chronic_illness = models.TextField(_("which illness, and its care"), blank=True)
    disabilities = models.JSONField(_("special needs"), default=list, blank=True)
    mind_behaviour_notes = models.TextField(_("notes on mind and behaviour"), blank=True)

    class Meta:
        verbose_name = _("health record")
        verbose_name_plural = _("health records")

    def clean(self):
        _check_codes(self.disabilities, self.Disability, "disabilities")


class FamilyRecord(RecordSection):
    """Family (ด้านครอบครัว): whom the child lives with, the parents, the household, money."""

    class LivesWith(models.TextChoices):
        BOTH_PARENTS = "both_parents", _("Both parents")
        FATHER = "father", _("Father")
        MOTHER = "mother", _("Mother")
        GRANDPARENTS = "grandparents", _("Grandparents")
        RELATIVES = "relatives", _("Relatives")
        OTHER = "other", _("Other")

    class ParentsStatus(models.TextChoices):
        TOGETHER = "together", _("Living together")
        SEPARATED = "separated", _("Separated or divorced")
        FATHER_DECEASED = "father_deceased", _("Father deceased")
        MOTHER_DECEASED = "mother_deceased", _("Mother deceased")
        BOTH_DECEASED = "both_deceased", _("Both deceased")
        WORKING_AWAY = "working_away", _("Working away from home")

    class Scholarship(models.TextChoices):
        NONE = "none", _("None")
        APPLIED = "applied", _("Applied")
        RECEIVING = "receiving", _("Receiving")

    student = student_field("record_family", one_to_one=True)
    lives_with = models.CharField(
        _("lives with"), max_length=15, choices=LivesWith.choices, blank=True
    )
    lives_with_other = models.CharField(_("lives with (other)"), max_length=100, blank=True)
    parents_status = models.CharField(
        _("parents' status"), max_length=16, choices=ParentsStatus.choices, blank=True
    )
    working_away_place = models.CharField(_("where they work"), max_length=100, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("people in the household"), null=True, blank=True
    )
    # [{"relation": "ยาย", "age": 67, "occupation": "ทำนา"}, ...]
    household_members = models.JSONField(_("household members"), default=list, blank=True)
    income_per_month = models.PositiveIntegerField(
        _("household income per month (baht)"), null=True, blank=True
    )
    main_occupations = models.CharField(
        _("main occupations of the household"), max_length=200, blank=True
    )
    welfare_card = models.BooleanField(_("state welfare card"), null=True, blank=True)
    equity_scholarship = models.CharField(
        _("equity scholarship (EEF)"), max_length=10, choices=Scholarship.choices, blank=True
    )

    class Meta:
        verbose_name = _("family record")
        verbose_name_plural = _("family records")

    def clean(self):
        members = self.household_members
        keys = {"relation", "age", "occupation"}
        if not isinstance(members, list) or any(
            not isinstance(m, dict) or not set(m) <= keys or not m.get("relation") for m in members
        ):
            raise ValidationError({"household_members": _("Each member needs a relation.")})

    @property
    def income_per_person(self) -> int | None:
        """Household income per month divided by the people in the household, in whole baht."""
        if self.income_per_month is None or not self.household_size:
            return None
        return round(self.income_per_month / self.household_size)


class ProtectionRecord(RecordSection):
    """Protection and other (ด้านการคุ้มครองและอื่น ๆ): risks at home, travel to school."""

    class Risk(models.TextChoices):
        NEGLECT = "neglect", _("Neglect")
        VIOLENCE = "violence", _("Violence at home")
        SUBSTANCE = "substance", _("Substance use in the home")
        OTHER = "other", _("Other risk")

    class TravelMode(models.TextChoices):
        WALK = "walk", _("Walks")
        BICYCLE = "bicycle", _("Bicycle")
        MOTORCYCLE_TAXI = "motorcycle_taxi", _("Motorcycle taxi")
        PARENTS_MOTORBIKE = "parents_motorbike", _("Parents' motorbike")
        SCHOOL_VAN = "school_van", _("School van")
        BUS = "bus", _("Bus")
        BOAT = "boat", _("Boat")
        OTHER = "other", _("Other")

    student = student_field("record_protection", one_to_one=True)
    risks = models.JSONField(_("risks seen"), default=list, blank=True)
    risk_note = models.TextField(_("notes on risks"), blank=True)
    travel_mode = models.CharField(
        _("travel to school"), max_length=20, choices=TravelMode.choices, blank=True
    )
    travel_distance_km = models.DecimalField(
        _("distance (km)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    travel_minutes = models.PositiveSmallIntegerField(_("time (minutes)"), null=True, blank=True)
    travel_cost_baht = models.PositiveIntegerField(
        _("travel cost per day (baht)"), null=True, blank=True
    )
    pocket_money_baht = models.PositiveIntegerField(
        _("pocket money per day (baht)"), null=True, blank=True
    )
    other_notes = models.TextField(_("other notes"), blank=True)

    class Meta:
        verbose_name = _("protection record")
        verbose_name_plural = _("protection records")

    def clean(self):
        _check_codes(self.risks, self.Risk, "risks")


class RecordRevision(ScopedByStudent):
    """One saved change of a record section: the values after the change and what changed
    (``{field: [before, after]}``, stored values). Append-only: written by the services, never
    changed or deleted by the application."""

    class Section(models.TextChoices):
        ABILITY = "ability", _("Ability")
        HEALTH = "health", _("Health")
        FAMILY = "family", _("Family")
        PROTECTION = "protection", _("Protection and other")

    student = student_field("record_revisions")
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    # A part of the section: "2/2568" for the grades of one term; empty for the section itself.
    item = models.CharField(_("part"), max_length=20, blank=True)
    data = models.JSONField(_("values after the change"), default=dict)
    changes = models.JSONField(_("changes"), default=dict)
    changed_by = user_field(_("changed by"), blank=True)
    # The name at the time, so the history reads right after the account is renamed or removed.
    changed_by_name = models.CharField(_("changed by"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    # Where the change came from, e.g. "From the home visit of 15 มิ.ย. 2568".
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("record revision")
        verbose_name_plural = _("record revisions")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["student", "section", "-changed_at"])]

    def __str__(self):
        return f"{self.student_id} {self.section} {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Record revisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Record revisions are append-only.")


# Guardian consent (PDPA): its own module, registered here.
from students.consent_models import GuardianConsent  # noqa: E402, F401

# Parents and students as users (docs/portal.md): their own module, registered here.
from students.family_models import AccountSlip, GuardianLink, StudentAccount  # noqa: E402, F401
