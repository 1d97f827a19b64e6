"""Forms of dropout cases. They validate what was typed; views hand the values to
dropouts/services.py, which enforces the rules (steps, dates, outcomes). Dates are typed in the
Buddhist Era (15/06/2568). Forms shown together on a case's page each have a prefix, so their
fields never mix. An action's form says the message once it is done (``success``, views.py
``_act``)."""

from __future__ import annotations

import dataclasses

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.forms import SELECT, TEXT, ThaiDateField, long_text, short_text
from dropouts.models import (
    CLOSING_OUTCOMES,
    DEFAULT_STEP_DAYS,
    TIMED_STEPS,
    Cause,
    ReporterKind,
    Situation,
    Step,
)
from dropouts.services import ChildDetails
from students.models import Student


def _today():
    return timezone.localdate()


def _chosen(form, name: str, choices: dict, message: str):
    """The object chosen in the field ``name`` (its key in ``choices``), None when empty."""
    value = form.cleaned_data.get(name)
    if value is None:
        return None
    if value not in choices:
        raise forms.ValidationError(message)
    return choices[value]


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AdvanceForm(RevisionForm):
    success = _("The case moved on.")

    to_step = forms.ChoiceField(label=_("Move to"), widget=forms.Select(attrs=SELECT))
    date = ThaiDateField(label=_("Date"), initial=_today)
    note = long_text(
        _("What was done"), help_text=_("Who was contacted, what was found, what was agreed.")
    )

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Step.choices)
        self.fields["to_step"].choices = [(s, labels[s]) for s in steps]
        if steps:
            self.fields["to_step"].initial = steps[0]


class RoundForm(RevisionForm):
    success = _("The case goes round again: coordinating.")

    date = ThaiDateField(label=_("Date"), initial=_today)
    note = long_text(_("Why the case goes round again"), rows=2)


class ObservationForm(RevisionForm):
    success = _("Observation recorded.")

    observed_on = ThaiDateField(label=_("Observed on"), initial=_today)
    still_in_school = forms.TypedChoiceField(
        label=_("Is the child still in school?"),
        choices=[("yes", _("Yes, still in school")), ("no", _("No, not in school"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = long_text(
        _("Note"),
        rows=2,
        required=False,
        help_text=_("Needed when the child is not in school: what was found."),
    )


class CloseForm(RevisionForm):
    success = _("The case is closed.")

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in CLOSING_OUTCOMES],
        widget=forms.RadioSelect,
        help_text=_("“Back in school” is reached through the follow-up observations."),
    )
    closed_on = ThaiDateField(label=_("Closed on"), initial=_today)
    note = long_text(_("Why the case is closed"), rows=2)


class NoteForm(forms.Form):
    success = _("Added to the log.")

    date = ThaiDateField(label=_("Date"), initial=_today)
    text = long_text(_("What was done"), rows=2)


class TeamMemberForm(forms.Form):
    success = _("Team member added.")

    name = short_text(_("Name"))
    role = short_text(_("Role or organisation"), list="team-roles")
    phone = short_text(_("Phone"), max_length=20, required=False, inputmode="tel")


class OwnerForm(RevisionForm):
    success = _("The case has a new owner.")

    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {u.pk: u for u in candidates}
        self.fields["owner"].choices = [("", "—")] + [(u.pk, u.display_name) for u in candidates]

    def clean_owner(self):
        return _chosen(
            self, "owner", self.candidates, _("Choose a person of the district office or school.")
        )


class CaseFactsForm(forms.Form):
    """What is reported: the situation, when and by whom, what is happening, the causes."""

    situation = forms.ChoiceField(
        label=_("Situation"), choices=Situation.choices, widget=forms.RadioSelect
    )
    reported_on = ThaiDateField(label=_("Reported on"), initial=_today)
    description = long_text(_("What is happening"), required=False)
    causes = forms.MultipleChoiceField(
        label=_("Causes"),
        choices=Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # The form's values that services.case_open takes under the same names.
    FACTS = ("situation", "reported_on", "description", "causes")

    def facts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FACTS}


class SchoolReportForm(CaseFactsForm):
    """A school reports its own student at risk of leaving, or who has left."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situation"].choices = [
            (Situation.AT_RISK.value, Situation.AT_RISK.label),
            (Situation.DROPPED_OUT.value, Situation.DROPPED_OUT.label),
        ]
        self.fields["situation"].initial = Situation.AT_RISK


class DistrictCaseForm(CaseFactsForm):
    """The district opens a case: a student of one of its schools (found by name or national
    ID), or a child not in any school, reported by anyone."""

    KIND_STUDENT = "student"
    KIND_CHILD = "child"
    FACTS = (*CaseFactsForm.FACTS, "reporter_kind", "reporter_name", "reporter_contact", "owner")

    kind = forms.ChoiceField(
        label=_("Who is it about?"),
        choices=[
            (KIND_CHILD, _("A child not in any school (or not found in the system)")),
            (KIND_STUDENT, _("A student of a school of the district")),
        ],
        initial=KIND_CHILD,
        widget=forms.RadioSelect,
    )
    q = short_text(
        _("Find the student"),
        max_length=100,
        required=False,
        help_text=_("Part of the name, or the national ID."),
        type="search",
        autocomplete="off",
    )
    prefix = forms.ChoiceField(
        label=_("Prefix"),
        choices=[("", "—"), *Student.Prefix.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    first_name = short_text(_("First name"), max_length=100, required=False)
    last_name = short_text(_("Last name"), max_length=100, required=False)
    birth_date = ThaiDateField(label=_("Birth date"), required=False)
    national_id = short_text(
        _("National ID"),
        max_length=20,
        required=False,
        help_text=_("If known: 13 digits."),
        inputmode="numeric",
        autocomplete="off",
    )
    village = short_text(_("Village"), max_length=100, required=False)
    address = short_text(_("Address"), max_length=300, required=False)
    guardian_name = short_text(_("Guardian"), required=False)
    guardian_phone = short_text(
        _("Guardian's phone"), max_length=20, required=False, inputmode="tel"
    )
    school = forms.TypedChoiceField(
        label=_("School concerned"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
        help_text=_("The school the child left, or the one expected to take them, if any."),
    )
    reporter_kind = forms.ChoiceField(
        label=_("Reported by"),
        choices=ReporterKind.choices,
        initial=ReporterKind.VILLAGE_HEAD,
        widget=forms.Select(attrs=SELECT),
    )
    reporter_name = short_text(_("Reporter's name"), required=False)
    reporter_contact = short_text(_("Reporter's contact"), required=False)
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, schools=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {s.pk: s for s in schools}
        self.owners = {u.pk: u for u in owners}
        self.fields["school"].choices = [("", "—")] + [(s.pk, s.name) for s in schools]
        self.fields["owner"].choices = [("", "—")] + [(u.pk, u.display_name) for u in owners]
        self.fields["situation"].initial = Situation.DROPPED_OUT

    def clean_school(self):
        return _chosen(self, "school", self.schools, _("Choose a school of the district."))

    def clean_owner(self):
        return _chosen(self, "owner", self.owners, _("Choose a person of the district office."))

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.KIND_CHILD:
            if not (data.get("first_name") or "").strip():
                self.add_error("first_name", _("Write the child's first name."))
            if data.get("situation") == Situation.AT_RISK:
                self.add_error(
                    "situation",
                    _("A child at risk of leaving is enrolled: choose the student instead."),
                )
        return data

    def child(self) -> ChildDetails:
        """The child's details as typed (the fields of the form that ChildDetails names)."""
        data = self.cleaned_data
        details = {f.name: data.get(f.name) or "" for f in dataclasses.fields(ChildDetails)}
        details["birth_date"] = data.get("birth_date")
        return ChildDetails(**details)


class OffsetsField(forms.CharField):
    """ "30, 60, 90" → [30, 60, 90]."""

    def to_python(self, value):
        from carecore.dates import ARABIC_DIGITS

        text = super().to_python(value).translate(ARABIC_DIGITS)
        parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
        if not parts or not all(p.isdigit() for p in parts):
            raise forms.ValidationError(
                _("Write numbers of days separated by commas, for example 30, 60, 90.")
            )
        return [int(p) for p in parts]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class CaseSettingsForm(forms.Form):
    observation_offsets = OffsetsField(
        label=_("Observations after the child is back in school (days)"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_(
            "For example 30, 60, 90: observations one, two and three months after the return. "
            "The case closes when the last one finds the child still in school."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Step.choices)
        fields = {}
        for step in TIMED_STEPS:
            fields[f"days_{step}"] = forms.IntegerField(
                label=labels[step],
                min_value=1,
                max_value=365,
                initial=DEFAULT_STEP_DAYS[step],
                widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
            )
        fields["observation_offsets"] = self.fields["observation_offsets"]
        self.fields = fields

    def days(self) -> dict[str, int]:
        return {step: self.cleaned_data[f"days_{step}"] for step in TIMED_STEPS}
