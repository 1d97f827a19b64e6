"""The aspect criteria: their labels, the numbers on the forms, the rules, aspects and indicators,
and reading the criteria file (``screening/instruments/aspects-obec.toml``)."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy, pgettext_lazy

from screening.models import Level
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
