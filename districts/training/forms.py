"""The form of a course: what, who provided it, when, how many hours, an optional file, and who
attended (staff ticked, names typed). It validates only; ``districts.training.services`` saves."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.activities.forms import validate_attachment
from carecore.forms import ModelMultipleChoiceField, ThaiDateField, long_text, short_text

MAX_TYPED = 200


class StaffChoiceField(ModelMultipleChoiceField):
    """Staff as memberships (a person at a school): "name · school" at the district."""

    def __init__(self, *args, with_school: bool, **kwargs):
        self.with_school = with_school
        super().__init__(*args, **kwargs)

    def label_from_instance(self, m):
        name = m.user.get_full_name() or m.user.username
        return f"{name} · {m.school.name}" if self.with_school else name


class CourseForm(forms.Form):
    title = short_text(
        pgettext_lazy("training", "Course"),
        help_text=_("The course, workshop or meeting attended."),
    )
    provider = short_text(pgettext_lazy("training", "Provided by"), required=False)
    starts_on = ThaiDateField(label=pgettext_lazy("training", "From"))
    ends_on = ThaiDateField(label=pgettext_lazy("training", "To"))
    hours = forms.DecimalField(
        label=pgettext_lazy("training", "Hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal("2000"),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
    )
    attendees = StaffChoiceField(
        label=_("Staff who attended"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        with_school=False,
    )
    others = long_text(
        _("Others who attended"),
        rows=3,
        required=False,
        max_length=10000,
        help_text=_("One name a line: people without an account (not counted in the figure)."),
    )
    certificate = forms.FileField(
        label=_("Certificate or order (optional)"),
        required=False,
        help_text=_("A PDF, a picture or an Office document, at most 10 MB."),
    )

    def __init__(self, *args, memberships, with_school: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = memberships
        self.fields["attendees"].with_school = with_school

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload:
            validate_attachment(upload)
        return upload

    def clean_others(self):
        names = [n.strip()[:200] for n in self.cleaned_data["others"].splitlines() if n.strip()]
        if len(names) > MAX_TYPED:
            raise forms.ValidationError(_("At most %(n)s names.") % {"n": MAX_TYPED})
        return names

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("attendees") and not data.get("others"):
            raise forms.ValidationError(_("Tick the staff who attended or type their names."))
        return data
