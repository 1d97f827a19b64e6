"""The home-visit form: built for a phone held in one hand (big choices, numeric keyboards), and
strict only where it matters. A draft needs a date and who visited; a visit marked done also needs
whom they met and the teacher's summary."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.dates import format_date
from carecore.forms import ThaiDateField
from visits import models as m
from visits.display import LIST_CHOICES
from visits.services import VISIT_FIELDS

# Thailand with a margin: typed coordinates outside it are almost always a slip (often latitude
# and longitude swapped).
LAT_RANGE = (Decimal("5.0"), Decimal("21.0"))
LON_RANGE = (Decimal("97.0"), Decimal("106.0"))

RADIOS = (
    "mode",
    "ownership",
    "condition",
    "material",
    "safety",
    "relations",
    "parenting",
)


class Choices(forms.RadioSelect):
    """Radio buttons drawn as large tappable chips (see visits.css)."""

    template_name = "visits/widgets/choices.html"
    option_template_name = "django/forms/widgets/radio_option.html"


class Checks(forms.CheckboxSelectMultiple):
    template_name = "visits/widgets/choices.html"
    option_template_name = "django/forms/widgets/checkbox_option.html"


class VisitForm(forms.ModelForm):
    date = ThaiDateField(label=_("Date of the visit"))

    class Meta:
        model = m.HomeVisit
        fields = VISIT_FIELDS
        widgets = {
            "remote_reason": forms.Textarea(attrs={"rows": 2}),
            "environment_note": forms.Textarea(attrs={"rows": 2}),
            "duties_at_home": forms.Textarea(attrs={"rows": 2}),
            "family_requests": forms.Textarea(attrs={"rows": 2}),
            "problems_note": forms.Textarea(attrs={"rows": 2}),
            "help_note": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "location_source": forms.HiddenInput,
            "lives_with": forms.Select,
            "parents_status": forms.Select,
            "travel_mode": forms.Select,
        }

    def __init__(self, *args, academic_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        for name, choices in LIST_CHOICES.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=m.HomeVisit._meta.get_field(name).verbose_name.capitalize(),
                choices=choices.choices,
                widget=Checks,
                required=False,
            )
        for name in RADIOS:
            field = self.fields[name]
            field.widget = Choices(choices=[c for c in field.choices if c[0] != ""])
            field.choices = field.widget.choices
        self.fields["mode"].required = True
        numeric = {"inputmode": "numeric"}
        decimal = {"inputmode": "decimal"}
        for name in ("household_size", "income_per_month", "travel_minutes", "travel_cost_baht"):
            self.fields[name].widget.attrs.update(numeric)
            self.fields[name].widget.attrs["min"] = 0
        self.fields["travel_distance_km"].widget.attrs.update(decimal)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({**decimal, "step": "any"})
        self.fields["location_accuracy_m"].widget.attrs.update(numeric)
        self.fields["household_size"].widget.attrs["max"] = 40
        self.fields["visitors"].widget.attrs["autocomplete"] = "off"
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (Choices, Checks, forms.HiddenInput)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def clean_date(self):
        day: datetime.date = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise ValidationError(_("The visit cannot be in the future."))
        year = self.academic_year
        if year is not None and not (year.start <= day <= year.end):
            raise ValidationError(
                _("The date must fall in academic year %(year)s (%(start)s – %(end)s).")
                % {
                    "year": year.year,
                    "start": format_date(year.start),
                    "end": format_date(year.end),
                }
            )
        return day

    def clean_household_size(self):
        size = self.cleaned_data.get("household_size")
        if size is not None and not 1 <= size <= 40:
            raise ValidationError(_("Enter the number of people living in the house (1–40)."))
        return size

    def clean_income_per_month(self):
        income = self.cleaned_data.get("income_per_month")
        if income is not None and income > 2_000_000:
            raise ValidationError(_("Enter the household's income per month in baht."))
        return income

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode and mode != m.HomeVisit.Mode.HOME and not (data.get("remote_reason") or "").strip():
            self.add_error(
                "remote_reason",
                _("Say why the visit was not made at the student's home."),
            )
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error(
                "latitude" if lat is None else "longitude",
                _("Enter both latitude and longitude, or neither."),
            )
        elif lat is not None:
            in_lat = LAT_RANGE[0] <= lat <= LAT_RANGE[1]
            in_lon = LON_RANGE[0] <= lon <= LON_RANGE[1]
            swapped = LAT_RANGE[0] <= lon <= LAT_RANGE[1] and LON_RANGE[0] <= lat <= LON_RANGE[1]
            if swapped:
                self.add_error(
                    "latitude",
                    _(
                        "Latitude and longitude look swapped: in Thailand the latitude is "
                        "about 5–21 and the longitude about 97–106."
                    ),
                )
            elif not (in_lat and in_lon):
                self.add_error(
                    "latitude",
                    _("This location is outside Thailand. Check the numbers."),
                )
            if not data.get("location_source"):
                data["location_source"] = m.HomeVisit.LocationSource.TYPED
        else:
            data["location_source"] = ""
            data["location_accuracy_m"] = None
        return data

    def check_done(self) -> bool:
        """The extra answers a finished visit needs (called when the teacher marks it done)."""
        if not self.is_valid():
            return False
        if not self.cleaned_data.get("met") and not self.cleaned_data.get("met_other"):
            self.add_error("met", _("Tick whom you met (or write it under other)."))
        if not (self.cleaned_data.get("summary") or "").strip():
            self.add_error("summary", _("Write your summary of the visit before marking it done."))
        return not self.errors

    def visit_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in VISIT_FIELDS}


class PhotoForm(forms.Form):
    """Photos from the phone's camera, one box per kind (the three the paper form asks for)."""

    outside = forms.FileField(label=m.VisitPhoto.Kind.OUTSIDE.label, required=False)
    inside = forms.FileField(label=m.VisitPhoto.Kind.INSIDE.label, required=False)
    family = forms.FileField(label=m.VisitPhoto.Kind.FAMILY.label, required=False)
    other = forms.FileField(label=m.VisitPhoto.Kind.OTHER.label, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update(
                {"accept": "image/*", "capture": "environment", "class": "form-control"}
            )

    def uploads(self) -> list[tuple[str, object]]:
        return [
            (kind, self.files[kind])
            for kind in ("outside", "inside", "family", "other")
            if self.files.get(kind)
        ]


class RecordUpdateForm(forms.Form):
    """The facts the teacher confirms copying from the visit into the cumulative record."""

    fields_to_copy = forms.MultipleChoiceField(
        label=_("Copy into the cumulative record"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, differences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields_to_copy"].choices = [(d.field, d.field) for d in differences]
        self.fields["fields_to_copy"].initial = [d.field for d in differences]
