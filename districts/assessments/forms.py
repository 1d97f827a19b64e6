"""Forms of self-assessment and evaluation: the round, its rubric, a rater, the school's
self-assessment, a rater's scores, an award category and its schools. They validate only;
``districts.assessments.services`` saves."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.activities.forms import validate_attachment
from carecore.forms import (
    SELECT,
    TEXT,
    ModelMultipleChoiceField,
    ThaiDateField,
    long_text,
    short_text,
    text_area,
)
from districts.assessments.services import (
    LEVEL_CHOICES,
    EntryInput,
    IndicatorRow,
    ScoreInput,
    default_bands,
)

EXTRA_INDICATORS = 3


def bands_text(bands: list[dict]) -> str:
    return "\n".join(f"{b['min']:.2f} {b['title']}" for b in bands)


class RoundForm(forms.Form):
    title = short_text(pgettext_lazy("assessment round", "Title"))
    year = forms.IntegerField(
        label=_("Academic year (B.E.)"),
        min_value=2500,
        max_value=2700,
        widget=forms.NumberInput(attrs={**TEXT, "inputmode": "numeric"}),
    )
    levels = forms.TypedChoiceField(
        label=_("Levels of the rubric"),
        choices=[(n, _("1 to %(n)s") % {"n": n}) for n in LEVEL_CHOICES],
        coerce=int,
        initial=5,
        widget=forms.Select(attrs=SELECT),
    )
    opens_on = ThaiDateField(label=_("The schools assess themselves from"))
    closes_on = ThaiDateField(label=_("until"))
    description = long_text(_("Description"), rows=3, required=False)
    schools = ModelMultipleChoiceField(
        label=_("Schools"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every school of the district."),
    )
    bands = long_text(
        _("Levels of the results"),
        rows=5,
        max_length=1000,
        required=False,
        help_text=_(
            "One a line: the lowest overall mean, then the level, e.g. “4.51 ดีเยี่ยม”. "
            "Empty: the usual five levels."
        ),
    )
    signer_name = short_text(_("Certificates signed by"), required=False)
    signer_position = short_text(
        _("Position of the signer"),
        max_length=300,
        required=False,
        help_text=_("e.g. ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษา..."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, district, round_=None, **kwargs):
        if round_ is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": round_.title,
                    "year": round_.year,
                    "levels": round_.levels,
                    "opens_on": round_.opens_on,
                    "closes_on": round_.closes_on,
                    "description": round_.description,
                    "schools": list(round_.schools.all()),
                    "bands": bands_text(round_.bands),
                    "signer_name": round_.signer_name,
                    "signer_position": round_.signer_position,
                    "revision": round_.revision,
                },
            )
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["schools"].queryset = district.schools.order_by("network__name", "name")

    def clean_bands(self):
        bands = []
        for number, line in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not line.strip():
                continue
            match = re.match(r"\s*(\d+(?:\.\d+)?)\s+(.+)$", line)
            if not match:
                raise forms.ValidationError(
                    _("Line %(n)s: write the lowest mean, a space, then the level.") % {"n": number}
                )
            bands.append({"min": float(match[1]), "title": match[2].strip()[:100]})
        return sorted(bands, key=lambda b: -b["min"])

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The window closes before it opens."))
        if "schools" in data and not data["schools"]:
            data["schools"] = list(self.district.schools.all())
        if "bands" in data and not data["bands"] and data.get("levels"):
            data["bands"] = default_bands(data["levels"])
        return data

    def round_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "year",
                "levels",
                "opens_on",
                "closes_on",
                "description",
                "bands",
                "signer_name",
                "signer_position",
            )
        }


class RubricForm(forms.Form):
    """The indicators, each its title, description, weight and one descriptor per level; empty
    blocks at the end to add more (an indicator without a title is left out)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, round_, indicators, **kwargs):
        initial = {"revision": round_.revision}
        for n, indicator in enumerate(indicators, start=1):
            initial |= {
                f"title_{n}": indicator.title,
                f"description_{n}": indicator.description,
                f"weight_{n}": indicator.weight,
                f"descriptors_{n}": "\n".join(indicator.descriptors),
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.levels = round_.levels
        self.numbers = list(range(1, len(indicators) + EXTRA_INDICATORS + 1))
        for n in self.numbers:
            self.fields[f"title_{n}"] = short_text(
                _("Indicator %(n)s") % {"n": n}, max_length=300, required=False
            )
            self.fields[f"description_{n}"] = long_text(
                _("What it looks at"), rows=2, required=False
            )
            self.fields[f"weight_{n}"] = forms.DecimalField(
                label=_("Weight"),
                min_value=Decimal("0.01"),
                max_value=Decimal(100),
                decimal_places=2,
                initial=1,
                required=False,
                widget=forms.NumberInput(attrs={**TEXT, "step": "0.01", "inputmode": "decimal"}),
            )
            self.fields[f"descriptors_{n}"] = long_text(
                _("Levels"),
                rows=self.levels,
                required=False,
                max_length=5000,
                help_text=_("What each level looks like, one a line, level 1 first (%(n)s lines).")
                % {"n": self.levels},
            )

    def rows(self) -> list[IndicatorRow]:
        data = self.cleaned_data
        return [
            IndicatorRow(
                title=data[f"title_{n}"],
                description=data[f"description_{n}"],
                descriptors=data[f"descriptors_{n}"].splitlines(),
                weight=data[f"weight_{n}"] or Decimal(1),
            )
            for n in self.numbers
        ]

    def blocks(self):
        return [
            (n, self[f"title_{n}"], self[f"weight_{n}"], self[f"description_{n}"],
             self[f"descriptors_{n}"])
            for n in self.numbers
        ]  # fmt: skip


class RaterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Member of the evaluation committee"),
        queryset=None,
        widget=forms.Select(attrs=SELECT),
    )
    schools = ModelMultipleChoiceField(
        label=_("Schools given to them"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every school of the round (a network's supervisor: those of "
                    "their network)."),
    )  # fmt: skip

    def __init__(self, *args, eligible, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = eligible
        self.fields["user"].label_from_instance = lambda u: u.display_name
        self.fields["schools"].queryset = round_.schools.order_by("network__name", "name")


def _level_field(levels: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Level"),
        choices=[(level, str(level)) for level in range(1, levels + 1)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class SelfAssessmentForm(forms.Form):
    """Per indicator: the level, notes, a link and a file of evidence."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, round_, indicators, assessment=None, **kwargs):
        self.kept = {}
        if assessment is not None:
            initial = {"revision": assessment.revision}
            for entry in assessment.entries.all():
                i = entry.indicator_id
                initial |= {f"level_{i}": entry.level, f"notes_{i}": entry.notes}
                initial[f"link_{i}"] = entry.link
                self.kept[i] = entry
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            i = indicator.pk
            self.fields[f"level_{i}"] = _level_field(round_.levels)
            self.fields[f"notes_{i}"] = long_text(
                _("What the school does (evidence)"), rows=3, required=False
            )
            self.fields[f"link_{i}"] = forms.URLField(
                label=_("Link to the evidence"),
                required=False,
                max_length=500,
                assume_scheme="https",
                widget=forms.URLInput(attrs={**TEXT, "placeholder": "https://"}),
            )
            self.fields[f"file_{i}"] = forms.FileField(
                label=_("Evidence file"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
            )
            self.fields[f"remove_{i}"] = forms.BooleanField(
                label=_("Remove the file kept"), required=False
            )

    def clean(self):
        data = super().clean()
        for indicator in self.indicators:
            upload = data.get(f"file_{indicator.pk}")
            if upload:
                try:
                    validate_attachment(upload)
                except forms.ValidationError as error:
                    self.add_error(f"file_{indicator.pk}", error)
        return data

    def blocks(self):
        return [
            (
                indicator,
                self[f"level_{indicator.pk}"],
                self[f"notes_{indicator.pk}"],
                self[f"link_{indicator.pk}"],
                self[f"file_{indicator.pk}"],
                self[f"remove_{indicator.pk}"],
                self.kept.get(indicator.pk),
            )
            for indicator in self.indicators
        ]

    def entries(self) -> dict[int, EntryInput]:
        data = self.cleaned_data
        return {
            i.pk: EntryInput(
                level=data[f"level_{i.pk}"],
                notes=data[f"notes_{i.pk}"],
                link=data[f"link_{i.pk}"],
                upload=data[f"file_{i.pk}"] or None,
                remove_file=data[f"remove_{i.pk}"],
            )
            for i in self.indicators
        }


class ScoreForm(forms.Form):
    """A rater's level and comment per indicator, and an overall comment."""

    comment = long_text(_("Overall comment to the school"), rows=3, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, round_, indicators, evaluation=None, **kwargs):
        if evaluation is not None:
            initial = {"revision": evaluation.revision, "comment": evaluation.comment}
            for score in evaluation.scores.all():
                initial[f"level_{score.indicator_id}"] = score.level
                initial[f"comment_{score.indicator_id}"] = score.comment
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            self.fields[f"level_{indicator.pk}"] = _level_field(round_.levels)
            self.fields[f"comment_{indicator.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=5000, widget=text_area(2)
            )

    def level_fields(self) -> dict:
        return {i.pk: (self[f"level_{i.pk}"], self[f"comment_{i.pk}"]) for i in self.indicators}

    def scores(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {
            i.pk: ScoreInput(level=data[f"level_{i.pk}"], comment=data[f"comment_{i.pk}"])
            for i in self.indicators
        }


class CategoryForm(forms.Form):
    title = short_text(
        _("Award"),
        max_length=300,
        help_text=_("e.g. สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน"),
    )
    min_mean = forms.CharField(
        label=_("Lowest overall mean"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal"}),
        help_text=_(
            "The schools at or above it are offered the award. Empty: every school scored."
        ),
    )

    def clean_min_mean(self):
        text = self.cleaned_data["min_mean"].strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Enter a number such as 4.51.")) from None
        if not value.is_finite() or value < 0 or value >= 100:
            raise forms.ValidationError(_("Enter a number such as 4.51."))
        return value.quantize(Decimal("0.01"))


class AwardsForm(forms.Form):
    schools = ModelMultipleChoiceField(
        label=_("Schools given the award"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = round_.schools.all()
