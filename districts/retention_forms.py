from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import District


class RetentionSettingsForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["retention_years"]
        error_messages = {
            "retention_years": {
                "min_value": _("Keep the data at least 1 year."),
                "max_value": _("Keep the data at most 50 years."),
                "invalid": _("Enter a whole number of years."),
                "required": _("Enter a whole number of years."),
            }
        }


class RetentionConfirmForm(forms.Form):
    understood = forms.BooleanField(
        label=_(
            "I have read the report. The personal data of these students will be removed and "
            "cannot be brought back."
        ),
        error_messages={"required": _("Tick the box to confirm that you have read the report.")},
    )
