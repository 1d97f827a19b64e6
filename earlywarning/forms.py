"""The district's early-warning settings: one number box per weight and threshold of the model
(``model.PARAMS``), each within its bounds, in the model's groups. A refused value shows its
message beside the box, with what was typed kept."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from earlywarning.model import PARAMS, params_errors

# The model's groups, in its order (docs/early-warning.md), each threshold beside its weight.
SECTIONS = (
    (_("Attendance"), ("absent_days", "absent_weight", "rate_below", "rate_weight")),
    (_("Behaviour"), ("conduct_below", "conduct_weight", "deductions", "deductions_weight")),
    (
        _("Course results"),
        ("gpa_drop", "gpa_drop_weight", "gpa_below", "gpa_low_weight", "failed", "failed_weight"),
    ),
    (_("Screening"), ("care_problem_weight", "care_risk_weight")),
    (
        _("Family and life"),
        (
            "income_below",
            "poverty_weight",
            "not_with_parent_weight",
            "visit_weight",
            "moves",
            "moves_weight",
        ),
    ),
    (_("Levels"), ("watch_score", "high_score")),
)


def _number(v) -> str:
    return f"{v:g}" if isinstance(v, int) else f"{v:.2f}"


def _field(spec) -> forms.Field:
    bounds = {"low": _number(spec.low), "high": _number(spec.high)}
    out_of_bounds = _("Give a number from %(low)s to %(high)s.") % bounds
    errors = {
        "required": out_of_bounds,
        "invalid": out_of_bounds,
        "min_value": out_of_bounds,
        "max_value": out_of_bounds,
        "max_decimal_places": _("At most two decimal places."),
        "max_digits": out_of_bounds,
        "max_whole_digits": out_of_bounds,
    }
    help_text = _("Default %(default)s · from %(low)s to %(high)s") % {
        "default": _number(spec.default),
        **bounds,
    }
    attrs = {"class": "form-control", "min": spec.low, "max": spec.high}
    if spec.is_int:
        return forms.IntegerField(
            label=spec.label,
            min_value=spec.low,
            max_value=spec.high,
            help_text=help_text,
            error_messages=errors,
            widget=forms.NumberInput(attrs={**attrs, "inputmode": "numeric", "step": 1}),
        )
    return forms.DecimalField(
        label=spec.label,
        min_value=Decimal(str(spec.low)),
        max_value=Decimal(str(spec.high)),
        max_digits=6,
        decimal_places=2,
        help_text=help_text,
        error_messages=errors,
        widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal", "step": "0.01"}),
    )


class SettingsForm(forms.Form):
    # The settings' revision the form was opened at: a save by someone else since is refused.
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, spec in PARAMS.items():
            self.fields[name] = _field(spec)

    @classmethod
    def initial_for(cls, params: dict, revision: int) -> dict:
        """The district's values as the boxes show them (0.80, not 0.8)."""
        shown = {
            name: value if PARAMS[name].is_int else Decimal(f"{value:.2f}")
            for name, value in params.items()
            if name in PARAMS
        }
        return {**shown, "revision": revision}

    def params(self) -> dict:
        """The values as the model stores them (whole numbers, and floats for the rest)."""
        return {
            name: value if spec.is_int else float(value)
            for name, spec in PARAMS.items()
            if (value := self.cleaned_data.get(name)) is not None
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for name, message in params_errors(self.params()).items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def sections(self) -> list[tuple[str, list]]:
        """The bound fields in the model's groups."""
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]
