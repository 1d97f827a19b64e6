import datetime
import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from carecore.model_fields import (
    SchoolScoped,
    academic_year_field,
    account_field,
    classroom_field,
    district_field,
    ends_after_start,
    network_field,
    school_field,
)

BE_OFFSET = 543

school_code_validator = RegexValidator(r"^\d{10}$", _("An OBEC school code has exactly 10 digits."))


def emblem_upload_to(instance, filename: str) -> str:
    # A random part in the name: an old emblem's address never shows the new one, and a name
    # cannot be guessed (nothing serves MEDIA_ROOT; the emblem view checks permissions).
    return f"emblems/{instance.pk or 'new'}-{secrets.token_hex(8)}.png"


class School(models.Model):
    class Size(models.TextChoices):
        # OBEC size classes by number of students.
        SMALL = "small", _("Small (up to 120 students)")
        MEDIUM = "medium", _("Medium (121–600 students)")
        LARGE = "large", _("Large (601–1,500 students)")
        EXTRA_LARGE = "extra_large", _("Extra large (over 1,500 students)")

    code = models.CharField(
        _("OBEC school code"), max_length=10, unique=True, validators=[school_code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    district = district_field("schools", on_delete=models.PROTECT)
    network = network_field("schools", on_delete=models.PROTECT, null=True, blank=True)
    size = models.CharField(_("size"), max_length=12, choices=Size.choices, default=Size.SMALL)
    # Document settings: the emblem printed in the header of the school's documents.
    emblem = models.ImageField(_("emblem"), upload_to=emblem_upload_to, blank=True)
    document_thai_digits = models.BooleanField(
        _("Use Thai digits on documents"),
        default=False,
        help_text=_("Print every number and date on this school's documents in Thai digits."),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["code"]

    def __str__(self):
        return self.name


class AcademicYear(models.Model):
    """A Thai academic year, named by its Buddhist Era year (2568 starts in May 2025)."""

    year = models.PositiveIntegerField(_("academic year (BE)"), unique=True)
    start = models.DateField(_("starts"))
    end = models.DateField(_("ends"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-year"]
        constraints = [ends_after_start("year_ends_after_start")]

    def __str__(self):
        return str(self.year)

    @staticmethod
    def be_year_for(day: datetime.date) -> int:
        """The academic year a date falls in: the year starts in May."""
        return day.year + BE_OFFSET - (0 if day.month >= 5 else 1)


class Term(models.Model):
    academic_year = academic_year_field("terms", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField(_("term"), choices=[(1, "1"), (2, "2")])
    start = models.DateField(_("starts"))
    end = models.DateField(_("ends"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["academic_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "number"], name="term_unique_number"),
            ends_after_start("term_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.number}/{self.academic_year.year}"


class Grade(models.IntegerChoices):
    """Grades in teaching order: kindergarten, primary (ป.), lower and upper secondary (ม.)."""

    K1 = 1, _("K.1")
    K2 = 2, _("K.2")
    K3 = 3, _("K.3")
    P1 = 4, _("P.1")
    P2 = 5, _("P.2")
    P3 = 6, _("P.3")
    P4 = 7, _("P.4")
    P5 = 8, _("P.5")
    P6 = 9, _("P.6")
    M1 = 10, _("M.1")
    M2 = 11, _("M.2")
    M3 = 12, _("M.3")
    M4 = 13, _("M.4")
    M5 = 14, _("M.5")
    M6 = 15, _("M.6")


class Classroom(SchoolScoped):
    school = school_field("classrooms")
    academic_year = academic_year_field("classrooms")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    room = models.PositiveSmallIntegerField(_("room"), default=1)
    teachers = models.ManyToManyField(
        "carecore.User",
        through="HomeroomAssignment",
        related_name="homeroom_classrooms",
        verbose_name=_("homeroom teachers"),
    )

    class Meta:
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        ordering = ["academic_year", "grade", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "grade", "room"], name="classroom_unique_room"
            ),
        ]

    def __str__(self):
        return f"{self.get_grade_display()}/{self.room}"


class HomeroomAssignment(models.Model):
    """A homeroom teacher (ครูประจำชั้น/ครูที่ปรึกษา) of a classroom; a room often has two."""

    classroom = classroom_field("assignments")
    teacher = account_field("homeroom_assignments", verbose_name=_("teacher"))

    objects = ScopedManager(school="classroom__school")

    class Meta:
        verbose_name = _("homeroom assignment")
        verbose_name_plural = _("homeroom assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "teacher"], name="assignment_unique_teacher"
            ),
        ]

    def __str__(self):
        return f"{self.teacher} → {self.classroom}"
