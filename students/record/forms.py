"""Forms of the cumulative record: one per section, and one for a term's grades.

They validate only; the views hand ``section_data()`` to students.record.services. Numbers may be
typed with Thai digits or thousands separators (8,500 or ๘๕๐๐), as people write them.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from carecore.dates import ARABIC_DIGITS
from carecore.forms import ThaiDateField
from schools.models import AcademicYear
from students.models import (
    FamilyRecord,
    HealthRecord,
    ProtectionRecord,
)
from students.record.sections import SECTIONS, bmi_value

BMI_POSSIBLE = (Decimal(8), Decimal(70))


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _plain_number(value):
    if isinstance(value, str):
        value = value.translate(ARABIC_DIGITS).replace(",", "").replace(" ", "").strip()
    return value


class NumberInputMixin:
    def to_python(self, value):
        return super().to_python(_plain_number(value))


class LooseDecimalField(NumberInputMixin, forms.DecimalField):
    widget = forms.TextInput


class LooseIntegerField(NumberInputMixin, forms.IntegerField):
    widget = forms.TextInput


# The fields below take their label from the model's field of the same name (SectionForm) unless
# one is given.
def _number_options(message, inputmode: str, *, label=None, help_text="") -> dict:
    return {
        "label": label,
        "required": False,
        "error_messages": {"min_value": message, "max_value": message},
        "help_text": help_text,
        "widget": forms.TextInput(attrs={"inputmode": inputmode, "autocomplete": "off"}),
    }


def _whole(low: int, high: int, message, **options) -> LooseIntegerField:
    """A whole number from ``low`` to ``high``, with one clear ``message`` for anything else."""
    return LooseIntegerField(
        min_value=low, max_value=high, **_number_options(message, "numeric", **options)
    )


def _decimal(low, high, message, *, places: int = 1, **options) -> LooseDecimalField:
    """A number from ``low`` to ``high`` with up to ``places`` decimals (see ``_whole``)."""
    return LooseDecimalField(
        min_value=low,
        max_value=high,
        decimal_places=places,
        **_number_options(message, "decimal", **options),
    )


def _text_line(max_length: int, help_text="") -> forms.CharField:
    return forms.CharField(required=False, max_length=max_length, help_text=help_text)


def _text_box(help_text="") -> forms.CharField:
    return forms.CharField(required=False, widget=forms.Textarea, help_text=help_text)


YES_NO = [("", _("Not known")), ("true", _("Yes")), ("false", _("No"))]


def _yes_no(**kwargs):
    return forms.TypedChoiceField(
        required=False,
        choices=YES_NO,
        coerce=lambda v: v == "true",
        empty_value=None,
        widget=forms.RadioSelect,
        **kwargs,
    )


def _radio(model, name, *, label=None):
    field = model._meta.get_field(name)
    return forms.ChoiceField(
        label=label or _label(model, name),
        required=False,
        choices=[("", _("Not recorded"))] + list(field.choices),
        widget=forms.RadioSelect,
    )


def _ticks(choices):
    return forms.MultipleChoiceField(
        required=False, choices=choices, widget=forms.CheckboxSelectMultiple
    )


class SectionForm(forms.Form):
    """A section's form, filled from its record (or empty). A field without a label has the
    name of the record's field."""

    section: str

    def __init__(self, *args, record=None, **kwargs):
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(record)
        super().__init__(*args, **kwargs)
        model = SECTIONS[self.section].model
        for name, field in self.fields.items():
            if field.label is None:
                field.label = _label(model, name)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)

    def initial_from(self, record) -> dict:
        initial = {}
        for name in SECTIONS[self.section].fields:
            value = getattr(record, name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            initial[name] = value
        return initial

    def section_data(self) -> dict:
        """The cleaned values for record_section_update (every field of the section)."""
        data = {}
        for name in SECTIONS[self.section].fields:
            value = self.cleaned_data.get(name)
            if value is None and isinstance(self.fields.get(name), forms.CharField):
                value = ""
            data[name] = value
        return data


class AbilityForm(SectionForm):
    section = "ability"

    talents = _text_box(_("Sports, music, art, academic... Leave empty if none was seen yet."))
    awards = _text_box(_("One per line, with the level (school, network, district, country)."))
    learning_notes = _text_box(
        _("Strong and weak subjects, reading and writing, how the student learns.")
    )


class HealthForm(SectionForm):
    section = "health"

    weight_kg = _decimal(5, 200, _("Enter the weight in kilograms, between 5 and 200."))
    height_cm = _decimal(50, 230, _("Enter the height in centimetres, between 50 and 230."))
    measured_on = ThaiDateField(required=False, help_text=_("Empty: today."))
    eyesight = _radio(HealthRecord, "eyesight")
    hearing = _radio(HealthRecord, "hearing")
    has_chronic_illness = _yes_no()
    chronic_illness = _text_box(
        _("For example asthma, allergy, thalassaemia; medicines the school should know.")
    )
    disabilities = _ticks(HealthRecord.Disability.choices)
    mind_behaviour_notes = _text_box()

    def clean_measured_on(self):
        value = self.cleaned_data["measured_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of measuring cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        weight, height = cleaned.get("weight_kg"), cleaned.get("height_cm")
        if weight and height:
            bmi = bmi_value(weight, height)
            if not BMI_POSSIBLE[0] <= bmi <= BMI_POSSIBLE[1]:
                self.add_error(
                    "height_cm",
                    _(
                        "Check the weight and the height: together they give a BMI of "
                        "%(bmi)s, which is not possible."
                    )
                    % {"bmi": bmi},
                )
        if (weight or height) and not cleaned.get("measured_on") and not self.errors:
            cleaned["measured_on"] = timezone.localdate()
        if cleaned.get("has_chronic_illness") is not True and cleaned.get("chronic_illness"):
            self.add_error(
                "has_chronic_illness",
                _("You described an illness: choose “Yes”, or clear the description."),
            )
        return cleaned


class FamilyForm(SectionForm):
    section = "family"

    lives_with = _radio(FamilyRecord, "lives_with")
    lives_with_other = _text_line(100, _("Whom, when you chose “Other”."))
    parents_status = _radio(FamilyRecord, "parents_status")
    working_away_place = _text_line(
        100, _("When the parents work away from home, for example Bangkok.")
    )
    household_size = _whole(
        1,
        50,
        _("A household has 1 to 50 people, the student included."),
        help_text=_("Everyone who lives and eats in the house, the student included."),
    )
    income_per_month = _whole(
        0,
        10_000_000,
        _("Enter the income in baht a month: 0 or more, at most 10,000,000."),
        help_text=_("All earners together. The income per person is worked out from it."),
    )
    main_occupations = _text_line(200)
    welfare_card = _yes_no()
    equity_scholarship = _radio(FamilyRecord, "equity_scholarship")

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, record=record, **kwargs)
        data = args[0] if args else kwargs.get("data")
        members = list(record.household_members) if record is not None else []
        self.members = HouseholdMemberFormSet(
            data, initial=members, prefix="members", form_kwargs={"use_required_attribute": False}
        )

    def is_valid(self):
        # Both, so that every mistake shows at once.
        return all([super().is_valid(), self.members.is_valid()])

    def section_data(self) -> dict:
        data = super().section_data()
        data["household_members"] = [
            {
                "relation": f.cleaned_data["relation"].strip(),
                "age": f.cleaned_data.get("age"),
                "occupation": (f.cleaned_data.get("occupation") or "").strip(),
            }
            for f in self.members.forms
            if f.cleaned_data.get("relation") and not f.cleaned_data.get("DELETE")
        ]
        return data

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lives_with") == FamilyRecord.LivesWith.OTHER and not cleaned.get(
            "lives_with_other"
        ):
            self.add_error("lives_with_other", _("Write whom the student lives with."))
        return cleaned


class HouseholdMemberForm(forms.Form):
    relation = forms.CharField(
        label=_("Relation to the student"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. grandmother")}),
    )
    age = _whole(0, 120, _("An age is between 0 and 120."), label=_("Age"))
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=100)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("relation") and (
            cleaned.get("age") is not None or cleaned.get("occupation")
        ):
            self.add_error("relation", _("Write the relation, or clear the row."))
        return cleaned


HouseholdMemberFormSet = forms.formset_factory(
    HouseholdMemberForm, extra=2, max_num=20, validate_max=True, can_delete=False
)


class ProtectionForm(SectionForm):
    section = "protection"

    risks = _ticks(ProtectionRecord.Risk.choices)
    risk_note = _text_box(
        _("What was seen or heard, and by whom. Only people who care for the student can read it.")
    )
    travel_mode = _radio(ProtectionRecord, "travel_mode")
    travel_distance_km = _decimal(0, 300, _("Enter the distance in kilometres, between 0 and 300."))
    travel_minutes = _whole(
        0,
        600,
        _("Enter the time in minutes, between 0 and 600."),
        help_text=_("One way, from home to school."),
    )
    travel_cost_baht = _whole(0, 10_000, _("Enter baht a day, between 0 and 10,000."))
    pocket_money_baht = _whole(0, 10_000, _("Enter baht a day, between 0 and 10,000."))
    other_notes = _text_box()

    def clean(self):
        cleaned = super().clean()
        if ProtectionRecord.Risk.OTHER in (cleaned.get("risks") or []) and not cleaned.get(
            "risk_note"
        ):
            self.add_error("risk_note", _("Describe the other risk."))
        return cleaned


SECTION_FORMS: dict[str, type[SectionForm]] = {
    "ability": AbilityForm,
    "health": HealthForm,
    "family": FamilyForm,
    "protection": ProtectionForm,
}


# --- a term's grades ---------------------------------------------------------------------------
YEARS_BACK = 6


def term_choices(today=None) -> list[tuple[str, str]]:
    """ "2568-1" -> "1/2568", newest first: the terms of the current academic year and the six
    before it (a transcript can be copied from the years before the system was used)."""
    today = today or timezone.localdate()
    current = AcademicYear.be_year_for(today)
    return [
        (f"{year}-{term}", f"{term}/{year}")
        for year in range(current, current - YEARS_BACK - 1, -1)
        for term in (2, 1)
    ]


def _subject_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]+", text or "") if part.strip()]


class TermResultForm(forms.Form):
    term = forms.ChoiceField(label=_("Term"))
    gpa = _decimal(
        0,
        4,
        _("A grade-point average is between 0.00 and 4.00."),
        places=2,
        label=_("Grade-point average"),
        help_text=_("For example 3.25. Leave empty when the grades are not out yet."),
    )
    failed_subjects = forms.CharField(
        label=_("Subjects failed (0, ร)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line or separated by commas; empty if none."),
    )
    incomplete_subjects = forms.CharField(
        label=_("Subjects not completed (มส, มผ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line or separated by commas; empty if none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = term_choices()

    def clean_term(self) -> tuple[int, int]:
        year, term = self.cleaned_data["term"].split("-")
        return int(year), int(term)

    def clean_failed_subjects(self):
        return _subject_list(self.cleaned_data["failed_subjects"])

    def clean_incomplete_subjects(self):
        return _subject_list(self.cleaned_data["incomplete_subjects"])
