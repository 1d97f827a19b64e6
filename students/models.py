import datetime
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from students.validators import mask_national_id, validate_national_id


class Student(models.Model):
    class Prefix(models.TextChoices):
        BOY = "ด.ช.", _("Master (ด.ช.)")
        GIRL = "ด.ญ.", _("Miss (ด.ญ.)")
        MR = "นาย", _("Mr (นาย)")
        MISS = "นางสาว", _("Miss (นางสาว)")

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name=_("school"),
    )
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
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = ScopedManager(school="school")

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

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("student")
    )
    classroom = models.ForeignKey(
        "schools.Classroom",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("classroom"),
    )
    # Copied from the classroom so that one enrolment per student and year can be a constraint.
    academic_year = models.ForeignKey(
        "schools.AcademicYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("academic year"),
    )
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


class Guardian(models.Model):
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

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("student")
    )
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    lives_with_student = models.BooleanField(_("lives with the student"), default=True)
    is_primary = models.BooleanField(_("main guardian"), default=False)

    objects = ScopedManager(school="student__school")

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["student", "-is_primary", "id"]

    def __str__(self):
        return f"{self.prefix}{self.first_name} {self.last_name}"


def student_import_upload_to(instance, filename: str) -> str:
    """imports/<uuid>/upload.<ext>: a random folder, and never the name the user gave."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ext = ext if ext.isalnum() and len(ext) <= 5 else "bin"
    return f"imports/{uuid.uuid4().hex}/upload.{ext}"


class StudentImport(models.Model):
    """A file of students uploaded by the coordinator: checked in a job, shown as a preview or
    as a list of problems, and imported in a second job once confirmed. The file is never
    served: MEDIA_ROOT has no URL."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has problems")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.UPLOADED, Status.VALIDATING, Status.IMPORTING)

    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="student_imports",
        verbose_name=_("school"),
    )
    academic_year = models.ForeignKey(
        "schools.AcademicYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("academic year"),
    )
    uploaded_by = models.ForeignKey(
        "carecore.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    confirmed_by = models.ForeignKey(
        "carecore.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    file = models.FileField(_("file"), upload_to=student_import_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # Problems as data ({row, field, column, code, value, params}); sentences are made when shown.
    errors = models.JSONField(_("problems"), default=list, blank=True)
    # Counts (created, updated, moved, enrolled, unchanged, classrooms_created, not_in_file),
    # the classrooms of the file once imported, and the first rows as a preview.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager(school="school")

    class Meta:
        verbose_name = _("student import")
        verbose_name_plural = _("student imports")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
