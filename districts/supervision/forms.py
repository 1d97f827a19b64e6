"""Forms of supervision: the district's supervision form, a round, a visit (on the round's
form), the school's answer. They validate only; ``districts.supervision.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import (
    SELECT,
    ModelMultipleChoiceField,
    ThaiDateField,
    long_text,
    short_text,
    text_area,
)
from districts.forms import district_choice
from districts.supervision.defaults import LEVEL_CHOICES, MAX_ITEMS
from districts.supervision.services import StepEntry


class SupervisionFormForm(forms.Form):
    """The five steps: each its title, its number of levels and its checklist (one a line)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, steps: list[dict], revision: int | None = None, **kwargs):
        initial = {"revision": revision}
        for number, step in enumerate(steps, start=1):
            initial[f"title_{number}"] = step["title"]
            initial[f"levels_{number}"] = step["levels"]
            initial[f"items_{number}"] = "\n".join(step["items"])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.numbers = list(range(1, len(steps) + 1))
        for number in self.numbers:
            self.fields[f"title_{number}"] = short_text(_("Step %(n)s") % {"n": number})
            self.fields[f"levels_{number}"] = forms.TypedChoiceField(
                label=pgettext_lazy("supervision form", "Levels"),
                choices=[(n, _("1 to %(n)s") % {"n": n}) for n in LEVEL_CHOICES],
                coerce=int,
                widget=forms.Select(attrs=SELECT),
            )
            self.fields[f"items_{number}"] = long_text(
                _("Checklist"),
                rows=4,
                required=False,
                max_length=3000,
                help_text=_("One item a line, at most %(n)s.") % {"n": MAX_ITEMS},
            )

    def steps(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "title": data[f"title_{n}"],
                "levels": data[f"levels_{n}"],
                "items": data[f"items_{n}"].splitlines(),
            }
            for n in self.numbers
        ]

    def step_fields(self):
        """(number, title field, levels field, items field) per step, for the template."""
        return [
            (n, self[f"title_{n}"], self[f"levels_{n}"], self[f"items_{n}"]) for n in self.numbers
        ]


class RoundForm(forms.Form):
    title = short_text(pgettext_lazy("supervision round", "Title"))
    network = district_choice(
        _("Team"),
        empty_label=_("The district office's team"),
        widget=forms.Select(attrs=SELECT),
        help_text=_("A network's team supervises the schools of its network."),
    )
    starts_on = ThaiDateField(label=_("From"))
    ends_on = ThaiDateField(label=_("To"))
    supervisors = long_text(
        _("Supervisors"),
        rows=3,
        max_length=2000,
        help_text=_("Their names and positions, one a line."),
    )
    schools = ModelMultipleChoiceField(
        label=_("Schools"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every school of the team's network (or of the district)."),
    )

    def __init__(self, *args, district, network=None, **kwargs):
        """``network``: planned by that network's team, over its schools (no team to choose)."""
        super().__init__(*args, **kwargs)
        self.district = district
        self.network = network
        if network is not None:
            del self.fields["network"]
            self.fields["schools"].queryset = network.schools.order_by("name")
            self.fields["schools"].help_text = _("None ticked: every school of the network.")
            return
        self.fields["network"].queryset = district.networks.order_by("name")
        self.fields["schools"].queryset = district.schools.order_by("network__name", "name")

    def clean(self):
        data = super().clean()
        if self.network is not None:
            data["network"] = self.network
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The round ends before it starts."))
        if not data.get("schools") and "network" in data:
            schools = self.district.schools.all()
            if data["network"] is not None:
                schools = schools.filter(network=data["network"])
            data["schools"] = list(schools)
        return data


class VisitForm(forms.Form):
    """A visit on the round's form: per step a level, the checklist, findings and
    recommendations."""

    visited_on = ThaiDateField(label=pgettext_lazy("supervision", "Visited on"))
    overall = long_text(_("Overall findings"), required=False, max_length=5000)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, form_steps: list[dict], visit=None, **kwargs):
        if visit is not None:
            initial = {
                "visited_on": visit.visited_on,
                "overall": visit.overall,
                "revision": visit.revision,
            }
            for step in visit.steps.all():
                n = step.number
                initial[f"level_{n}"] = step.level
                initial[f"findings_{n}"] = step.findings
                initial[f"recommendations_{n}"] = step.recommendations
                for i, ticked in enumerate(step.ticks):
                    initial[f"tick_{n}_{i}"] = ticked
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.form_steps = form_steps
        for n, step in enumerate(form_steps, start=1):
            self.fields[f"level_{n}"] = forms.TypedChoiceField(
                label=_("Level"),
                choices=[(level, str(level)) for level in range(1, step["levels"] + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            for i, item in enumerate(step["items"]):
                self.fields[f"tick_{n}_{i}"] = forms.BooleanField(label=item, required=False)
            self.fields[f"findings_{n}"] = forms.CharField(
                label=_("Findings"), required=False, max_length=5000, widget=text_area(3)
            )
            self.fields[f"recommendations_{n}"] = forms.CharField(
                label=_("Recommendations"), required=False, max_length=5000, widget=text_area(3)
            )

    def step_fields(self):
        """Per step: (number, the step, level field, tick fields, findings, recommendations)."""
        return [
            (
                n,
                step,
                self[f"level_{n}"],
                [self[f"tick_{n}_{i}"] for i in range(len(step["items"]))],
                self[f"findings_{n}"],
                self[f"recommendations_{n}"],
            )
            for n, step in enumerate(self.form_steps, start=1)
        ]

    def entries(self) -> list[StepEntry]:
        data = self.cleaned_data
        return [
            StepEntry(
                level=data[f"level_{n}"],
                ticks=[data[f"tick_{n}_{i}"] for i in range(len(step["items"]))],
                findings=data[f"findings_{n}"],
                recommendations=data[f"recommendations_{n}"],
            )
            for n, step in enumerate(self.form_steps, start=1)
        ]


class AnswerForm(forms.Form):
    """The school's actions, one per step with a recommendation."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, steps, revision: int, **kwargs):
        initial = {"revision": revision}
        initial |= {f"actions_{s.number}": s.actions for s in steps}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.numbers = [s.number for s in steps if s.recommendations.strip()]
        for n in self.numbers:
            self.fields[f"actions_{n}"] = long_text(
                _("What the school does"), rows=3, required=False, max_length=5000
            )

    def actions(self) -> dict[int, str]:
        return {n: self.cleaned_data[f"actions_{n}"] for n in self.numbers}
