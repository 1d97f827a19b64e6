"""The behaviour forms: an incident (the quick phone form), a correction activity, a category,
and cancelling an incident."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from behaviour.models import MAX_POINTS, Category, Kind
from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text


class IncidentForm(forms.Form):
    """``student_lookup(pk)`` gives the school's student or None; ``categories`` the school's
    categories in use."""

    student = forms.IntegerField(
        label=_("Student"),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose the student.")},
    )
    category = forms.ModelChoiceField(
        label=_("What happened"),
        queryset=Category.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what happened."),
            "invalid_choice": _("Choose one of the school's categories in use."),
        },
    )
    date = ThaiDateField(label=_("Date"))
    description = long_text(_("Note (optional)"), rows=2, max_length=2000, required=False)

    def __init__(self, *args, student_lookup, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.student_lookup = student_lookup
        self.fields["category"].queryset = categories
        self.fields["date"].initial = timezone.localdate()
        self.chosen_student = None

    def clean_student(self):
        student = self.student_lookup(self.cleaned_data["student"])
        if student is None:
            raise forms.ValidationError(_("Choose the student."))
        self.chosen_student = student
        return student


class CorrectionForm(forms.Form):
    activity = short_text(
        _("Activity"), help_text=_("What the student did, e.g. cleaning the school grounds.")
    )
    date = ThaiDateField(label=_("Date"))
    hours = forms.DecimalField(
        label=_("Hours (optional)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("200"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "decimal", "step": "0.5"}),
    )
    points = forms.IntegerField(
        label=_("Points given back"),
        min_value=1,
        max_value=MAX_POINTS,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    note = long_text(_("Note (optional)"), rows=2, max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class CategoryForm(forms.ModelForm):
    points = forms.IntegerField(
        label=_("points"),
        min_value=1,
        max_value=MAX_POINTS,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )

    class Meta:
        model = Category
        fields = ("name", "kind", "points", "sensitive", "tell_parent", "active", "order")
        widgets = {
            "name": forms.TextInput(attrs=TEXT),
            "kind": forms.Select(attrs=SELECT),
            "order": forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Kind.choices

    def validate_unique(self):
        """The service checks the school's names (the form has no school field)."""

    def _post_clean(self):
        # The model's checks run in the service (category_save), on the school's row.
        pass


class CancelForm(forms.Form):
    reason = short_text(_("Why cancel it"), max_length=300)
