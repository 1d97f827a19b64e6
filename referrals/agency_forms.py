"""Forms of the district's directory of partner agencies (docs/referrals.md, "The directory").

The forms validate only; ``referrals.agency_services`` saves.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.forms import SELECT, TEXT, ThaiDateField, short_text
from referrals.models import Agency, AgencyKind

# One number: digits with spaces, dashes, dots or brackets, "+66" for 0, and an extension.
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-().]+$")
_EXTENSION = re.compile(r"\s*(?:ต่อ|ext\.?|x|#)\s*(\d{1,5})\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[,;/]\s*")


def _format_number(digits: str) -> str | None:
    """A Thai number written the usual way, or None when it is not one.

    Landlines have 9 digits (02-123-4567 in Bangkok, 043-123-456 in the provinces), mobiles 10
    (081-234-5678), hotlines 3 or 4 digits starting with 1 (191, 1300, 1323)."""
    if re.fullmatch(r"1\d{2,3}", digits):
        return digits
    if re.fullmatch(r"02\d{7}", digits):
        return f"{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    if re.fullmatch(r"0[3-7]\d{7}", digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if re.fullmatch(r"0[689]\d{8}", digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return None


def normalize_thai_phone(value: str) -> str:
    """One or more Thai phone numbers (separated by commas, semicolons or slashes), each written
    as 043-123-456 / 081-234-5678, with an extension kept as "ต่อ 12".

    Raises ValidationError naming the first part that is not a Thai number."""
    value = (value or "").strip()
    if not value:
        return ""
    numbers = []
    for part in _SEPARATORS.split(value):
        if not part:
            continue
        extension = ""
        match = _EXTENSION.search(part)
        if match:
            extension = match.group(1)
            part = part[: match.start()]
        formatted = None
        if _PHONE_CHARS.match(part):
            digits = re.sub(r"\D", "", part)
            if part.lstrip().startswith("+"):
                digits = "0" + digits[2:] if digits.startswith("66") else ""
            formatted = _format_number(digits)
        if formatted is None:
            raise ValidationError(
                _(
                    "“%(value)s” is not a Thai phone number. Write it like 043-123-456 "
                    "(landline), 081-234-5678 (mobile) or 1300 (hotline)."
                ),
                code="invalid_phone",
                params={"value": part.strip() or value},
            )
        numbers.append(f"{formatted} ต่อ {extension}" if extension else formatted)
    return ", ".join(numbers)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


class AgencyForm(forms.Form):
    """Add or edit a partner agency of ``district`` (``agency`` when editing)."""

    name = short_text(_("Agency name"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "---------"), *AgencyKind.choices],
        widget=forms.Select(attrs=SELECT),
    )
    phone = short_text(
        _("Phone"),
        max_length=50,
        required=False,
        help_text=_("For example 043-123-456 or 081-234-5678; several separated by commas."),
        inputmode="tel",
        autocomplete="off",
    )
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput(attrs=TEXT))
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    contact_people = forms.CharField(
        label=_("Contact people"),
        required=False,
        help_text=_("One per line: name, position, phone."),
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )
    services = forms.CharField(
        label=_("Services offered"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    mou_signed = forms.BooleanField(label=_("An MOU is signed with this agency"), required=False)
    mou_date = ThaiDateField(label=_("MOU signed on"), required=False)

    def __init__(self, *args, district, agency: Agency | None = None, **kwargs):
        self.district = district
        self.agency = agency
        if agency is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_from(agency))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(agency: Agency) -> dict:
        return {
            "name": agency.name,
            "kind": agency.kind,
            "phone": agency.phone,
            "email": agency.email,
            "address": agency.address,
            "contact_people": agency.contact_people,
            "services": agency.services,
            "mou_signed": agency.mou_signed,
            "mou_date": agency.mou_date,
        }

    def clean_name(self) -> str:
        name = _squash(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Enter the agency's name."), code="required")
        same = Agency.objects.filter(district=self.district, name__iexact=name)
        if self.agency is not None:
            same = same.exclude(pk=self.agency.pk)
        if same.exists():
            raise ValidationError(
                _("The directory already has an agency named “%(name)s”."),
                code="duplicate",
                params={"name": name},
            )
        return name

    def clean_phone(self) -> str:
        return normalize_thai_phone(self.cleaned_data["phone"])

    def clean_contact_people(self) -> str:
        lines = [_squash(line) for line in self.cleaned_data["contact_people"].splitlines()]
        return "\n".join(line for line in lines if line)

    def clean_mou_date(self):
        date = self.cleaned_data["mou_date"]
        if date and date > timezone.localdate():
            raise ValidationError(_("The MOU date cannot be in the future."), code="future")
        return date

    def clean(self):
        data = super().clean()
        if data.get("mou_date") and not data.get("mou_signed"):
            self.add_error(
                "mou_date",
                _("Tick “An MOU is signed” or leave the date empty."),
            )
        return data

    # What the services take as it was cleaned (agency_fields).
    CLEANED_FIELDS = ("name", "kind", "phone", "email", "contact_people", "mou_signed")

    def agency_fields(self) -> dict:
        """What the services take."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.CLEANED_FIELDS},
            "address": data["address"].strip(),
            "services": data["services"].strip(),
            "mou_date": data["mou_date"] if data["mou_signed"] else None,
        }


class AgencyFilterForm(forms.Form):
    """The list's filters (GET): kind, a part of the name, MOU, in use."""

    YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]

    q = forms.CharField(
        label=_("Search by name or service"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *AgencyKind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    mou = forms.ChoiceField(
        label=_("MOU signed"),
        required=False,
        choices=YES_NO,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    active = forms.ChoiceField(
        label=_("In use"),
        required=False,
        choices=YES_NO,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def filters(self) -> dict:
        """Valid filters only: a bad value is ignored, as if it were not given."""
        self.is_valid()
        data = self.cleaned_data  # holds the fields that are valid
        yes_no = {"yes": True, "no": False}
        return {
            "q": _squash(data.get("q") or ""),
            "kind": data.get("kind") or "",
            "mou": yes_no.get(data.get("mou") or ""),
            "active": yes_no.get(data.get("active") or ""),
        }
