from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: teacher, school staff or district staff."""

    prefix = models.CharField(_("prefix"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=[("th", "ภาษาไทย"), ("en", "English")],
        default="th",
        help_text=_("Language of the screens and of documents made for this person."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.prefix}{self.first_name} {self.last_name}".strip()
        return name or self.username


class Role(models.TextChoices):
    # School roles
    HOMEROOM = "homeroom", _("Homeroom teacher")
    COUNSELLOR = "counsellor", _("Guidance counsellor")
    DISCIPLINE = "discipline", _("Discipline office")
    NURSE = "nurse", _("School nurse")
    COORDINATOR = "coordinator", _("Care-system coordinator")
    DIRECTOR = "director", _("Director")
    # Network role
    NETWORK_SUPERVISOR = "network_supervisor", _("Network supervisor")
    # District roles
    DISTRICT_SUPERVISOR = "district_supervisor", _("District supervisor")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


SCHOOL_ROLES = frozenset(
    {Role.HOMEROOM, Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE, Role.COORDINATOR, Role.DIRECTOR}
)
NETWORK_ROLES = frozenset({Role.NETWORK_SUPERVISOR})
DISTRICT_ROLES = frozenset({Role.DISTRICT_SUPERVISOR, Role.DISTRICT_ADMIN})


class Membership(models.Model):
    """A role a user holds at exactly one school, network or district. A user may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("school"),
    )
    network = models.ForeignKey(
        "districts.Network",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("network"),
    )
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("district"),
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    Q(
                        role__in=sorted(SCHOOL_ROLES),
                        school__isnull=False,
                        network__isnull=True,
                        district__isnull=True,
                    )
                    | Q(
                        role__in=sorted(NETWORK_ROLES),
                        school__isnull=True,
                        network__isnull=False,
                        district__isnull=True,
                    )
                    | Q(
                        role__in=sorted(DISTRICT_ROLES),
                        school__isnull=True,
                        network__isnull=True,
                        district__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "school"],
                condition=Q(school__isnull=False),
                name="membership_unique_school_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "network"],
                condition=Q(network__isnull=False),
                name="membership_unique_network_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="membership_unique_district_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.place}"

    @property
    def place(self):
        return self.school or self.network or self.district
