"""The level of an aspect, saving a teacher's aspect screening and summarising the results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from carecore.writes import acting_user
from screening.aspects.criteria import (
    ASPECT_LABELS,
    SPECIAL,
    Aspect,
    AspectCriteria,
    Indicator,
    default_criteria,
    json_number,
)
from screening.models import LEVEL_ORDER, AspectResult, Level


# --- levels and saving -------------------------------------------------------------------------
def aspect_level(aspect: Aspect, entries: Iterable[Mapping]) -> str:
    """The worst level of the ticked indicators; "special" for the special aspects when any is
    ticked; normal when none is."""
    levels = [e.get("level") for e in entries if isinstance(e, Mapping) and e.get("code")]
    if aspect.special:
        return SPECIAL if levels else Level.NORMAL
    level = Level.NORMAL
    for candidate in levels:
        if candidate in LEVEL_ORDER and LEVEL_ORDER[candidate] > LEVEL_ORDER[level]:
            level = candidate
    return level


def results_token(results: Iterable[AspectResult]) -> str:
    """When the aspect screening was last saved, for refusing to overwrite a newer save."""
    stamps = [r.confirmed for r in results if r.confirmed]
    return max(stamps).isoformat() if stamps else ""


@dataclass
class AspectSave:
    results: list[AspectResult]
    changes: dict[str, list[str]] = field(default_factory=dict)
    group: Any = None


def _entry(indicator: Indicator, suggested: Mapping[str, str]) -> dict:
    entry = {"code": indicator.code, "level": indicator.level, "label": indicator.label}
    if indicator.threshold is not None:
        entry["threshold"] = json_number(indicator.threshold)
        entry["unit"] = indicator.unit
    if indicator.code in suggested:
        entry["suggested"] = True
        entry["evidence"] = suggested[indicator.code]
    return entry


def _summary(result_level: str, entries: list[dict]) -> str:
    codes = ", ".join(e["code"] for e in entries if e.get("code"))
    return f"{result_level} ({codes})" if codes else result_level


@transaction.atomic
def aspect_results_save(
    *,
    student,
    term,
    criteria: AspectCriteria,
    ticked: Iterable[str],
    notes: Mapping[str, str] | None = None,
    typed_facts: Mapping[str, Decimal | None] | None = None,
    suggested: Mapping[str, str] | None = None,
    user=None,
    token: str | None = None,
) -> AspectSave:
    """Save the teacher's aspect screening of one student for one term: one ``AspectResult``
    per aspect (normal when nothing is ticked), then the care group once.

    ``ticked``: indicator codes; codes that are not in use are ignored, except those already
    saved (an indicator switched off since stays until the teacher unticks it). ``typed_facts``:
    hours the teacher typed; the indicators their rules give are ticked too. ``suggested``:
    {code: why} as shown, kept with the ticked indicators. ``token``: ``results_token`` when the
    form was opened; if someone saved since, ``StaleForm`` is raised and nothing is written."""
    from screening.services import StaleForm, care_group_refresh

    existing = {
        r.aspect: r
        for r in AspectResult.objects.select_for_update().filter(student=student, term=term)
    }
    if token is not None and token != results_token(existing.values()):
        raise StaleForm(max(existing.values(), key=lambda r: r.confirmed, default=None))
    ticked = set(ticked)
    notes = notes or {}
    suggested = suggested or {}
    typed = {k: v for k, v in (typed_facts or {}).items() if v is not None}
    now = timezone.now()
    results, changes = [], {}
    for aspect in criteria.aspects:
        before = existing.get(aspect.code)
        stored = {
            e["code"]: e
            for e in (before.indicators if before else [])
            if isinstance(e, Mapping) and e.get("code")
        }
        entries = []
        for indicator in aspect.active_indicators:
            rule = indicator.rule
            implied = (
                rule is not None
                and rule.fact in aspect.facts
                and rule.matches(typed.get(rule.fact))
            )
            if indicator.code in ticked or implied:
                entries.append(_entry(indicator, suggested))
        active = {i.code for i in aspect.active_indicators}
        for code, entry in stored.items():
            if code in ticked and code not in active:
                entries.append(dict(entry))
        level = aspect_level(aspect, entries)
        for fact in aspect.facts:
            if fact in typed:
                entries.append({"fact": fact, "value": json_number(typed[fact])})
        result = AspectResult(
            student=student,
            term=term,
            aspect=aspect.code,
            level=level,
            indicators=entries,
            note=(notes.get(aspect.code) or "").strip(),
            criteria_version=criteria.version,
            confirmed_by=acting_user(user),
            confirmed=now,
        )
        results.append(result)
        old = _summary(before.level, list(before.indicators)) if before else ""
        new = _summary(level, entries)
        if old != new:
            changes[aspect.code] = [old, new]
    AspectResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["student", "term", "aspect"],
        update_fields=[
            "level",
            "indicators",
            "note",
            "criteria_version",
            "confirmed_by",
            "confirmed",
        ],
    )
    group = care_group_refresh(student=student, term=term)
    return AspectSave(results=results, changes=changes, group=group)


def result_summary(results: Iterable[AspectResult]) -> dict:
    """For the student's page: whether the aspects were screened, and those not normal, in the
    order of the criteria — {"saved": bool, "flagged": [{"aspect", "label", "level"}]}."""
    results = list(results)
    order = {a.code: n for n, a in enumerate(default_criteria().aspects)}
    flagged = [
        {"aspect": r.aspect, "label": ASPECT_LABELS.get(r.aspect, r.aspect), "level": r.level}
        for r in sorted(results, key=lambda r: order.get(r.aspect, len(order)))
        if r.level != Level.NORMAL
    ]
    return {"saved": bool(results), "flagged": flagged}
