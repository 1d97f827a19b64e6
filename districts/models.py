from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="networks", verbose_name=_("district")
    )
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
