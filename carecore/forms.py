from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from carecore.dates import format_date, parse_date


class ThaiDateInput(forms.TextInput):
    """A text box for dd/mm/yyyy with a Buddhist Era year; numeric keyboard on phones."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": _("dd/mm/yyyy (B.E.)"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "thai-date",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "year"):
            return format_date(value, "numeric")
        return value


class ThaiDateField(forms.Field):
    """Accepts 15/06/2568 (Buddhist Era), 15/6/68, 15/06/2025 and 2025-06-15."""

    widget = ThaiDateInput
    default_error_messages = {
        "invalid": _("Enter a date as day/month/year in the Buddhist Era, for example 15/06/2568."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        parsed = parse_date(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed
