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


# --- the fields the apps' forms share (Bootstrap classes on their widgets) ------------------------
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def text_area(rows: int = 3, **attrs) -> forms.Textarea:
    """A text box ``rows`` lines high."""
    return forms.Textarea(attrs={"rows": rows, "class": "form-control", **attrs})


def long_text(
    label, *, rows: int = 3, max_length: int = 5000, required: bool = True, help_text=""
) -> forms.CharField:
    """A text written in a box: a reason, what was done, a note."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=text_area(rows),
        help_text=help_text,
    )


def short_text(
    label, *, max_length: int = 200, required: bool = True, help_text="", **attrs
) -> forms.CharField:
    """A line of text: a name, a phone number (``attrs`` add to the input's)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={**TEXT, **attrs}),
        help_text=help_text,
    )


def refuse_too_large(upload, max_bytes: int, message) -> None:
    """Refuse an uploaded file over ``max_bytes``; ``message`` says its size as %(size)s MB."""
    if upload.size > max_bytes:
        raise forms.ValidationError(
            message, code="too_large", params={"size": f"{upload.size / 1024 / 1024:.1f}"}
        )


# The widest integer a database column holds (PostgreSQL bigint, SQLite's 64-bit INTEGER).
_BIGINT = 2**63


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a number no primary key can be as an invalid choice: SQLite
    raises OverflowError on it inside the ``pk__in`` query (a 500), PostgreSQL finds nothing."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                number = int(str(pk).strip())
            except ValueError:
                continue  # Django's own check says it is not a key
            if not -_BIGINT <= number < _BIGINT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
