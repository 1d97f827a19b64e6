"""Suggestions drawn from the cumulative record: which indicators the record's facts meet, and
how each fact reads beside its suggestion."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from screening.aspects.criteria import FACT_TEXTS, FACT_UNITS, AspectCriteria, Rule, format_number


# --- suggestions from the record ---------------------------------------------------------------
def record_facts_for(student, term=None) -> dict:
    """The cumulative record's facts about the student (students.record.selectors); an empty
    dict while that module is not there."""
    try:
        from students.record.selectors import record_facts
    except ImportError:
        return {}
    facts = record_facts(student, term=term)
    return dict(facts or {})


def _value_labels() -> dict[str, dict[str, str]]:
    """Display names of the record's codes (lives_with, risks, …), when the record has them."""
    try:
        from students.models import FamilyRecord, HealthRecord, ProtectionRecord
        from students.record.sections import BmiBand
    except ImportError:
        return {}
    return {
        "bmi_band": dict(BmiBand.choices),
        "eyesight": dict(HealthRecord.Eyesight.choices),
        "hearing": dict(HealthRecord.Hearing.choices),
        "disabilities": dict(HealthRecord.Disability.choices),
        "lives_with": dict(FamilyRecord.LivesWith.choices),
        "parents_status": dict(FamilyRecord.ParentsStatus.choices),
        "risk_notes": dict(ProtectionRecord.Risk.choices),
    }


def _term_text(term) -> str:
    if term is None or term == "":
        return ""
    number = getattr(term, "number", None) or getattr(term, "term", None)
    year = getattr(getattr(term, "academic_year", None), "year", None) or getattr(
        term, "year", None
    )
    if number and year:
        return f"{number}/{year}"
    return str(term)


def fact_text(fact: str, value, rule: Rule | None = None, facts: Mapping | None = None) -> str:
    """How a fact reads beside a suggestion: "GPA 1.45 (term 1/2568)"."""
    if rule is not None and rule.op == "has":
        value = rule.matched_values(value)
    labels = _value_labels().get(fact, {})
    if isinstance(value, list | tuple):
        shown = ", ".join(str(labels.get(v, v)) for v in value)
    elif fact in FACT_UNITS or (rule is not None and rule.numeric):
        shown = format_number(value, FACT_UNITS.get(fact, rule.unit if rule else ""))
    elif isinstance(value, str):
        shown = str(labels.get(value, value))
        if len(shown) > 80:
            shown = shown[:79] + "…"
    else:
        shown = str(value)
    template = FACT_TEXTS.get(fact)
    text = str(template) % {"value": shown} if template else f"{fact}: {shown}"
    term = _term_text((facts or {}).get(f"{fact}_term"))
    if term:
        text = _("%(fact)s (term %(term)s)") % {"fact": text, "term": term}
    return text


def suggestions(criteria: AspectCriteria, facts: Mapping) -> dict[str, str]:
    """{indicator code: why} for every indicator in use whose rule the facts match."""
    found = {}
    for aspect in criteria.aspects:
        for indicator in aspect.active_indicators:
            rule = indicator.rule
            if rule is None or rule.fact not in facts:
                continue
            value = facts[rule.fact]
            if rule.matches(value):
                found[indicator.code] = fact_text(rule.fact, value, rule, facts)
    return found
