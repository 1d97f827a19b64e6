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
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from screening.models import LEVEL_ORDER, AspectResult, Level, ScreeningPolicy
from screening.scoring import INSTRUMENTS_DIR, InstrumentDataError

CRITERIA_FILE = "aspects-obec.toml"
SPECIAL = "special"
SPECIAL_ASPECTS = ("special_ability", "special_needs")
LAYERS = ("district", "school")

NUMERIC_OPS = ("lt", "le", "gt", "ge")
OPS = (*NUMERIC_OPS, "is", "in", "has", "filled")
UNITS = ("", "gpa", "baht", "hours", "minutes")

# --- labels (Thai official names in the comments, for the translator) --------------------------
ASPECT_LABELS = {
    "learning": gettext_lazy("Learning"),  # ด้านการเรียน
    "health": gettext_lazy("Health"),  # ด้านสุขภาพ
    "economy": gettext_lazy("Economy and family"),  # ด้านเศรษฐกิจและครอบครัว
    "safety": gettext_lazy("Safety and welfare"),  # ด้านความปลอดภัยและสวัสดิภาพ (การคุ้มครองนักเรียน)
    "drugs": gettext_lazy("Drugs"),  # ด้านสารเสพติด
    "violence": gettext_lazy("Violence"),  # ด้านความรุนแรง
    "sexual": gettext_lazy("Sexual behaviour"),  # ด้านพฤติกรรมทางเพศ
    "gaming": gettext_lazy("Gaming"),  # ด้านการติดเกม
    "media": gettext_lazy("Electronic media"),  # ด้านการใช้เครื่องมือสื่อสารอิเล็กทรอนิกส์
    "special_ability": gettext_lazy("Special ability"),  # ด้านความสามารถพิเศษ
    "special_needs": gettext_lazy("Special needs"),  # ด้านนักเรียนที่มีความต้องการพิเศษ
}

# %(value)s is the rule's number, as the district or school set it.
INDICATOR_LABELS = {
    # learning
    "learning_gpa_low": gettext_lazy("Grade-point average %(value)s or below"),
    "learning_gpa_very_low": gettext_lazy("Grade-point average below %(value)s"),
    "learning_failed_subjects": gettext_lazy("Failed or unfinished subjects (0, ร, มส, มผ)"),
    "learning_reading": gettext_lazy("Reads or writes below the level of the grade"),
    "learning_absence": gettext_lazy("Often absent or late, or skips lessons"),
    "learning_dropout": gettext_lazy("Absent for long periods, or at risk of dropping out"),
    # health
    "health_chronic_illness": gettext_lazy("Chronic illness or a condition that needs care"),
    "health_weight": gettext_lazy("Thin or overweight for age (BMI)"),
    "health_obese": gettext_lazy("Obese for age (BMI)"),
    "health_eyesight": gettext_lazy("Eyesight problem"),
    "health_hearing": gettext_lazy("Hearing problem"),
    "health_self_harm": gettext_lazy("Hurts themself or talks of wanting to die"),
    # economy and family
    "economy_income_low": gettext_lazy("Household income %(value)s baht a month or less"),
    "economy_income_very_low": gettext_lazy("Household income below %(value)s baht a month"),
    "economy_welfare_card": gettext_lazy("The household holds the state welfare card"),
    "economy_lacks_needs": gettext_lazy("Often lacks lunch, school supplies or uniform"),
    "economy_works": gettext_lazy("Works to support the family, and school suffers"),
    # safety and welfare
    "safety_no_parents": gettext_lazy("Does not live with either parent"),
    "safety_parents_apart": gettext_lazy("Parents separated, divorced or deceased"),
    "safety_substance_home": gettext_lazy("Alcohol, drug or gambling use in the home"),
    "safety_neglect": gettext_lazy("Neglected: left alone or without care"),
    "safety_violence_home": gettext_lazy("Violence in the home"),
    "safety_abuse": gettext_lazy("Signs of physical or sexual abuse"),
    # drugs
    "drugs_close_users": gettext_lazy("Family members or close friends use drugs"),
    "drugs_smoking_alcohol": gettext_lazy("Smokes, vapes or drinks alcohol"),
    "drugs_area": gettext_lazy("Lives where drugs are used or sold"),
    "drugs_use": gettext_lazy("Has tried or uses drugs"),
    "drugs_dealing": gettext_lazy("Involved in selling drugs"),
    # violence
    "violence_quarrels": gettext_lazy("Often quarrels, uses rude words or threatens others"),
    "violence_bullying": gettext_lazy("Bullies others or is bullied"),
    "violence_fights": gettext_lazy("Fights or hurts others"),
    "violence_weapons": gettext_lazy("Carries a weapon or joins gang fights"),
    # sexual behaviour
    "sexual_alone_together": gettext_lazy("Often alone with a boyfriend or girlfriend"),
    "sexual_content": gettext_lazy("Looks at or shares sexual content"),
    "sexual_active": gettext_lazy("Is sexually active"),
    "sexual_pregnancy": gettext_lazy("Is pregnant, or has made someone pregnant"),
    "sexual_harassment": gettext_lazy("Harasses others sexually, or is harassed"),
    # gaming
    "gaming_hours_risk": gettext_lazy("Plays games more than %(value)s h a day"),
    "gaming_hours_problem": gettext_lazy("Plays games more than %(value)s h a day"),
    "gaming_money": gettext_lazy("Spends or takes money to play games"),
    "gaming_temper": gettext_lazy("Gets angry or aggressive when stopped from playing"),
    "gaming_neglects": gettext_lazy("Misses lessons, sleep or meals to play games"),
    # electronic media
    "media_hours_risk": gettext_lazy("Uses a phone or screen more than %(value)s h a day"),
    "media_hours_problem": gettext_lazy("Uses a phone or screen more than %(value)s h a day"),
    "media_in_class": gettext_lazy("Uses the phone in lessons, cannot put it down"),
    "media_strangers": gettext_lazy("Meets people from the internet or shares personal details"),
    "media_cyberbullying": gettext_lazy("Bullies others online or is bullied online"),
    "media_online_harm": gettext_lazy("Harmed online: scams, blackmail, unsuitable content"),
    # special ability
    "ability_academic": gettext_lazy("Outstanding in academic subjects"),
    "ability_arts": gettext_lazy("Talent in music, art, dance or drama"),
    "ability_sports": gettext_lazy("Talent in sports"),
    "ability_technology": gettext_lazy("Talent in technology or computing"),
    "ability_leadership": gettext_lazy("Leadership, languages or other talents"),
    "ability_awards": gettext_lazy("Has won awards or competitions"),
    # special needs: the types of the Ministry of Education announcement of 2552
    "needs_visual": gettext_lazy("Visual impairment"),  # บกพร่องทางการเห็น
    "needs_hearing": gettext_lazy("Hearing impairment"),  # บกพร่องทางการได้ยิน
    "needs_intellectual": gettext_lazy("Intellectual disability"),  # บกพร่องทางสติปัญญา
    "needs_physical": gettext_lazy("Physical or health impairment"),  # ทางร่างกายหรือสุขภาพ
    "needs_learning": gettext_lazy("Learning disability (LD)"),  # บกพร่องทางการเรียนรู้
    "needs_speech": gettext_lazy("Speech and language impairment"),  # ทางการพูดและภาษา
    "needs_behaviour": gettext_lazy("Behavioural or emotional disorder"),  # พฤติกรรมหรืออารมณ์
    "needs_autism": gettext_lazy("Autism"),  # ออทิสติก
    "needs_multiple": gettext_lazy("Multiple disabilities"),  # พิการซ้อน
    "needs_adhd": gettext_lazy("Attention deficit (ADHD)"),  # สมาธิสั้น
}

# Numbers the teacher types on the aspect form (the record does not hold them).
TYPED_FACT_LABELS = {
    "gaming_hours": gettext_lazy("Hours of gaming a day"),
    "screen_hours": gettext_lazy("Hours of phone or screen use a day"),
}
TYPED_FACT_MAX = Decimal(24)

# How a fact from the record reads beside a suggestion ("suggested from the record: …").
FACT_TEXTS = {
    "gpa": gettext_lazy("GPA %(value)s"),
    "income_per_month": gettext_lazy("household income %(value)s baht a month"),
    "income_per_person": gettext_lazy("income %(value)s baht a month per person"),
    "welfare_card": gettext_lazy("holds the state welfare card"),
    "chronic_illness": gettext_lazy("a chronic illness is recorded"),
    "bmi_band": gettext_lazy("BMI for age: %(value)s"),
    "eyesight": gettext_lazy("eyesight: %(value)s"),
    "hearing": gettext_lazy("hearing: %(value)s"),
    "lives_with": gettext_lazy("lives with: %(value)s"),
    "parents_status": gettext_lazy("parents: %(value)s"),
    "risk_notes": gettext_lazy("risks noted: %(value)s"),
    "disabilities": gettext_lazy("special needs recorded: %(value)s"),
    "awards": gettext_lazy("awards: %(value)s"),
    "failed_subjects": gettext_lazy("failed or unfinished: %(value)s"),
    "travel_minutes": gettext_lazy("%(value)s minutes to school"),
    "gaming_hours": gettext_lazy("plays games %(value)s h a day"),
    "screen_hours": gettext_lazy("uses screens %(value)s h a day"),
}
FACT_UNITS = {
    "gpa": "gpa",
    "income_per_month": "baht",
    "income_per_person": "baht",
    "gaming_hours": "hours",
    "screen_hours": "hours",
    "travel_minutes": "minutes",
}

LAYER_LABELS = {
    "default": gettext_lazy("default"),
    "district": gettext_lazy("district"),
    "school": gettext_lazy("school"),
}

LEVEL_CHOICES = [
    (Level.RISK, gettext_lazy("At risk")),
    (Level.PROBLEM, pgettext_lazy("care group", "Has problems")),
]
SPECIAL_LEVEL_CHOICES = [(SPECIAL, gettext_lazy("Special"))]


# --- numbers -----------------------------------------------------------------------------------
def as_decimal(value) -> Decimal | None:
    """A number from the record, a form or JSON; None for anything that is not one."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value, unit: str = "") -> str:
    """2.00 for a GPA, 10,000 for baht, 1.5 for hours."""
    number = as_decimal(value)
    if number is None:
        return str(value)
    if unit == "gpa":
        return f"{number:.2f}"
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --- the criteria ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    fact: str
    op: str
    value: Any
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None

    @property
    def numeric(self) -> bool:
        return self.op in NUMERIC_OPS

    def matches(self, fact_value) -> bool:
        """Whether a fact gives the indicator. A missing fact never does."""
        if fact_value is None or fact_value == "":
            return False
        if self.numeric:
            number = as_decimal(fact_value)
            if number is None:
                return False
            return {
                "lt": number < self.value,
                "le": number <= self.value,
                "gt": number > self.value,
                "ge": number >= self.value,
            }[self.op]
        if self.op == "is":
            return (
                fact_value is self.value
                if isinstance(self.value, bool)
                else (fact_value == self.value)
            )
        if self.op == "in":
            return str(fact_value) in self.value
        if self.op == "has":
            if isinstance(fact_value, str) or not isinstance(fact_value, Iterable):
                return False
            return any(str(v) in self.value for v in fact_value)
        if self.op == "filled":
            if isinstance(fact_value, str):
                return bool(fact_value.strip())
            number = as_decimal(fact_value) if not isinstance(fact_value, bool) else None
            if number is not None:
                return number > 0
            return bool(fact_value)
        return False

    def matched_values(self, fact_value) -> list:
        """For "has": the codes that matched, to say why."""
        if self.op == "has":
            return [v for v in fact_value if str(v) in self.value]
        return [fact_value]


@dataclass(frozen=True)
class Indicator:
    code: str
    aspect: str
    level: str
    rule: Rule | None = None
    # The text of an indicator a district or school added ("" for shipped ones).
    text: str = ""
    origin: str = "default"  # "default", "district" or "school"
    active: bool = True
    off_by: str = ""  # the layer that switched it off
    on_by: str = ""  # the school, when it switched on what the district switched off
    threshold_by: str = ""  # the layer that set the rule's number

    @property
    def label(self) -> str:
        if self.text:
            return self.text
        return indicator_text(self.code, self.rule.value if self.rule else None, self.unit)

    @property
    def unit(self) -> str:
        return self.rule.unit if self.rule else ""

    @property
    def threshold(self) -> Decimal | None:
        return self.rule.value if self.rule and self.rule.numeric else None

    @property
    def threshold_text(self) -> str:
        return format_number(self.threshold, self.unit) if self.threshold is not None else ""


@dataclass(frozen=True)
class Aspect:
    code: str
    special: bool
    facts: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    text: str = ""

    @property
    def label(self) -> str:
        return self.text or str(ASPECT_LABELS.get(self.code, self.code))

    @property
    def active_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.active]

    @property
    def level_choices(self):
        return SPECIAL_LEVEL_CHOICES if self.special else LEVEL_CHOICES

    @property
    def allowed_levels(self) -> tuple[str, ...]:
        return (SPECIAL,) if self.special else (Level.RISK, Level.PROBLEM)


@dataclass(frozen=True)
class AspectCriteria:
    base_version: str
    aspects: tuple[Aspect, ...]
    # "+D…" and "+S…" marks of the layers applied.
    marks: tuple[str, ...] = ()
    file_label: str = ""

    @property
    def version(self) -> str:
        return (self.base_version + "".join(self.marks))[:40]

    def aspect(self, code: str) -> Aspect | None:
        return next((a for a in self.aspects if a.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        for aspect in self.aspects:
            for indicator in aspect.indicators:
                if indicator.code == code:
                    return indicator
        return None


def indicator_text(code: str, value=None, unit: str = "") -> str:
    label = INDICATOR_LABELS.get(code)
    if label is None:
        return code
    return str(label) % {"value": format_number(value, unit) if value is not None else "…"}


def aspect_label(code: str) -> str:
    return str(ASPECT_LABELS.get(code, code))


def indicator_labels(aspect: str, indicators: Iterable) -> list[str]:
    """The ticked indicators of a saved result, as text in the reader's language (typed facts
    are left out)."""
    labels = []
    for entry in indicators or []:
        if not isinstance(entry, Mapping):
            labels.append(str(entry))
            continue
        code = entry.get("code")
        if not code:
            continue
        if code in INDICATOR_LABELS:
            unit = entry.get("unit")
            if unit is None:
                shipped = default_criteria().indicator(code)
                unit = shipped.unit if shipped else ""
            labels.append(indicator_text(code, entry.get("threshold"), unit))
        else:
            labels.append(str(entry.get("label") or code))
    return labels


def typed_facts_of(indicators: Iterable) -> dict[str, Decimal]:
    """The numbers the teacher typed, from a saved result."""
    facts = {}
    for entry in indicators or []:
        if isinstance(entry, Mapping) and entry.get("fact"):
            number = as_decimal(entry.get("value"))
            if number is not None:
                facts[entry["fact"]] = number
    return facts


# --- reading the file --------------------------------------------------------------------------
def _criteria_path() -> Path:
    extra = getattr(settings, "SCREENING_INSTRUMENTS_DIR", None)
    folders = (Path(extra), INSTRUMENTS_DIR) if extra else (INSTRUMENTS_DIR,)
    for folder in folders:
        if (folder / CRITERIA_FILE).is_file():
            return folder / CRITERIA_FILE
    raise InstrumentDataError(INSTRUMENTS_DIR / CRITERIA_FILE, "file not found")


def _rule(path: Path, where: str, data) -> Rule:
    if not isinstance(data, Mapping):
        raise InstrumentDataError(path, f"{where}.rule: a table is required")
    unknown = set(data) - {"fact", "op", "value", "unit", "min", "max"}
    if unknown:
        raise InstrumentDataError(
            path, f"{where}.rule: unknown key(s) {', '.join(sorted(unknown))}"
        )
    fact, op = data.get("fact"), data.get("op")
    if not isinstance(fact, str) or not fact:
        raise InstrumentDataError(path, f"{where}.rule.fact: a name is required")
    if op not in OPS:
        raise InstrumentDataError(path, f"{where}.rule.op: one of {', '.join(OPS)} is required")
    unit = data.get("unit", "")
    if unit not in UNITS:
        raise InstrumentDataError(path, f"{where}.rule.unit: unknown unit {unit!r}")
    value = data.get("value")
    low = high = None
    if op in NUMERIC_OPS:
        value = as_decimal(value) if not isinstance(value, bool) else None
        if value is None:
            raise InstrumentDataError(path, f"{where}.rule.value: a number is required")
        low, high = as_decimal(data.get("min")), as_decimal(data.get("max"))
        if low is None or high is None or not low <= value <= high:
            raise InstrumentDataError(
                path, f"{where}.rule: min and max are required, with min <= value <= max"
            )
    elif op in ("in", "has"):
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise InstrumentDataError(path, f"{where}.rule.value: a list of codes is required")
        value = tuple(value)
    elif op == "is":
        if value is None or isinstance(value, list | dict):
            raise InstrumentDataError(path, f"{where}.rule.value: one value is required")
    elif value is not None:
        raise InstrumentDataError(path, f"{where}.rule.value: not used with {op!r}")
    return Rule(fact=fact, op=op, value=value, unit=unit, min=low, max=high)


def load_criteria(path) -> AspectCriteria:
    """Read and check a criteria file: every aspect and indicator needs a code, a label (here
    or in the file) and a level that fits its aspect; rules must be well formed."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise InstrumentDataError(path, "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentDataError(path, f"not valid TOML ({exc})") from None
    version = data.get("version")
    if not isinstance(version, str) or not version or len(version) > 20:
        raise InstrumentDataError(path, "version: a text of at most 20 characters is required")
    raw_aspects = data.get("aspect")
    if not isinstance(raw_aspects, list) or not raw_aspects:
        raise InstrumentDataError(path, "aspect: at least one [[aspect]] is required")
    seen_aspects: set[str] = set()
    seen_codes: set[str] = set()
    aspects = []
    for raw in raw_aspects:
        code = raw.get("code")
        if not isinstance(code, str) or not code:
            raise InstrumentDataError(path, "aspect.code: a code is required")
        if code in seen_aspects:
            raise InstrumentDataError(path, f"aspect {code}: listed twice")
        seen_aspects.add(code)
        text = raw.get("label", "")
        if code not in ASPECT_LABELS and not text:
            raise InstrumentDataError(path, f"aspect {code}: no label")
        special = raw.get("special", False)
        if not isinstance(special, bool):
            raise InstrumentDataError(path, f"aspect {code}: special must be true or false")
        if (code in SPECIAL_ASPECTS) != special:
            raise InstrumentDataError(
                path,
                f"aspect {code}: special must be true exactly for {', '.join(SPECIAL_ASPECTS)}",
            )
        facts = raw.get("facts", [])
        if not isinstance(facts, list) or any(f not in TYPED_FACT_LABELS for f in facts):
            raise InstrumentDataError(
                path, f"aspect {code}: facts may only name {', '.join(TYPED_FACT_LABELS)}"
            )
        allowed = (SPECIAL,) if special else (Level.RISK, Level.PROBLEM)
        indicators = []
        for item in raw.get("indicator", []):
            icode = item.get("code")
            where = f"aspect {code}, indicator {icode}"
            if not isinstance(icode, str) or not icode:
                raise InstrumentDataError(path, f"aspect {code}: an indicator has no code")
            if icode in seen_codes:
                raise InstrumentDataError(path, f"indicator {icode}: code used twice")
            seen_codes.add(icode)
            level = item.get("level")
            if level not in allowed:
                raise InstrumentDataError(
                    path, f"{where}: level must be one of {', '.join(allowed)}"
                )
            itext = item.get("label", "")
            if icode not in INDICATOR_LABELS and not itext:
                raise InstrumentDataError(path, f"{where}: no label")
            rule = _rule(path, where, item["rule"]) if "rule" in item else None
            indicators.append(
                Indicator(code=icode, aspect=code, level=level, rule=rule, text=itext)
            )
        if not indicators:
            raise InstrumentDataError(path, f"aspect {code}: no indicators")
        aspects.append(
            Aspect(
                code=code,
                special=special,
                facts=tuple(facts),
                indicators=tuple(indicators),
                text=text,
            )
        )
    return AspectCriteria(
        base_version=version, aspects=tuple(aspects), file_label=data.get("label", version)
    )


@functools.cache
def _load_cached(path: Path) -> AspectCriteria:
    return load_criteria(path)


def default_criteria() -> AspectCriteria:
    """The shipped criteria (or the deployment's replacement file), read once."""
    return _load_cached(_criteria_path())


def clear_caches() -> None:
    _load_cached.cache_clear()


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
            confirmed_by=user if getattr(user, "is_authenticated", False) else None,
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
