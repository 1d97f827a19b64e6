"""The form of a student's support. It validates only; the view hands the values to
care/support/services.py. The date is typed in the Buddhist Era (15/06/2568); the amount may have
thousands separators or Thai digits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from care.models import SupportKind
from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from students.record.forms import LooseDecimalField


class SupportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—")] + list(SupportKind.choices),
        widget=forms.Select(attrs=SELECT),
    )
    source = short_text(
        _("Source"),
        help_text=_("Who gave it, e.g. the Equitable Education Fund, a foundation's name."),
        list="support-sources",
    )
    amount = LooseDecimalField(
        label=_("Amount (baht)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty for support in kind (lunch, uniforms)."),
        error_messages={"min_value": _("The amount cannot be negative.")},
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal", "autocomplete": "off"}),
    )
    date = ThaiDateField(label=_("Date received"))
    note = long_text(_("Note"), rows=2, max_length=2000, required=False)
