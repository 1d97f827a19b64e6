"""Forms of the district fund. They validate only; ``districts.fund.services`` saves. Amounts
may be typed with thousands separators or Thai digits (LooseDecimalField); dates in the
Buddhist Era."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from schools.models import AcademicYear
from students.record.forms import LooseDecimalField


def baht_field(label, *, min_value=0, help_text="") -> LooseDecimalField:
    return LooseDecimalField(
        label=label,
        min_value=min_value,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        error_messages={"min_value": _("The amount cannot be negative.")},
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal", "autocomplete": "off"}),
    )


class FundForm(forms.Form):
    academic_year = forms.ModelChoiceField(
        label=_("Academic year"),
        queryset=AcademicYear.objects.order_by("-year"),
        widget=forms.Select(attrs=SELECT),
    )
    title = short_text(pgettext_lazy("fund", "Title"))
    budget = baht_field(pgettext_lazy("fund", "Budget (baht)"))
    amount_per_student = baht_field(
        _("Amount per student (baht)"), help_text=_("What each selected student receives.")
    )
    criteria = long_text(
        pgettext_lazy("fund", "Selection criteria"),
        rows=6,
        max_length=5000,
        help_text=_("One criterion a line. The schools read them when the fund is published."),
    )
    opens_on = ThaiDateField(label=_("Nominations open on"))
    closes_on = ThaiDateField(label=_("Nominations close on"))
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fund=None, **kwargs):
        if fund is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(fund, name) for name in (*self.base_fields, "academic_year")}
                | {"revision": fund.revision},
            )
        super().__init__(*args, **kwargs)
        if fund is not None:
            # The year of a fund stays (its nominations are of that year's students).
            del self.fields["academic_year"]

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("Nominations close before they open."))
        return data


class NominationForm(forms.Form):
    reason = long_text(
        _("Why the student needs the fund"),
        rows=4,
        max_length=3000,
        help_text=_("Against the fund's criteria. The evidence from the school's records is "
                    "attached by itself."),
    )  # fmt: skip


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("select", pgettext_lazy("fund", "Select")),
            ("decline", pgettext_lazy("fund", "Do not select")),
        ],
        widget=forms.RadioSelect,
    )
    reason = long_text(
        _("The committee's reason"),
        rows=3,
        max_length=3000,
        required=False,
        help_text=_("Needed when the student is not selected; the school reads it."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PaymentForm(forms.Form):
    paid_on = ThaiDateField(label=pgettext_lazy("fund", "Paid on"))
    amount = baht_field(_("Amount (baht)"), min_value=0.01)
    reference = short_text(
        pgettext_lazy("fund", "Reference"),
        max_length=100,
        required=False,
        help_text=_("The transfer's or receipt's number."),
    )
