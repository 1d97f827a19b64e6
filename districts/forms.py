from django import forms
from django.utils.translation import gettext_lazy as _

from carecore.models import Role, User
from carecore.thai import thai_order
from districts.models import District
from schools.forms import StaffCreateForm
from schools.models import School

# The district administrator gives roles below their own (separation of duties: another
# district administrator is made by a superuser in the admin).
DISTRICT_GRANTABLE_ROLES = [
    Role.DISTRICT_SUPERVISOR,
    Role.NETWORK_SUPERVISOR,
    Role.COORDINATOR,
    Role.DIRECTOR,
]


def district_choice(label, **kwargs) -> forms.ModelChoiceField:
    """An optional choice of one of the district's networks or schools: the form's
    ``__init__`` sets the queryset to the district's own."""
    return forms.ModelChoiceField(label=label, queryset=None, required=False, **kwargs)


class DistrictStaffCreateForm(StaffCreateForm):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in DISTRICT_GRANTABLE_ROLES]
    )
    network = district_choice(_("Network"), help_text=_("For a network supervisor."))
    school = district_choice(_("School"), help_text=_("For a school coordinator or director."))

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["network"].queryset = district.networks.all()
        self.fields["school"].queryset = School.objects.filter(district=district).order_by("name")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.NETWORK_SUPERVISOR and not cleaned.get("network"):
            self.add_error("network", _("Choose the network this supervisor covers."))
        if role in (Role.COORDINATOR, Role.DIRECTOR) and not cleaned.get("school"):
            self.add_error("school", _("Choose the school."))
        return cleaned

    def membership(self) -> dict:
        role = self.cleaned_data["role"]
        if role == Role.NETWORK_SUPERVISOR:
            return {"role": role, "network": self.cleaned_data["network"]}
        if role in (Role.COORDINATOR, Role.DIRECTOR):
            return {"role": role, "school": self.cleaned_data["school"]}
        return {"role": role, "district": self.district}


class DistrictSecurityForm(forms.ModelForm):
    """The district's account-security choices (the district administrator's)."""

    class Meta:
        model = District
        fields = ["require_mfa_for_homeroom"]


class SchoolLeaderGrantForm(forms.Form):
    """Give the director or coordinator role at a school to someone who already works there."""

    person = forms.ModelChoiceField(
        label=_("Staff member of the school"),
        queryset=None,
        help_text=_(
            "Someone who already has an account with a role at this school. For someone new, "
            "create the account with this role under Staff accounts."
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in (Role.DIRECTOR, Role.COORDINATOR)]
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(memberships__school=school, is_active=True)
            .distinct()
            .order_by(thai_order("first_name"), thai_order("last_name"))
        )
        self.fields["person"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"
