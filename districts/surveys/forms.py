"""Forms of the surveys: a new survey, its settings and sections (a draft's questions are written
one per line), the slips to print, and the answer form built from a survey's questions. The forms
validate only; ``districts.surveys.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.forms import SELECT, TEXT, long_text, short_text, text_area
from carecore.thai import thai_order
from districts.surveys.models import LEVEL_LABELS, LEVELS, Audience, Section, Survey
from districts.surveys.selectors import SectionQuestions
from districts.surveys.services import MAX_SLIPS, SectionRow
from schools.models import School

MAX_QUESTION = 500
MAX_OPEN_ANSWER = 1000
MAX_QUESTIONS = 100


def _mode_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Who may answer"),
        choices=Survey.Mode.choices,
        initial=Survey.Mode.OPEN,
        widget=forms.RadioSelect,
    )


def _ask_school_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=Survey._meta.get_field("ask_school").verbose_name,
        help_text=Survey._meta.get_field("ask_school").help_text,
        required=False,
        initial=True,
    )


class SurveyCreateForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Who answers"),
        choices=Audience.choices,
        widget=forms.Select(attrs=SELECT),
    )
    from_starter = forms.BooleanField(
        label=_("Start from the usual questions for this group"),
        help_text=_("Questions on the five steps of the care system and suggestions; edit them."),
        required=False,
        initial=True,
    )
    mode = _mode_field()
    ask_school = _ask_school_field()

    def __init__(self, *args, for_district: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_district:
            del self.fields["ask_school"]


class SurveyForm(forms.Form):
    """The survey's settings; only a draft's audience and mode can change."""

    title = short_text(pgettext_lazy("survey", "Title"))
    intro = long_text(
        Survey._meta.get_field("intro").verbose_name,
        rows=3,
        max_length=2000,
        required=False,
        help_text=Survey._meta.get_field("intro").help_text,
    )
    audience = forms.ChoiceField(
        label=_("Who answers"), choices=Audience.choices, widget=forms.Select(attrs=SELECT)
    )
    mode = _mode_field()
    ask_school = _ask_school_field()

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": survey.title,
                "intro": survey.intro,
                "audience": survey.audience,
                "mode": survey.mode,
                "ask_school": survey.ask_school,
            },
        )
        super().__init__(*args, **kwargs)
        if survey.school_id is not None:
            del self.fields["ask_school"]
        if not survey.is_draft:
            for name in ("audience", "mode", "ask_school"):
                if name in self.fields:
                    self.fields[name].disabled = True


class SectionForm(forms.Form):
    title = short_text(_("Section title"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of questions"),
        choices=Section.Kind.choices,
        initial=Section.Kind.RATING,
        widget=forms.Select(attrs=SELECT),
    )
    questions = forms.CharField(
        label=_("Questions, one per line"),
        required=False,
        widget=text_area(5),
    )

    def lines(self) -> list[str]:
        text = self.cleaned_data.get("questions") or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        lines = self.lines()
        if lines and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the section a title."))
        for line in lines:
            if len(line) > MAX_QUESTION:
                self.add_error(
                    "questions",
                    _("A question has at most %(n)s characters: %(start)s…")
                    % {"n": MAX_QUESTION, "start": line[:40]},
                )
        return data

    def row(self) -> SectionRow | None:
        lines = self.lines()
        if not lines:
            return None
        return SectionRow(self.cleaned_data["title"].strip(), self.cleaned_data["kind"], lines)


class BaseSectionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        count = sum(len(f.lines()) for f in self.forms)
        if count > MAX_QUESTIONS:
            raise forms.ValidationError(
                _("A survey has at most %(n)s questions.") % {"n": MAX_QUESTIONS}
            )

    def rows(self) -> list[SectionRow]:
        return [row for form in self.forms if (row := form.row()) is not None]


SectionFormSet = forms.formset_factory(SectionForm, formset=BaseSectionFormSet, extra=0)


def section_formset(data=None, *, sections: list[SectionQuestions] = (), empty_rows: int = 2):
    """The survey's sections to edit, and ``empty_rows`` more for new sections (no JavaScript:
    save and edit again for more)."""
    initial = [
        {
            "title": s.section.title,
            "kind": s.section.kind,
            "questions": "\n".join(q.text for q in s.questions),
        }
        for s in sections
    ]
    initial += [{} for _ in range(empty_rows)]
    return SectionFormSet(data, initial=initial, prefix="sections")


class SlipsForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many slips"),
        min_value=1,
        max_value=MAX_SLIPS,
        initial=40,
        widget=forms.NumberInput(attrs=TEXT),
        help_text=_("Eight slips to an A4 page. Each code answers the survey once."),
    )
    school = forms.ModelChoiceField(
        label=_("For one school"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("Any school (the person answering chooses)"),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        if survey.asks_school:
            self.fields["school"].queryset = School.objects.filter(
                district_id=survey.district_id
            ).order_by(thai_order("name"))
        else:
            del self.fields["school"]


# --- the answer form ---------------------------------------------------------------------------
LEVEL_CHOICES = [(str(level), LEVEL_LABELS[level]) for level in LEVELS]


class AnswerForm(forms.Form):
    """The survey's questions: each rating question chosen on the five levels (required), each
    open question written (optional); the school, when the survey asks and the slip does not
    say."""

    def __init__(self, *args, sections: list[SectionQuestions], schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"] = forms.ChoiceField(
                label=_("The school your answers are about"),
                choices=[("", _("Choose the school")), *[(s.code, s.name) for s in schools]],
                widget=forms.Select(attrs=SELECT),
                error_messages={"required": _("Choose the school.")},
            )
            self.schools = {s.code: s for s in schools}
        self.sections = []
        for entry in sections:
            rating = entry.section.kind == Section.Kind.RATING
            names = []
            for question in entry.questions:
                name = f"q{question.pk}"
                if rating:
                    self.fields[name] = forms.ChoiceField(
                        label=question.text,
                        choices=LEVEL_CHOICES,
                        widget=forms.RadioSelect,
                        error_messages={"required": _("Choose a level.")},
                    )
                else:
                    self.fields[name] = forms.CharField(
                        label=question.text,
                        required=False,
                        max_length=MAX_OPEN_ANSWER,
                        widget=text_area(3),
                    )
                names.append((question, name))
            self.sections.append({"section": entry.section, "rating": rating, "fields": names})

    def bound_sections(self):
        for entry in self.sections:
            yield {
                **entry,
                "fields": [(question, self[name]) for question, name in entry["fields"]],
            }

    def missing(self) -> list[int]:
        """The numbers of the rating questions left unanswered."""
        return [
            question.position
            for entry in self.sections
            for question, name in entry["fields"]
            if entry["rating"] and name in self.errors
        ]

    def values(self) -> dict[int, int]:
        return {
            question.pk: int(self.cleaned_data[name])
            for entry in self.sections
            if entry["rating"]
            for question, name in entry["fields"]
        }

    def texts(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(name) or ""
            for entry in self.sections
            if not entry["rating"]
            for question, name in entry["fields"]
        }

    def school(self):
        code = self.cleaned_data.get("school") if "school" in self.fields else None
        return self.schools.get(code) if code else None
