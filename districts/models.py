from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import district_field, optional_link
from carecore.models import JobStatus


class District(models.Model):
    """An Educational Service Area office (สพป./สพม.)."""

    class Level(models.TextChoices):
        PRIMARY = "primary", _("Primary (สพป.)")
        SECONDARY = "secondary", _("Secondary (สพม.)")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_.-]{1,20}$",
                _("Use Latin letters, digits and . _ - only (it appears in addresses)."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    province = models.CharField(_("province"), max_length=100)
    # --- retention (helper pdpa2) ---
    # How long the personal data of a student who left is kept (docs/privacy.md): a policy of
    # the district, set by its administrator; the purge (districts/retention.py) anonymises the
    # students whose last academic year ended this many years ago.
    retention_years = models.PositiveSmallIntegerField(
        _("years personal data is kept after a student leaves"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "Counted from the end of the student's last academic year at the school. "
            "Counts for the dashboards are kept; names, ID numbers, notes and photos are removed."
        ),
    )
    # --- end retention ---
    require_mfa_for_homeroom = models.BooleanField(
        _("homeroom teachers must use two-factor authentication"),
        default=False,
        help_text=_(
            "Staff who see many students or sensitive data always must. Turn this on to require "
            "it of homeroom teachers too."
        ),
    )

    class Meta:
        verbose_name = _("district office")
        verbose_name_plural = _("district offices")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Network(models.Model):
    """A school network (กลุ่มเครือข่าย) inside a district, usually one อำเภอ."""

    district = district_field("networks")
    name = models.CharField(_("name"), max_length=200)
    amphoe = models.CharField(_("amphoe"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("school network")
        verbose_name_plural = _("school networks")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="network_unique_name"),
        ]

    def __str__(self):
        return self.name


# --- retention (helper pdpa2) ---
class RetentionRun(models.Model):
    """One run of the retention purge of a district (districts/retention.py): a dry run that
    only reports what would be anonymised, or the real run that a person confirmed after
    reading a dry run's report. The real run anonymises only students the dry run listed (and
    that are still past the retention period)."""

    Status = JobStatus

    district = district_field("retention_runs")
    dry_run = models.BooleanField(_("dry run"), default=True)
    # The dry run a real run carries out.
    confirms = optional_link("self", _("dry run confirmed"), "real_runs")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    retention_years = models.PositiveSmallIntegerField(_("retention (years)"))
    # Students whose last academic year ended on or before this date are past retention.
    cutoff = models.DateField(_("last year ended on or before"))
    created_by, created = act_fields(_("started by"), _("started"), when=CREATED)
    created_by_name = models.CharField(_("started by"), max_length=200, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Counts per school and in total (what would be, or was, anonymised and removed).
    report = models.JSONField(_("report"), default=dict, blank=True)
    # The students found (dry run) or anonymised (real run).
    student_ids = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.district} {self.created:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# --- end retention ---
