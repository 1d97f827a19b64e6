"""Forms of the district's plan: the plan (title, policy, its strategies one a line), its
projects and its indicators as rows (empty rows for new ones; a row whose title is cleared is
removed). They validate only; ``districts.plans.services`` saves."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from districts.plans.models import Indicator, Measure
from districts.plans.services import IndicatorRow, ProjectRow

MAX_STRATEGIES = 20
COPY_LABEL = _("Start from the previous year's plan (its strategies, projects and indicators)")


class RevisionForm(forms.Form):
    """The plan's revision, posted with its rows (a save over a colleague's is refused)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanForm(RevisionForm):
    title = short_text(pgettext_lazy("district plan", "Title"), max_length=300)
    policy = long_text(
        pgettext_lazy("district plan", "Policy"),
        rows=6,
        required=False,
        max_length=20000,
        help_text=_("The district's policy and goals for the student care system this year."),
    )
    strategies = long_text(
        pgettext_lazy("district plan", "Strategies"),
        rows=6,
        required=False,
        max_length=10000,
        help_text=_("One strategy a line, in order: they are numbered 1, 2, 3 ..."),
    )

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is not None:  # a new plan: its year, and whether to start from last year's
            self.fields = {
                "academic_year": forms.ModelChoiceField(
                    label=_("Academic year"),
                    queryset=years,
                    empty_label=None,
                    widget=forms.Select(attrs=SELECT),
                ),
                "copy": forms.BooleanField(
                    label=COPY_LABEL,
                    required=False,
                ),
                **self.fields,
            }

    def clean_strategies(self):
        lines = [line.strip()[:500] for line in self.cleaned_data["strategies"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_STRATEGIES:
            raise forms.ValidationError(_("At most %(n)s strategies.") % {"n": MAX_STRATEGIES})
        return lines


class ProjectForm(forms.Form):
    strategy = forms.TypedChoiceField(
        label=pgettext_lazy("district plan", "Strategy"),
        coerce=int,
        widget=forms.Select(attrs=SELECT),
    )
    title = long_text(
        pgettext_lazy("district plan", "Project"), rows=2, max_length=300, required=False
    )
    owner_name = short_text(pgettext_lazy("district plan", "Responsible"), required=False)
    owner = forms.TypedChoiceField(
        label=_("Staff member of the district office"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )
    budget = forms.DecimalField(
        label=pgettext_lazy("district plan", "Budget (baht)"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}),
    )
    starts_on = ThaiDateField(label=_("From"), required=False)
    ends_on = ThaiDateField(label=_("To"), required=False)

    def __init__(self, *args, strategies, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].choices = strategies
        self.fields["owner"].choices = [("", "—"), *owners]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project ends before it starts."))
        return data

    def row(self) -> ProjectRow | None:
        data = self.cleaned_data
        if not data or not (data.get("title") or "").strip():
            return None
        return ProjectRow(
            strategy=data["strategy"],
            title=" ".join(data["title"].split()),
            owner_name=data.get("owner_name") or "",
            owner_id=data.get("owner"),
            budget=data.get("budget") or Decimal(0),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )


class IndicatorForm(forms.Form):
    title = long_text(_("Indicator"), rows=2, max_length=500, required=False)
    measure = forms.ChoiceField(
        label=pgettext_lazy("district plan", "Measured by"),
        choices=Measure.choices,
        widget=forms.Select(attrs=SELECT),
        initial=Measure.TYPED,
    )
    unit = forms.ChoiceField(
        label=pgettext_lazy("district plan", "Target in"),
        choices=Indicator.Unit.choices,
        widget=forms.Select(attrs=SELECT),
        initial=Indicator.Unit.PERCENT,
    )
    target = forms.DecimalField(
        label=_("Target"),
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "step": "any", "inputmode": "decimal"}),
    )
    actual = forms.DecimalField(
        label=_("Actual (district level)"),
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "step": "any", "inputmode": "decimal"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("title") or "").strip():
            return data
        if data.get("target") is None:
            self.add_error("target", _("Give the target."))
        elif data.get("unit") == Indicator.Unit.PERCENT and data["target"] > 100:
            self.add_error("target", _("A percent is at most 100."))
        return data

    def row(self) -> IndicatorRow | None:
        data = self.cleaned_data
        if not data or not (data.get("title") or "").strip():
            return None
        return IndicatorRow(
            title=" ".join(data["title"].split()),
            measure=data["measure"],
            unit=data["unit"],
            target=data["target"],
            actual=data.get("actual") if data["measure"] == Measure.TYPED else None,
        )


class RowsFormSet(forms.BaseFormSet):
    def rows(self) -> list:
        return [row for form in self.forms if (row := form.row()) is not None]


def rows_formset(form_class, data=None, *, initial, prefix: str, empty_rows: int = 3, **kwargs):
    """Rows to edit (``initial``) and ``empty_rows`` empty ones for new rows (no JavaScript
    needed: save and edit again for more); ``kwargs`` go to every row's form."""
    formset = forms.formset_factory(form_class, formset=RowsFormSet, extra=0, max_num=200)
    return formset(
        data, initial=[*initial, *({} for _ in range(empty_rows))], prefix=prefix,
        form_kwargs=kwargs,
    )  # fmt: skip
