"""Forms for entering screening answers. Items may be left empty: an unfinished form is saved as
a draft that says which items are missing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from screening import scoring
from screening.labels import SCALE_LABELS


def _numbered(*labels, start: int = 0) -> list[tuple[str, str]]:
    """Choices whose keys are the answers' scores, counted from ``start``."""
    return [(str(number), label) for number, label in enumerate(labels, start=start)]


SDQ_CHOICES = _numbered(_("Not true"), _("Somewhat true"), _("Certainly true"))
EQ_CHOICES = _numbered(
    _("Not true"), _("Sometimes true"), _("Fairly true"), _("Very true"), start=1
)
IMPACT_GATE_CHOICES = _numbered(
    _("No"),
    _("Yes, minor difficulties"),
    _("Yes, definite difficulties"),
    _("Yes, severe difficulties"),
)
IMPACT_CHRONICITY_CHOICES = _numbered(
    _("Less than a month"), _("1–5 months"), _("6–12 months"), _("Over a year")
)
IMPACT_CHOICES = _numbered(_("Not at all"), _("Only a little"), _("Quite a lot"), _("A great deal"))
IMPACT_LABELS = {
    "difficulties": _(
        "Overall, are there difficulties in emotions, concentration, behaviour or "
        "getting on with other people?"
    ),
    "chronicity": _("How long have these difficulties been present?"),
    "distress": _("Do the difficulties upset or distress the child?"),
    "home": _("…interfere with home life?"),
    "friendships": _("…interfere with friendships?"),
    "classroom": _("…interfere with classroom learning?"),
    "leisure": _("…interfere with leisure activities?"),
    "peers": _("…interfere with getting on with other children?"),
    "burden": _("Do the difficulties put a burden on you or the class?"),
}


def sdq_item_scale(number: int) -> str:
    key = scoring.sdq_key()
    for scale, items in key.subscales.items():
        if number in items:
            return scale
    return ""


def _answered(prefix: str, answers) -> dict[str, str]:
    """The answered ones of (key, answer) pairs as initial values, named ``prefix`` + key."""
    return {f"{prefix}{key}": str(value) for key, value in answers if value is not None}


class _ItemsForm(forms.Form):
    """A questionnaire of numbered items (q1, q2, …), each left empty or answered with a score,
    and the revision of the saved form it was opened at."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def _item_field(self, number: int, text: str | None, choices) -> str:
        name = f"q{number}"
        self.fields[name] = forms.ChoiceField(
            label=text or _("Item %(number)s") % {"number": number},
            choices=choices,
            widget=forms.RadioSelect,
            required=False,
        )
        return name

    def item_fields(self):
        for item in self.items:
            yield item, self[item["name"]]

    def _score(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        return None if value in (None, "") else int(value)

    def answers(self) -> list[int | None]:
        return [self._score(item["name"]) for item in self.items]

    @classmethod
    def initial_from(cls, response) -> dict:
        """A saved form's revision and answers as initial values ({} when none is saved)."""
        if response is None:
            return {}
        answers = enumerate(response.answers or [], start=1)
        return {"revision": response.revision, **_answered("q", answers)}


class SdqForm(_ItemsForm):
    """The 25 items and the impact supplement of one SDQ form, for one rater."""

    def __init__(self, *args, rater: str, item_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rater = rater
        key = scoring.sdq_key()
        self.items = []
        for number in range(1, 26):
            scale = sdq_item_scale(number)
            text = item_text(number) if item_text else None
            name = self._item_field(number, text, SDQ_CHOICES)
            self.items.append(
                {
                    "number": number,
                    "name": name,
                    "text": text,
                    "scale": scale,
                    "scale_label": SCALE_LABELS.get(scale, scale),
                    "reverse": number in key.reverse,
                }
            )
        self.impact_names = ["difficulties", "chronicity", "distress", *key.impact_areas(rater)]
        if rater != "student":
            self.impact_names.append("burden")
        for name in self.impact_names:
            choices = {
                "difficulties": IMPACT_GATE_CHOICES,
                "chronicity": IMPACT_CHRONICITY_CHOICES,
            }.get(name, IMPACT_CHOICES)
            self.fields[f"impact_{name}"] = forms.ChoiceField(
                label=IMPACT_LABELS.get(name, name),
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def impact_fields(self):
        for name in self.impact_names:
            yield name, self[f"impact_{name}"]

    def impact(self) -> dict[str, int | None]:
        return {name: self._score(f"impact_{name}") for name in self.impact_names}

    @classmethod
    def initial_from(cls, response) -> dict:
        impact = response.impact_answers if response is not None else None
        return super().initial_from(response) | _answered("impact_", (impact or {}).items())


class EqForm(_ItemsForm):
    def __init__(self, *args, count: int, item_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count
        self.items = []
        for number in range(1, count + 1):
            text = item_text(number) if item_text else None
            name = self._item_field(number, text, EQ_CHOICES)
            self.items.append({"number": number, "name": name, "text": text})


class GroupOverrideForm(forms.Form):
    level = forms.ChoiceField(label=_("Group"), choices=[])
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required. Kept with the student's screening history."),
    )

    def __init__(self, *args, **kwargs):
        from screening.models import Level

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = Level.choices
