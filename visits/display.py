"""A visit as labelled text, section by section, for the visit's page (and anyone else who shows
a visit as text)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from visits import models as m

LIST_CHOICES = {
    "met": m.Met,
    "utilities": m.Utility,
    "surroundings": m.Surrounding,
    "problems": m.Problem,
    "help_needed": m.Help,
}

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (gettext_lazy("The visit"), ("visitors", "met", "met_other")),
    (gettext_lazy("The house"), ("ownership", "condition", "material", "utilities")),
    (gettext_lazy("Surroundings and safety"), ("surroundings", "safety", "environment_note")),
    (
        gettext_lazy("Household and income"),
        ("lives_with", "parents_status", "household_size", "income_per_month", "main_occupations"),
    ),
    (gettext_lazy("Family life"), ("relations", "parenting", "duties_at_home")),
    (
        gettext_lazy("Travel to school"),
        ("travel_mode", "travel_distance_km", "travel_minutes", "travel_cost_baht"),
    ),
    (
        gettext_lazy("Needs and what the teacher saw"),
        (
            "family_requests",
            "problems",
            "problems_note",
            "help_needed",
            "help_note",
            "summary",
            "recommendation",
        ),
    ),
)


def _number(value) -> str:
    if hasattr(value, "normalize"):
        value = value.normalize()
        return f"{value:,f}"
    return f"{value:,}"


def field_text(visit: m.HomeVisit, name: str) -> str:
    value = getattr(visit, name)
    if value in (None, "", []):
        return ""
    if name in LIST_CHOICES:
        labels = dict(LIST_CHOICES[name].choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    field = m.HomeVisit._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, int | float) or hasattr(value, "normalize"):
        return _number(value)
    return str(value)


@dataclass(frozen=True)
class Row:
    label: str
    text: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


def visit_sections(visit: m.HomeVisit) -> list[Section]:
    """The visit's answers by section; unanswered questions are left out."""
    sections = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            text = field_text(visit, name)
            if not text:
                continue
            label = capfirst(str(m.HomeVisit._meta.get_field(name).verbose_name))
            rows.append(Row(label=label, text=text))
            if name == "income_per_month" and visit.household_size:
                per_person = round(visit.income_per_month / visit.household_size)
                rows.append(
                    Row(label=_("Income per person per month (baht)"), text=f"{per_person:,}")
                )
        if rows:
            sections.append(Section(title=str(title), rows=rows))
    return sections
