from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import DistrictTargets
from dashboards.selectors import TARGET_FIGURES, TARGET_KEYS

PERCENT_ERRORS = {
    "required": _("Give a percent from 0 to 100."),
    "invalid": _("Give a whole number from 0 to 100."),
    "min_value": _("Give a percent from 0 to 100."),
    "max_value": _("Give a percent from 0 to 100."),
}


class TargetsForm(forms.ModelForm):
    """The district's five targets, percents from 0 to 100."""

    class Meta:
        model = DistrictTargets
        fields = list(TARGET_KEYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for figure in TARGET_FIGURES:
            self.fields[figure.key] = forms.IntegerField(
                label=figure.label,
                min_value=0,
                max_value=100,
                error_messages=PERCENT_ERRORS,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "inputmode": "numeric", "min": 0, "max": 100}
                ),
            )

    def changes(self) -> dict[str, list[int]]:
        """{field: [old, new]} of the changed targets, for the audit log."""
        return {
            key: [self.initial.get(key), self.cleaned_data[key]]
            for key in self.changed_data
            if key in TARGET_KEYS
        }
