"""Aspect screening (การคัดกรองรายด้าน): the criteria, their district and school changes, the
suggestions drawn from the cumulative record, and saving a teacher's screening.

The default criteria are data (``screening/instruments/aspects-obec.toml``); the labels of the
shipped aspects and indicators are here, translatable. A district and then a school may change
them (``ScreeningPolicy.aspect_criteria``, one row each):

    {"aspects": {aspect code: {
        "off": [indicator codes switched off],
        "on": [indicator codes the district switched off, switched on again by the school],
        "thresholds": {indicator code: number},
        "extra": [{"code": "s-1a2b3c", "label": "their own text", "level": "risk"}]}}}

The school's changes apply on top of the district's. Each saved ``AspectResult`` records the
version it was screened with: the file's version, then "+D" and "+S" with the first eight hex
digits of a SHA-256 of the district's and the school's changes when they have any, e.g.
``aspects-obec-1+D3f9a1c20+S5d6e7f81`` (see docs/screening.md, "Aspect screening").

``AspectResult.indicators`` holds, per aspect, the ticked indicators and the numbers the teacher
typed:

    [{"code": "learning_gpa_low", "level": "risk", "label": "…", "threshold": 2.0,
      "suggested": true, "evidence": "GPA 1.45 (term 1/2568)"},
     {"fact": "gaming_hours", "value": 1.5}]

(``label`` is the text when it was saved; shipped indicators are shown in the reader's language
from their code and ``threshold``.)

The package: ``criteria`` (labels, rules, reading the file), ``policies`` (the district's and the
school's changes), ``suggestions`` (what the record suggests), ``results`` (levels and saving) and
``views`` (the teacher's form and the criteria pages). The names other apps use are re-exported
here, so a caller writes ``from screening import aspects`` and ``aspects.criteria_for_school(...)``.
"""

from screening.aspects.criteria import (
    ASPECT_LABELS,
    INDICATOR_LABELS,
    SPECIAL_ASPECTS,
    TYPED_FACT_LABELS,
    TYPED_FACT_MAX,
    AspectCriteria,
    as_decimal,
    aspect_label,
    clear_caches,
    default_criteria,
    indicator_labels,
    json_number,
    load_criteria,
    typed_facts_of,
)
from screening.aspects.policies import (
    apply_changes,
    criteria_for,
    criteria_for_school,
    new_extra_code,
    policies_for,
    screening_policy_save,
)
from screening.aspects.results import (
    aspect_level,
    aspect_results_save,
    result_summary,
    results_token,
)
from screening.aspects.suggestions import record_facts_for, suggestions

__all__ = [
    "ASPECT_LABELS",
    "INDICATOR_LABELS",
    "SPECIAL_ASPECTS",
    "TYPED_FACT_LABELS",
    "TYPED_FACT_MAX",
    "AspectCriteria",
    "apply_changes",
    "as_decimal",
    "aspect_label",
    "aspect_level",
    "aspect_results_save",
    "clear_caches",
    "criteria_for",
    "criteria_for_school",
    "default_criteria",
    "indicator_labels",
    "json_number",
    "load_criteria",
    "new_extra_code",
    "policies_for",
    "record_facts_for",
    "result_summary",
    "results_token",
    "screening_policy_save",
    "suggestions",
    "typed_facts_of",
]
