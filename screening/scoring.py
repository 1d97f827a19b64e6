"""Scoring of the screening instruments (SDQ, EQ 12–17, EQ 6–11): exact, and driven by data.

Every fact of an instrument (which item belongs to which scale, reverse items, cut-offs, norm
tables, which grades and ages get which forms) lives in a versioned TOML file in
``screening/instruments/``; this module only reads them, checks them and does the arithmetic.
Every result carries the versions it was scored with.

A deployment may put replacement or additional files in the folder named by the optional
setting ``SCREENING_INSTRUMENTS_DIR``: a file there wins over the shipped file of the same name,
and any ``sdq-criteria-*.toml`` there adds a criteria version. Files are read once and cached;
``clear_caches()`` forgets them (tests, or after replacing a file without a restart).

Answers come as sequences where position 0 is item 1; ``None`` means "not answered". SDQ answers
are coded 0/1/2 in the order on paper (ไม่จริง / ค่อนข้างจริง / จริง); EQ answers 1..4 in the order
on paper. Reverse-scoring happens here, never in forms.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from screening.labels import CRITERIA_LABELS

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

RATERS = ("teacher", "parent", "student")
LEVELS = ("normal", "risk", "problem")  # order matters: worst = max index
SDQ_DIFFICULTY_SCALES = ("emotional", "conduct", "hyperactivity", "peer", "total")
SDQ_SUBSCALES = ("emotional", "conduct", "hyperactivity", "peer", "prosocial")
SDQ_BANDED_SCALES = (*SDQ_DIFFICULTY_SCALES, "prosocial", "impact")
PROSOCIAL_BANDS = ("no_strength", "strength")
DEFAULT_SDQ_CRITERIA = "obec-1"  # the version of sdq-criteria-obec.toml

EQ_INSTRUMENTS = ("eq12", "eq6")
EQ_FILES = {"eq12": "eq-12-17.toml", "eq6": "eq-6-11.toml"}
EQ_RANGE_LEVELS = ("below", "normal", "above")  # eq12: ต่ำกว่าปกติ / ปกติ / สูงกว่าปกติ
EQ_T_LEVELS = ("must_develop", "should_develop", "good")  # eq6: ต้องพัฒนา / ควรพัฒนา / ดี
T_SCORE_MAX = 100

SDQ_KEY_FILE = "sdq-key.toml"
SDQ_CRITERIA_GLOB = "sdq-criteria-*.toml"


# --- errors -----------------------------------------------------------------------------------
class InstrumentDataError(ImproperlyConfigured):
    """An instrument file is missing or wrong. The message names the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


class IncompleteAnswers(ValueError):
    """Some items are unanswered; ``missing`` lists their 1-based numbers."""

    def __init__(self, missing: Iterable[int]):
        self.missing = list(missing)
        super().__init__(f"unanswered items: {', '.join(map(str, self.missing))}")


class InvalidAnswer(ValueError):
    """A value that is not an allowed answer (or a bad rater/instrument).

    ``item`` is the 1-based item number, an impact question code, or "rater"/"instrument"."""

    def __init__(self, item: int | str, value):
        self.item = item
        self.value = value
        super().__init__(f"item {item}: {value!r} is not an allowed answer")


class UnknownCriteria(LookupError):
    """No SDQ criteria file has this version."""


# --- reading files ----------------------------------------------------------------------------
def _instrument_dirs() -> tuple[Path, ...]:
    extra = getattr(settings, "SCREENING_INSTRUMENTS_DIR", None)
    return (Path(extra), INSTRUMENTS_DIR) if extra else (INSTRUMENTS_DIR,)


def _find_file(name: str) -> Path:
    return _find_file_in(name, _instrument_dirs())


@functools.cache
def _find_file_in(name: str, dirs: tuple[Path, ...]) -> Path:
    for folder in dirs:
        if (folder / name).is_file():
            return folder / name
    raise InstrumentDataError(INSTRUMENTS_DIR / name, "file not found")


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InstrumentDataError(path, "file not found") from None
    except OSError as exc:
        raise InstrumentDataError(path, f"cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentDataError(path, f"not valid TOML ({exc})") from None


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(path, value, what: str) -> int:
    if not _is_int(value):
        raise InstrumentDataError(path, f"{what}: {value!r} is not a whole number")
    return value


def _str(path, value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstrumentDataError(path, f"{what}: a non-empty text is required")
    return value


def _int_list(path, value, what: str) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise InstrumentDataError(path, f"{what}: a list of whole numbers is required")
    return tuple(_int(path, v, what) for v in value)


def _span(path, value, what: str) -> tuple[int, int]:
    """An inclusive range written [low, high]."""
    if not isinstance(value, list) or len(value) != 2:
        raise InstrumentDataError(path, f"{what}: a range [low, high] is required, not {value!r}")
    low, high = (_int(path, v, what) for v in value)
    if low > high:
        raise InstrumentDataError(path, f"{what}: [{low}, {high}] is not a range (low > high)")
    return low, high


def _table(path, value, what: str) -> dict:
    if not isinstance(value, dict):
        raise InstrumentDataError(path, f"{what}: a table is required")
    return value


def _bands(path, value, what: str, allowed: Sequence[str], maximum: int):
    """Named inclusive ranges that must cover 0..maximum exactly once, sorted by their start."""
    table = _table(path, value, what)
    bands = []
    for name, span in table.items():
        if name not in allowed:
            raise InstrumentDataError(
                path, f"{what}: unknown band {name!r} (allowed: {', '.join(allowed)})"
            )
        low, high = _span(path, span, f"{what}.{name}")
        bands.append((name, low, high))
    if not bands:
        raise InstrumentDataError(path, f"{what}: no bands")
    owners: dict[int, str] = {}
    for name, low, high in bands:
        if low < 0 or high > maximum:
            raise InstrumentDataError(
                path, f"{what}.{name}: [{low}, {high}] goes outside 0..{maximum}"
            )
        for score in range(low, high + 1):
            if score in owners:
                raise InstrumentDataError(
                    path,
                    f"{what}: bands overlap: score {score} is in both "
                    f"{owners[score]!r} and {name!r}",
                )
            owners[score] = name
    gaps = [score for score in range(maximum + 1) if score not in owners]
    if gaps:
        raise InstrumentDataError(
            path, f"{what}: gap: score(s) {', '.join(map(str, gaps))} are in no band"
        )
    return tuple(sorted(bands, key=lambda band: band[1]))


def _band_of(bands, score: int) -> str:
    for name, low, high in bands:
        if low <= score <= high:
            return name
    raise ValueError(f"score {score} is outside every band")  # cannot happen after validation


def _check_answers(answers: Sequence, count: int, allowed: Sequence[int]) -> list[int]:
    """Validate the given values; return the 1-based numbers of the unanswered items."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise InvalidAnswer("answers", answers)
    if len(answers) > count:
        raise InvalidAnswer(count + 1, answers[count])
    missing = []
    for number in range(1, count + 1):
        value = answers[number - 1] if number <= len(answers) else None
        if value is None:
            missing.append(number)
        elif not _is_int(value) or value not in allowed:
            raise InvalidAnswer(number, value)
    return missing


# --- SDQ key -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SdqImpactForm:
    """The impact supplement of one rater's form."""

    rater: str
    distress: str
    areas: tuple[str, ...]
    recorded: tuple[str, ...]  # asked and stored, not scored (chronicity, burden)


@dataclass(frozen=True)
class SdqKey:
    version: str
    items: int
    answers: tuple[int, ...]
    reverse: frozenset[int]
    subscales: dict[str, tuple[int, ...]]  # in SDQ_SUBSCALES order
    total_subscales: tuple[str, ...]
    impact_answers: tuple[int, ...]
    impact_score: tuple[int, ...]  # index = answer code
    gate: str
    gate_answers: tuple[int, ...]
    impact_forms: dict[str, SdqImpactForm]
    forms: tuple[tuple[int, int, tuple[str, ...]], ...]  # (first grade, last grade, raters)
    self_report_ages: tuple[int, int]  # inclusive: who is offered the self-report form

    def item_score(self, item: int, answer: int) -> int:
        """Points of one answer: the answer itself, or top - answer for a reverse item."""
        top = max(self.answers)
        return top - answer if item in self.reverse else answer

    def subscale_of(self, item: int) -> str:
        for name, items in self.subscales.items():
            if item in items:
                return name
        raise ValueError(f"SDQ has no item {item}")

    def impact_areas(self, rater: str) -> tuple[str, ...]:
        """The areas of life asked on this rater's form (scored, besides distress)."""
        return self._impact_form(rater).areas

    def impact_scored(self, rater: str) -> tuple[str, ...]:
        form = self._impact_form(rater)
        return (form.distress, *form.areas)

    def impact_questions(self, rater: str) -> tuple[str, ...]:
        """Every impact question of the form, in paper order: the gate, chronicity, distress,
        the areas, then the other recorded questions (burden)."""
        form = self._impact_form(rater)
        before = tuple(q for q in form.recorded if q == "chronicity")
        after = tuple(q for q in form.recorded if q != "chronicity")
        return (self.gate, *before, form.distress, *form.areas, *after)

    def impact_max(self, rater: str) -> int:
        return max(self.impact_score) * len(self.impact_scored(rater))

    def scale_max(self, scale: str, rater: str | None = None) -> int:
        top = max(self.answers)
        if scale in self.subscales:
            return top * len(self.subscales[scale])
        if scale == "total":
            return sum(top * len(self.subscales[s]) for s in self.total_subscales)
        if scale == "impact":
            if rater is None:
                return max(self.impact_max(r) for r in RATERS)
            return self.impact_max(rater)
        raise ValueError(f"unknown SDQ scale {scale!r}")

    def _impact_form(self, rater: str) -> SdqImpactForm:
        if rater not in self.impact_forms:
            raise InvalidAnswer("rater", rater)
        return self.impact_forms[rater]


def _claim_items(
    path, seen: dict[int, str], members, scale: str, items: int, where: str, prefix: str = ""
) -> None:
    """Mark ``members`` as ``scale``'s in ``seen``: each must be one of the form's ``items`` and
    in no other scale (``where`` and ``prefix`` place the error in the file)."""
    for item in members:
        if not 1 <= item <= items:
            raise InstrumentDataError(path, f"{where}: no item {item}")
        if item in seen:
            raise InstrumentDataError(
                path, f"{prefix}item {item} is in both {seen[item]} and {scale}"
            )
        seen[item] = scale


def load_sdq_key(path) -> SdqKey:
    """Read and check an SDQ key file."""
    path = Path(path)
    data = _read_toml(path)
    version = _str(path, data.get("version"), "version")
    items = _int(path, data.get("items"), "items")
    answers = _int_list(path, data.get("answers"), "answers")
    if len(answers) < 2 or answers != tuple(range(len(answers))):
        raise InstrumentDataError(path, "answers: the codes 0, 1, ... n are required")
    reverse = frozenset(_int_list(path, data.get("reverse", []), "reverse"))
    if any(not 1 <= item <= items for item in reverse):
        raise InstrumentDataError(path, f"reverse: items must be between 1 and {items}")

    table = _table(path, data.get("subscales"), "subscales")
    if set(table) != set(SDQ_SUBSCALES):
        raise InstrumentDataError(
            path, f"subscales: exactly these are required: {', '.join(SDQ_SUBSCALES)}"
        )
    subscales = {name: _int_list(path, table[name], f"subscales.{name}") for name in SDQ_SUBSCALES}
    seen: dict[int, str] = {}
    for name, members in subscales.items():
        _claim_items(path, seen, members, name, items, f"subscales.{name}", "subscales: ")
    unassigned = sorted(set(range(1, items + 1)) - set(seen))
    if unassigned:
        raise InstrumentDataError(
            path, f"subscales: item(s) {', '.join(map(str, unassigned))} are in no subscale"
        )
    total = tuple(_table(path, data.get("total"), "total").get("subscales", ()))
    if set(total) != set(SDQ_DIFFICULTY_SCALES[:-1]) or len(total) != 4:
        raise InstrumentDataError(
            path, "total.subscales: emotional, conduct, hyperactivity and peer are required"
        )

    impact = _table(path, data.get("impact"), "impact")
    impact_answers = _int_list(path, impact.get("answers"), "impact.answers")
    impact_score = _int_list(path, impact.get("score"), "impact.score")
    if len(impact_score) != len(impact_answers) or impact_answers != tuple(
        range(len(impact_answers))
    ):
        raise InstrumentDataError(
            path, "impact: answers must be 0..n and score must give one score per answer"
        )
    gate = _str(path, impact.get("gate"), "impact.gate")
    gate_answers = _int_list(path, impact.get("gate_answers"), "impact.gate_answers")
    if 0 not in gate_answers:
        raise InstrumentDataError(path, "impact.gate_answers: 0 (no difficulties) is required")
    raters = _table(path, impact.get("raters"), "impact.raters")
    if set(raters) != set(RATERS):
        raise InstrumentDataError(path, f"impact.raters: exactly {', '.join(RATERS)} are required")
    impact_forms = {}
    for rater in RATERS:
        form = _table(path, raters[rater], f"impact.raters.{rater}")
        areas = form.get("areas")
        recorded = form.get("recorded", [])
        if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas) or not areas:
            raise InstrumentDataError(path, f"impact.raters.{rater}.areas: a list of names")
        if not isinstance(recorded, list) or not all(isinstance(r, str) for r in recorded):
            raise InstrumentDataError(path, f"impact.raters.{rater}.recorded: a list of names")
        distress = _str(path, form.get("distress"), f"impact.raters.{rater}.distress")
        names = [gate, distress, *areas, *recorded]
        if len(set(names)) != len(names):
            raise InstrumentDataError(path, f"impact.raters.{rater}: a question is named twice")
        impact_forms[rater] = SdqImpactForm(rater, distress, tuple(areas), tuple(recorded))

    forms = []
    taken: dict[int, int] = {}
    for index, rule in enumerate(data.get("forms", []), start=1):
        rule = _table(path, rule, f"forms #{index}")
        low, high = _span(path, rule.get("grades"), f"forms #{index}.grades")
        form_raters = tuple(rule.get("raters", ()))
        if not form_raters or any(r not in RATERS for r in form_raters):
            raise InstrumentDataError(
                path, f"forms #{index}.raters: some of {', '.join(RATERS)} are required"
            )
        if "student" in form_raters:
            raise InstrumentDataError(
                path,
                f"forms #{index}.raters: the self-report goes by age (self_report_ages), "
                "not by grade: remove 'student'",
            )
        for grade in range(low, high + 1):
            if grade in taken:
                raise InstrumentDataError(
                    path, f"forms: grade {grade} is in rules #{taken[grade]} and #{index}"
                )
            taken[grade] = index
        forms.append((low, high, form_raters))
    self_report_ages = _span(path, data.get("self_report_ages"), "self_report_ages")

    return SdqKey(
        version=version,
        items=items,
        answers=answers,
        reverse=reverse,
        subscales=subscales,
        total_subscales=total,
        impact_answers=impact_answers,
        impact_score=impact_score,
        gate=gate,
        gate_answers=gate_answers,
        impact_forms=impact_forms,
        forms=tuple(forms),
        self_report_ages=self_report_ages,
    )


@functools.cache
def _sdq_key_at(path: Path) -> SdqKey:
    return load_sdq_key(path)


def sdq_key() -> SdqKey:
    return _sdq_key_at(_find_file(SDQ_KEY_FILE))


def sdq_forms_for_grade(grade: int) -> tuple[str, ...]:
    """The teacher's and parent's SDQ forms a student of this grade (schools.models.Grade) gets;
    the self-report goes by age (``sdq_forms``)."""
    for low, high, raters in sdq_key().forms:
        if low <= grade <= high:
            return raters
    raise ValueError(f"no SDQ forms are defined for grade {grade!r}")


def sdq_self_report_applies(age: int | None) -> bool:
    """Whether a student of this age (in whole years) is offered the self-report form. No age
    (no birth date): not offered, as the form is meant for 11 and over only."""
    if age is None:
        return False
    low, high = sdq_key().self_report_ages
    return low <= age <= high


def sdq_forms(grade: int | None, age: int | None) -> tuple[str, ...]:
    """The SDQ forms of a student: by grade (no classroom: the teacher's form), then the
    self-report by age."""
    by_grade = sdq_forms_for_grade(grade) if grade is not None else ("teacher",)
    return (*by_grade, "student") if sdq_self_report_applies(age) else by_grade


# --- SDQ criteria ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SdqCriteria:
    version: str
    file_label: str
    source: str
    bands: dict[str, dict[str, tuple[tuple[str, int, int], ...]]]  # rater -> scale -> bands

    @property
    def label(self):
        """A translatable name when labels.py knows this version, else the file's label."""
        return CRITERIA_LABELS.get(self.version, self.file_label)

    def band(self, rater: str, scale: str, score: int) -> str:
        return _band_of(self.bands[rater][scale], score)

    def ranges(self, rater: str, scale: str) -> tuple[tuple[str, int, int], ...]:
        """(band, low, high) from the lowest score up, for printing the cut-offs."""
        return self.bands[rater][scale]


def load_sdq_criteria(path, key: SdqKey | None = None) -> SdqCriteria:
    """Read and check one criteria file: every scale of every rater must be covered from 0 to
    its maximum by exactly one band."""
    path = Path(path)
    key = key or sdq_key()
    data = _read_toml(path)
    version = _str(path, data.get("version"), "version")
    label = _str(path, data.get("label", version), "label")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise InstrumentDataError(path, "source: text is required")
    unknown = set(data) - {"version", "label", "source", *RATERS}
    if unknown:
        raise InstrumentDataError(path, f"unknown section(s): {', '.join(sorted(unknown))}")
    bands: dict[str, dict[str, tuple]] = {}
    for rater in RATERS:
        table = _table(path, data.get(rater), rater)
        extra = set(table) - set(SDQ_BANDED_SCALES)
        if extra:
            raise InstrumentDataError(path, f"{rater}: unknown scale(s) {', '.join(sorted(extra))}")
        bands[rater] = {}
        for scale in SDQ_BANDED_SCALES:
            if scale not in table:
                raise InstrumentDataError(path, f"{rater}.{scale}: missing")
            allowed = PROSOCIAL_BANDS if scale == "prosocial" else LEVELS
            maximum = key.scale_max(scale, rater)
            bands[rater][scale] = _bands(path, table[scale], f"{rater}.{scale}", allowed, maximum)
    return SdqCriteria(version=version, file_label=label, source=source, bands=bands)


@functools.cache
def _criteria_registry(dirs: tuple[Path, ...]) -> dict[str, SdqCriteria]:
    key = sdq_key()
    files: dict[str, Path] = {}
    for folder in reversed(dirs):  # later (earlier in dirs) wins for the same file name
        for path in sorted(folder.glob(SDQ_CRITERIA_GLOB)):
            files[path.name] = path
    registry: dict[str, SdqCriteria] = {}
    origin: dict[str, Path] = {}
    for path in files.values():
        criteria = load_sdq_criteria(path, key)
        if criteria.version in registry:
            raise InstrumentDataError(
                path, f"version {criteria.version!r} is also used by {origin[criteria.version]}"
            )
        registry[criteria.version] = criteria
        origin[criteria.version] = path
    if DEFAULT_SDQ_CRITERIA not in registry:
        raise InstrumentDataError(
            INSTRUMENTS_DIR / "sdq-criteria-obec.toml",
            f"the default criteria version {DEFAULT_SDQ_CRITERIA!r} is missing",
        )
    return registry


def sdq_criteria(version: str | None = None) -> SdqCriteria:
    registry = _criteria_registry(_instrument_dirs())
    version = version or DEFAULT_SDQ_CRITERIA
    if version not in registry:
        raise UnknownCriteria(f"no SDQ criteria with version {version!r}")
    return registry[version]


def sdq_criteria_versions() -> list[SdqCriteria]:
    """All criteria, the default first, then by version."""
    registry = _criteria_registry(_instrument_dirs())
    return sorted(registry.values(), key=lambda c: (c.version != DEFAULT_SDQ_CRITERIA, c.version))


# --- SDQ scoring ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SdqResult:
    rater: str
    emotional: int
    conduct: int
    hyperactivity: int
    peer: int
    prosocial: int
    total: int
    bands: dict[str, str]  # 5 difficulty scales -> normal/risk/problem; prosocial -> (no_)strength
    impact: int | None
    impact_band: str | None
    key_version: str
    criteria_version: str

    @property
    def level(self) -> str:
        """The worst band of the five difficulty scales and impact (prosocial does not count)."""
        found = [self.bands[scale] for scale in SDQ_DIFFICULTY_SCALES]
        if self.impact_band is not None:
            found.append(self.impact_band)
        return max(found, key=LEVELS.index)

    def score(self, scale: str) -> int | None:
        return self.impact if scale == "impact" else getattr(self, scale)

    def reasons(self) -> list[tuple[str, int, str]]:
        """(scale, score, band) of every scale that put the result at its level, worst first in
        screen order; empty when the level is normal."""
        level = self.level
        if level == "normal":
            return []
        reasons = [
            (scale, getattr(self, scale), self.bands[scale])
            for scale in SDQ_DIFFICULTY_SCALES
            if self.bands[scale] == level
        ]
        if self.impact_band == level:
            reasons.append(("impact", self.impact, self.impact_band))
        return reasons

    def as_dict(self) -> dict:
        """Plain values for JSON storage."""
        return {
            "rater": self.rater,
            **{scale: getattr(self, scale) for scale in (*SDQ_SUBSCALES, "total")},
            "bands": dict(self.bands),
            "impact": self.impact,
            "impact_band": self.impact_band,
            "level": self.level,
            "key_version": self.key_version,
            "criteria_version": self.criteria_version,
        }


def sdq_missing(answers: Sequence[int | None]) -> list[int]:
    """1-based numbers of the unanswered items (raises InvalidAnswer for a wrong value)."""
    key = sdq_key()
    return _check_answers(answers, key.items, key.answers)


def _sdq_impact(key: SdqKey, rater: str, impact: Mapping[str, int | None] | None) -> int | None:
    if impact is None:
        return None
    if not isinstance(impact, Mapping):
        raise InvalidAnswer("impact", impact)
    questions = key.impact_questions(rater)
    for name, value in impact.items():
        if value is None:
            continue
        if name not in questions:
            raise InvalidAnswer(name, value)
        allowed = key.gate_answers if name == key.gate else key.impact_answers
        if not _is_int(value) or value not in allowed:
            raise InvalidAnswer(name, value)
    gate = impact.get(key.gate)
    if gate is None:
        return None
    if gate == 0:
        return 0  # "no difficulties": the rest is not asked
    scored = [impact.get(name) for name in key.impact_scored(rater)]
    if None in scored:
        return None
    return sum(key.impact_score[value] for value in scored)


def sdq_score(
    answers: Sequence[int | None],
    rater: str,
    *,
    impact: Mapping[str, int | None] | None = None,
    criteria: str | None = None,
) -> SdqResult:
    """Score one SDQ form.

    Raises InvalidAnswer for a value outside 0..2 or an unknown rater, IncompleteAnswers when an
    item is unanswered, UnknownCriteria for an unknown criteria version. Impact is None when no
    impact answers are given, the gate question is unanswered, or (after a "yes" at the gate) a
    scored impact question is unanswered; a "no" at the gate gives impact 0.
    """
    if rater not in RATERS:
        raise InvalidAnswer("rater", rater)
    key = sdq_key()
    crit = sdq_criteria(criteria)
    missing = _check_answers(answers, key.items, key.answers)
    impact_score = _sdq_impact(key, rater, impact)  # validates impact values too
    if missing:
        raise IncompleteAnswers(missing)
    scores = {
        name: sum(key.item_score(item, answers[item - 1]) for item in items)
        for name, items in key.subscales.items()
    }
    total = sum(scores[name] for name in key.total_subscales)
    bands = {
        scale: crit.band(rater, scale, total if scale == "total" else scores[scale])
        for scale in SDQ_DIFFICULTY_SCALES
    }
    bands["prosocial"] = crit.band(rater, "prosocial", scores["prosocial"])
    return SdqResult(
        rater=rater,
        **scores,  # the five subscales (the key has exactly SDQ_SUBSCALES)
        total=total,
        bands=bands,
        impact=impact_score,
        impact_band=None if impact_score is None else crit.band(rater, "impact", impact_score),
        key_version=key.version,
        criteria_version=crit.version,
    )


# --- EQ -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EqScale:
    code: str
    items: tuple[int, ...]
    domain: str
    normal: tuple[int, int] | None  # eq12 normal range


@dataclass(frozen=True)
class EqInstrument:
    code: str  # "eq12" / "eq6"
    version: str
    items: int
    answers: tuple[int, ...]
    raters: tuple[str, ...]
    ages: tuple[int, int]
    reverse: frozenset[int]
    scales: tuple[EqScale, ...]
    domains: tuple[tuple[str, tuple[int, int] | None], ...]  # (code, normal range)
    total_normal: tuple[int, int] | None
    norms: str  # "normal_ranges" (levels below/normal/above) or "t_scores"
    norms_status: str  # "present" / "missing"
    structure_status: str  # "verified" / "third_party"
    t_levels: tuple[tuple[str, int, int], ...]
    t_tables: dict[str, dict[int, int]]  # scale/domain/"total" -> raw -> T
    norms_source: str = ""  # where the norms come from, as the file says
    norms_verified: bool = True  # False: not yet checked against the publisher's manual

    @property
    def norms_missing(self) -> bool:
        return self.norms_status != "present"

    def item_score(self, item: int, answer: int) -> int:
        low, high = min(self.answers), max(self.answers)
        return low + high - answer if item in self.reverse else answer

    def scale_of(self, item: int) -> EqScale:
        for scale in self.scales:
            if item in scale.items:
                return scale
        raise ValueError(f"{self.code} has no item {item}")

    def domain_scales(self, domain: str) -> tuple[EqScale, ...]:
        return tuple(scale for scale in self.scales if scale.domain == domain)

    def raw_range(self, code: str) -> tuple[int, int]:
        """Lowest and highest raw score of a sub-aspect, a domain or "total"."""
        if code == "total":
            count = self.items
        elif code in dict(self.domains):
            count = sum(len(s.items) for s in self.domain_scales(code))
        else:
            count = len(next(s for s in self.scales if s.code == code).items)
        return count * min(self.answers), count * max(self.answers)


def load_eq_instrument(path) -> EqInstrument:
    """Read and check one EQ instrument file."""
    path = Path(path)
    data = _read_toml(path)
    code = data.get("instrument")
    if code not in EQ_INSTRUMENTS:
        raise InstrumentDataError(path, f"instrument: one of {', '.join(EQ_INSTRUMENTS)}")
    version = _str(path, data.get("version"), "version")
    items = _int(path, data.get("items"), "items")
    answers = _int_list(path, data.get("answers"), "answers")
    if len(answers) < 2 or answers != tuple(range(answers[0], answers[-1] + 1)):
        raise InstrumentDataError(path, "answers: consecutive whole numbers are required")
    raters = tuple(data.get("raters", ()))
    if not raters or any(r not in RATERS for r in raters):
        raise InstrumentDataError(path, f"raters: some of {', '.join(RATERS)} are required")
    ages = _span(path, data.get("ages"), "ages")
    reverse = frozenset(_int_list(path, data.get("reverse", []), "reverse"))
    if any(not 1 <= item <= items for item in reverse):
        raise InstrumentDataError(path, f"reverse: items must be between 1 and {items}")
    norms = data.get("scoring")
    if norms not in ("normal_ranges", "t_scores"):
        raise InstrumentDataError(path, "scoring: 'normal_ranges' or 't_scores'")
    norms_status = data.get("norms_status")
    if norms_status not in ("present", "missing"):
        raise InstrumentDataError(path, "norms_status: 'present' or 'missing'")
    structure_status = data.get("structure_status", "verified")
    if structure_status not in ("verified", "third_party"):
        raise InstrumentDataError(path, "structure_status: 'verified' or 'third_party'")
    norms_source = data.get("norms_source", "")
    if not isinstance(norms_source, str):
        raise InstrumentDataError(path, "norms_source: text is required")
    norms_verified = data.get("norms_verified", True)
    if not isinstance(norms_verified, bool):
        raise InstrumentDataError(path, "norms_verified: true or false")
    top, bottom = max(answers), min(answers)

    def normal_range(table, what, count) -> tuple[int, int] | None:
        if norms != "normal_ranges":
            return None
        low, high = _span(path, table.get("normal"), f"{what}.normal")
        if low < count * bottom or high > count * top:
            raise InstrumentDataError(
                path, f"{what}.normal: [{low}, {high}] is outside {count * bottom}..{count * top}"
            )
        return low, high

    domain_rows = data.get("domains")
    if not isinstance(domain_rows, list) or not domain_rows:
        raise InstrumentDataError(path, "domains: a list of [[domains]] is required")
    domain_codes = [
        _str(path, _table(path, d, "domains").get("code"), "domains.code") for d in domain_rows
    ]

    scales = []
    seen: dict[int, str] = {}
    rows = data.get("scales")
    if not isinstance(rows, list) or not rows:
        raise InstrumentDataError(path, "scales: a list of [[scales]] is required")
    for row in rows:
        row = _table(path, row, "scales")
        scale_code = _str(path, row.get("code"), "scales.code")
        what = f"scales.{scale_code}"
        first, last = _span(path, row.get("items"), f"{what}.items")
        members = tuple(range(first, last + 1))
        _claim_items(path, seen, members, scale_code, items, f"{what}.items")
        domain = row.get("domain")
        if domain not in domain_codes:
            raise InstrumentDataError(path, f"{what}.domain: one of {', '.join(domain_codes)}")
        scales.append(EqScale(scale_code, members, domain, normal_range(row, what, len(members))))
    if len({s.code for s in scales}) != len(scales):
        raise InstrumentDataError(path, "scales: a code is used twice")
    unassigned = sorted(set(range(1, items + 1)) - set(seen))
    if unassigned:
        raise InstrumentDataError(
            path, f"item(s) {', '.join(map(str, unassigned))} are in no sub-aspect"
        )
    domains = []
    for row, domain in zip(domain_rows, domain_codes, strict=True):
        count = sum(len(s.items) for s in scales if s.domain == domain)
        if not count:
            raise InstrumentDataError(path, f"domains.{domain}: no sub-aspect belongs to it")
        domains.append((domain, normal_range(row, f"domains.{domain}", count)))
    total_normal = normal_range(data.get("total", {}), "total", items)

    t_levels: tuple = ()
    t_tables: dict[str, dict[int, int]] = {}
    if norms == "t_scores":
        t_levels = _bands(path, data.get("t_levels"), "t_levels", EQ_T_LEVELS, T_SCORE_MAX)
        tables = _table(path, data.get("t_scores", {}), "t_scores")
        known = [s.code for s in scales] + domain_codes + ["total"]
        for name in tables:
            if name not in known:
                raise InstrumentDataError(path, f"t_scores.{name}: no such sub-aspect or domain")
        count_for = {s.code: len(s.items) for s in scales}
        count_for.update(
            {d: sum(len(s.items) for s in scales if s.domain == d) for d in domain_codes}
        )
        count_for["total"] = items
        for name, table in tables.items():
            table = _table(path, table, f"t_scores.{name}")
            low, high = count_for[name] * bottom, count_for[name] * top
            parsed: dict[int, int] = {}
            for raw, t in table.items():
                if not raw.isdigit() or str(int(raw)) != raw or not low <= int(raw) <= high:
                    raise InstrumentDataError(
                        path, f"t_scores.{name}: {raw!r} is not a raw score {low}..{high}"
                    )
                t = _int(path, t, f"t_scores.{name}.{raw}")
                if not 0 <= t <= T_SCORE_MAX:
                    raise InstrumentDataError(
                        path, f"t_scores.{name}.{raw}: T {t} is outside 0..{T_SCORE_MAX}"
                    )
                parsed[int(raw)] = t
            absent = [raw for raw in range(low, high + 1) if raw not in parsed]
            if absent:
                raise InstrumentDataError(
                    path,
                    f"t_scores.{name}: raw score(s) {', '.join(map(str, absent))} have no T-score",
                )
            t_tables[name] = parsed
        if norms_status == "present":
            lacking = [s.code for s in scales if s.code not in t_tables]
            if lacking:
                raise InstrumentDataError(
                    path, f"norms_status is 'present' but t_scores lack {', '.join(lacking)}"
                )
        elif t_tables:
            raise InstrumentDataError(
                path, "norms_status is 'missing' but t_scores are given: set it to 'present'"
            )
    elif norms_status != "present":
        raise InstrumentDataError(path, "normal ranges are required (norms_status 'present')")

    return EqInstrument(
        code=code,
        version=version,
        items=items,
        answers=answers,
        raters=raters,
        ages=ages,
        reverse=reverse,
        scales=tuple(scales),
        domains=tuple(domains),
        total_normal=total_normal,
        norms=norms,
        norms_status=norms_status,
        structure_status=structure_status,
        t_levels=t_levels,
        t_tables=t_tables,
        norms_source=norms_source,
        norms_verified=norms_verified,
    )


@functools.cache
def _eq_instrument_at(path: Path) -> EqInstrument:
    return load_eq_instrument(path)


def eq_instrument(instrument: str) -> EqInstrument:
    if instrument not in EQ_FILES:
        raise InvalidAnswer("instrument", instrument)
    found = _eq_instrument_at(_find_file(EQ_FILES[instrument]))
    if found.code != instrument:
        raise InstrumentDataError(
            _find_file(EQ_FILES[instrument]), f"instrument: {instrument!r} is expected here"
        )
    return found


def eq_instrument_for_age(age: int | None) -> str | None:
    """ "eq12" for ages 12–17, "eq6" for 6–11 (as the files say), else None."""
    if age is None:
        return None
    for code in EQ_INSTRUMENTS:
        low, high = eq_instrument(code).ages
        if low <= age <= high:
            return code
    return None


@dataclass(frozen=True)
class EqResult:
    instrument: str
    version: str
    scales: dict[str, int]  # raw score per sub-aspect
    domains: dict[str, int]  # raw score per domain
    total: int
    t_scores: dict[str, int] | None  # eq6 with norms: per sub-aspect (and domain/total if given)
    levels: dict[str, str | None]  # every sub-aspect, domain and "total"
    norms_missing: bool = False

    @property
    def care_level(self) -> str:
        """What EQ adds to the care group: never "problem".

        "risk" when the total is below normal (eq12: below the normal range = ควรพัฒนา; eq6:
        total T < 50 = should/must develop). When eq6 norms give no total table, "risk" when any
        sub-aspect must develop (T < 40). Without norms, EQ adds nothing ("normal")."""
        if self.norms_missing:
            return "normal"
        total = self.levels.get("total")
        if total in ("below", "should_develop", "must_develop"):
            return "risk"
        if total is None and any(self.levels.get(code) == "must_develop" for code in self.scales):
            return "risk"
        return "normal"

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "scales": dict(self.scales),
            "domains": dict(self.domains),
            "total": self.total,
            "t_scores": None if self.t_scores is None else dict(self.t_scores),
            "levels": dict(self.levels),
            "norms_missing": self.norms_missing,
            "care_level": self.care_level,
        }


def eq_missing(instrument: str, answers: Sequence[int | None]) -> list[int]:
    inst = eq_instrument(instrument)
    return _check_answers(answers, inst.items, inst.answers)


def _range_level(normal: tuple[int, int], score: int) -> str:
    low, high = normal
    return "below" if score < low else "above" if score > high else "normal"


def score_eq(inst: EqInstrument, answers: Sequence[int | None]) -> EqResult:
    """Score answers with a given instrument (eq_score uses the installed files)."""
    missing = _check_answers(answers, inst.items, inst.answers)
    if missing:
        raise IncompleteAnswers(missing)
    scales = {
        scale.code: sum(inst.item_score(item, answers[item - 1]) for item in scale.items)
        for scale in inst.scales
    }
    domains = {
        code: sum(scales[s.code] for s in inst.domain_scales(code)) for code, _ in inst.domains
    }
    total = sum(scales.values())
    raw = {**scales, **domains, "total": total}
    levels: dict[str, str | None] = dict.fromkeys(raw)
    t_scores: dict[str, int] | None = None
    if inst.norms == "normal_ranges":
        normals = {s.code: s.normal for s in inst.scales}
        normals.update(dict(inst.domains))
        normals["total"] = inst.total_normal
        levels = {code: _range_level(normals[code], score) for code, score in raw.items()}
    elif not inst.norms_missing:
        t_scores = {code: inst.t_tables[code][raw[code]] for code in raw if code in inst.t_tables}
        levels = {
            code: _band_of(inst.t_levels, t_scores[code]) if code in t_scores else None
            for code in raw
        }
    return EqResult(
        instrument=inst.code,
        version=inst.version,
        scales=scales,
        domains=domains,
        total=total,
        t_scores=t_scores,
        levels=levels,
        norms_missing=inst.norms == "t_scores" and inst.norms_missing,
    )


def eq_score(instrument: str, answers: Sequence[int | None]) -> EqResult:
    """Score one EQ form. Raises InvalidAnswer for a value outside the answer codes or an unknown
    instrument, IncompleteAnswers when an item is unanswered."""
    return score_eq(eq_instrument(instrument), answers)


# --- cache ------------------------------------------------------------------------------------
def clear_caches() -> None:
    """Forget every file read (tests; or after replacing a file in a running process)."""
    _find_file_in.cache_clear()
    _sdq_key_at.cache_clear()
    _criteria_registry.cache_clear()
    _eq_instrument_at.cache_clear()
