"""The district's and the school's changes to the criteria (``ScreeningPolicy.aspect_criteria``)
and the criteria a school screens with."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q

from screening.aspects.criteria import (
    LAYERS,
    AspectCriteria,
    Indicator,
    as_decimal,
    default_criteria,
)
from screening.models import ScreeningPolicy


# --- district and school changes ---------------------------------------------------------------
def _clean_changes(changes) -> dict:
    """The changes without empty parts, in a stable form (for the version mark)."""
    result = {}
    aspects = (changes or {}).get("aspects") if isinstance(changes, Mapping) else None
    for code, part in sorted((aspects or {}).items()):
        if not isinstance(part, Mapping):
            continue
        kept = {}
        for key in ("off", "on"):
            if part.get(key):
                kept[key] = sorted({str(c) for c in part[key]})
        if part.get("thresholds"):
            kept["thresholds"] = {str(k): v for k, v in sorted(part["thresholds"].items())}
        if part.get("extra"):
            kept["extra"] = [dict(e) for e in part["extra"] if isinstance(e, Mapping)]
        if kept:
            result[code] = kept
    return {"aspects": result} if result else {}


def changes_mark(changes) -> str:
    cleaned = _clean_changes(changes)
    if not cleaned:
        return ""
    text = json.dumps(cleaned, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def apply_changes(criteria: AspectCriteria, changes, layer: str) -> AspectCriteria:
    """The criteria with one layer's changes on top. Parts that no longer fit (an unknown
    aspect or indicator, a number out of range) are skipped rather than refused, so that a
    changed criteria file never breaks a page."""
    cleaned = _clean_changes(changes)
    if not cleaned:
        return criteria
    parts = cleaned["aspects"]
    known = {i.code for a in criteria.aspects for i in a.indicators}
    aspects = []
    for aspect in criteria.aspects:
        part = parts.get(aspect.code)
        if not part:
            aspects.append(aspect)
            continue
        indicators = list(aspect.indicators)
        for extra in part.get("extra", []):
            code, label, level = extra.get("code"), extra.get("label"), extra.get("level")
            if not code or not label or level not in aspect.allowed_levels or code in known:
                continue
            known.add(code)
            indicators.append(
                Indicator(code=code, aspect=aspect.code, level=level, text=label, origin=layer)
            )
        off, on = set(part.get("off", [])), set(part.get("on", []))
        thresholds = part.get("thresholds", {})
        changed = []
        for indicator in indicators:
            if indicator.code in off:
                indicator = dataclasses.replace(indicator, active=False, off_by=layer, on_by="")
            elif indicator.code in on and not indicator.active:
                indicator = dataclasses.replace(indicator, active=True, off_by="", on_by=layer)
            if indicator.code in thresholds and indicator.rule and indicator.rule.numeric:
                value = as_decimal(thresholds[indicator.code])
                rule = indicator.rule
                if value is not None and rule.min <= value <= rule.max:
                    indicator = dataclasses.replace(
                        indicator,
                        rule=dataclasses.replace(rule, value=value),
                        threshold_by=layer,
                    )
            changed.append(indicator)
        aspects.append(dataclasses.replace(aspect, indicators=tuple(changed)))
    mark = f"+{layer[0].upper()}{changes_mark(changes)}"
    return dataclasses.replace(criteria, aspects=tuple(aspects), marks=(*criteria.marks, mark))


def policies_for(*, school=None, district=None) -> dict[str, ScreeningPolicy]:
    """The district's and the school's policy rows, {"district": …, "school": …} (one query)."""
    if school is not None:
        condition = Q(school_id=school.pk) | Q(district_id=school.district_id)
    else:
        condition = Q(district_id=district.pk)
    return {
        ("school" if p.school_id else "district"): p
        for p in ScreeningPolicy.objects.filter(condition)
    }


def criteria_for(*, school=None, district=None, policies=None) -> AspectCriteria:
    """The criteria that apply: the file, the district's changes, then the school's."""
    if policies is None:
        policies = policies_for(school=school, district=district)
    criteria = default_criteria()
    for layer in LAYERS:
        policy = policies.get(layer)
        if policy is not None and (school is not None or layer == "district"):
            criteria = apply_changes(criteria, policy.aspect_criteria, layer)
    return criteria


def criteria_for_school(school) -> AspectCriteria:
    return criteria_for(school=school)


def new_extra_code(layer: str) -> str:
    return f"{layer[0]}-{secrets.token_hex(3)}"


@transaction.atomic
def screening_policy_save(
    *, school=None, district=None, sdq_criteria: str, aspect_changes: Mapping, user
) -> tuple[ScreeningPolicy, dict[str, list[str]]]:
    """Store a district's or a school's criteria; returns the row and what changed
    ({"sdq_criteria": [old, new], "aspect_criteria": [old mark, new mark]}) for the audit log."""
    if (school is None) == (district is None):
        raise ValueError("a policy belongs to a district or to a school")
    lookup = {"school": school} if school is not None else {"district": district}
    policy = ScreeningPolicy.objects.select_for_update().filter(**lookup).first()
    if policy is None:
        policy = ScreeningPolicy(**lookup)
    before_sdq, before_mark = policy.sdq_criteria, changes_mark(policy.aspect_criteria)
    policy.sdq_criteria = sdq_criteria
    policy.aspect_criteria = _clean_changes(aspect_changes)
    policy.updated_by = user
    policy.save()
    changes = {}
    if before_sdq != policy.sdq_criteria:
        changes["sdq_criteria"] = [before_sdq, policy.sdq_criteria]
    after_mark = changes_mark(policy.aspect_criteria)
    if before_mark != after_mark:
        changes["aspect_criteria"] = [before_mark, after_mark]
    return policy, changes
