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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's limits (1 to 50 years) on the form field itself, so that a number beyond
        # them is refused before the form copies it into the district: the page computes the
        # district's cutoff date, and a huge number overflowed the date arithmetic (a 500).
        self.fields["retention_years"].validators = list(
            District._meta.get_field("retention_years").validators
        )


class RetentionConfirmForm(forms.Form):
    understood = forms.BooleanField(
        label=_(
            "I have read the report. The personal data of these students will be removed and "
            "cannot be brought back."
        ),
        error_messages={"required": _("Tick the box to confirm that you have read the report.")},
    )
