"""Step 5 of the care process: referral inside and outside the school.

- ``Agency``: the district's directory of partner agencies (hospitals, รพ.สต., police, the
  provincial social development office, children's homes, foundations) that schools refer to.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    HEALTH_PROMOTING_HOSPITAL = (
        "health_promoting_hospital",
        _("Sub-district health-promoting hospital (รพ.สต.)"),
    )
    PSYCHIATRY = "psychiatry", _("Psychiatrist or psychologist")
    POLICE = "police", _("Police")
    SOCIAL_DEVELOPMENT = (
        "social_development",
        _("Provincial social development and human security office"),
    )
    CHILDRENS_HOME = "childrens_home", _("Children's home")
    FOUNDATION = "foundation", _("Foundation or NGO")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A partner agency in a district's directory. Not owned by a school: every school of the
    district refers to the same directory, which the district keeps."""

    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        related_name="agencies",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    contact_people = models.TextField(
        _("contact people"), blank=True, help_text=_("One per line: name, position, phone.")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    mou_signed = models.BooleanField(_("MOU signed"), default=False)
    mou_date = models.DateField(_("MOU signed on"), null=True, blank=True)
    services = models.TextField(_("services offered"), blank=True)
    active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Agencies no longer in use stay on old referrals but cannot be chosen."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["district", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="agency_unique_name"),
        ]

    def __str__(self):
        return self.name
