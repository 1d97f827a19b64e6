"""The form of a LINE Official Account (carecore/channels.py), in the admin and on the district
administrator's page: the channel secret and access token are typed in and never shown again
(left empty on an edit, they are kept)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from carecore.models import LineAccount

_SECRET_FIELDS = ("channel_secret", "access_token")


class LineAccountForm(forms.ModelForm):
    channel_secret = forms.CharField(
        label=_("channel secret"),
        required=False,
        max_length=100,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    access_token = forms.CharField(
        label=_("channel access token"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = LineAccount
        fields = ["name", "owner", "basic_id", "channel_id", *_SECRET_FIELDS, "active"]

    def _kept(self, name):
        value = (self.cleaned_data.get(name) or "").strip() or getattr(self.instance, name, "")
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value

    def clean_channel_secret(self):
        return self._kept("channel_secret")

    def clean_access_token(self):
        return self._kept("access_token")

    def clean_basic_id(self):
        basic_id = self.cleaned_data["basic_id"].strip()
        return basic_id if basic_id.startswith("@") else f"@{basic_id}"

    @property
    def public_changed_data(self) -> list[str]:
        """What changed, for the audit log: a new secret or token is said to change, never
        what it is."""
        return [
            name for name in self.changed_data if name not in _SECRET_FIELDS or self.data.get(name)
        ]


class DistrictLineAccountForm(LineAccountForm):
    """The district administrator's: the account is the district office's or one of its
    schools'."""

    owner = forms.ChoiceField(label=_("owner"))

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            (f"district:{district.pk}", district.name),
            *((f"school:{s.pk}", s.name) for s in district.schools.order_by("name")),
        ]
