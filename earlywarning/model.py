"""The early-warning model, version "ew-2" (docs/early-warning.md): pure and transparent.

Everything known about one student on one day is a ``Facts`` (extracted by ``compute.py``); the
district's weights and thresholds are a ``Params`` (defaults below, each with the bounds a
district may tune it within); ``evaluate(facts, params)`` adds the weights of the signals that
fire and gives a ``Result``: a level ("none", "watch", "high"), the score and the reasons, each
a ``Reason`` with its code, weight, group and the numbers of its sentence. The sentence itself
is rendered at display time (``reason_text``), in the reader's language.

The groups: "A" attendance, "B" behaviour, "C" course performance (the "ABC" indicators the
research on early-warning systems found most predictive), "S" screening (the care group),
"F" family and life (who the child lives with, money, the home visit's findings, moves between
schools). A student is flagged ("watch" or "high") only with at least one A, B or C signal: the
screening and family facts raise such a student's score but never flag one alone (ew-2; in
ew-1 they could make "watch" on their own).

No Django ORM here: the model is tested, simulated and read on its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

VERSION = "ew-2"

LEVEL_NONE = "none"
LEVEL_WATCH = "watch"
LEVEL_HIGH = "high"
LEVELS = (LEVEL_NONE, LEVEL_WATCH, LEVEL_HIGH)
LEVEL_LABELS = {
    LEVEL_NONE: gettext_lazy("No warning"),
    LEVEL_WATCH: gettext_lazy("Watch"),
    LEVEL_HIGH: gettext_lazy("High risk"),
}

# The groups whose signals may make a student "high" (attendance, behaviour, course).
ABC = frozenset({"A", "B", "C"})

# FamilyRecord.lives_with codes that are not "with a parent" ("" is unknown: no signal).
NOT_WITH_A_PARENT = frozenset({"grandparents", "relatives", "other"})
# HomeVisit.problems codes that count towards leaving school (visits.models.Problem).
RISKY_VISIT_PROBLEMS = frozenset(
    {"poverty", "family", "substance", "violence", "neglect", "child_labour", "dropout"}
)


@dataclass(frozen=True)
class Facts:
    """Everything the model reads about one student on one day, already extracted."""

    # Unexcused absent school days in the last 28 calendar days (the daily roll).
    absent_days_4w: int = 0
    # The term's attendance rate 0..1 (attendance's definition); None under 10 teaching days.
    attendance_rate: float | None = None
    # The conduct score (behaviour's rule: 100 minus points off plus points back); None when
    # the student has no incident this academic year.
    conduct_score: int | None = None
    # Incidents taking points off in the last 56 days.
    deductions_8w: int = 0
    # The latest and the previous term's GPA (TermResult).
    gpa_now: Decimal | None = None
    gpa_before: Decimal | None = None
    # Subjects failed (0, ร) and not completed (มส, มผ) in the latest TermResult.
    failed_now: int = 0
    # The latest care group: "normal" | "risk" | "problem" | "" (none yet).
    care_level: str = ""
    # FamilyRecord.lives_with ("" unknown), income per person per month, the welfare card.
    lives_with: str = ""
    income_per_person: int | None = None
    welfare_card: bool | None = None
    # The problems seen at the latest done home visit (visits.models.Problem codes).
    visit_problems: tuple[str, ...] = ()
    # Changes of school in the last 12 months.
    moves_12m: int = 0


@dataclass(frozen=True)
class Param:
    """One tunable number: its default (version ew-2), its bounds, and what it means."""

    default: int | float
    low: int | float
    high: int | float
    label: str

    @property
    def is_int(self) -> bool:
        return isinstance(self.default, int)


# Every weight and threshold, with its default and the bounds a district may set it within
# (docs/early-warning.md says why each number is what it is).
PARAMS: dict[str, Param] = {
    # A: attendance
    "absent_days": Param(4, 2, 10, gettext_lazy("Absent days in 4 weeks, at least")),
    "absent_weight": Param(3, 0, 5, gettext_lazy("Weight: absent days")),
    "rate_below": Param(0.80, 0.60, 0.95, gettext_lazy("Term attendance rate, below")),
    "rate_weight": Param(2, 0, 5, gettext_lazy("Weight: attendance rate")),
    # B: behaviour
    "conduct_below": Param(60, 40, 80, gettext_lazy("Conduct score, below")),
    "conduct_weight": Param(2, 0, 5, gettext_lazy("Weight: conduct score")),
    "deductions": Param(3, 2, 6, gettext_lazy("Incidents in 8 weeks, at least")),
    "deductions_weight": Param(1, 0, 5, gettext_lazy("Weight: incidents")),
    # C: course performance
    "gpa_drop": Param(0.50, 0.25, 1.00, gettext_lazy("GPA drop from the term before, at least")),
    "gpa_drop_weight": Param(2, 0, 5, gettext_lazy("Weight: GPA drop")),
    "gpa_below": Param(1.50, 1.00, 2.00, gettext_lazy("GPA, below")),
    "gpa_low_weight": Param(2, 0, 5, gettext_lazy("Weight: low GPA")),
    "failed": Param(2, 1, 5, gettext_lazy("Subjects failed or not completed, at least")),
    "failed_weight": Param(2, 0, 5, gettext_lazy("Weight: subjects failed")),
    # S: screening
    "care_problem_weight": Param(2, 0, 5, gettext_lazy("Weight: care group 'has problems'")),
    "care_risk_weight": Param(1, 0, 5, gettext_lazy("Weight: care group 'at risk'")),
    # F: family and life
    "not_with_parent_weight": Param(1, 0, 3, gettext_lazy("Weight: not living with a parent")),
    "income_below": Param(3000, 1000, 5000, gettext_lazy("Income per person a month, below")),
    "poverty_weight": Param(1, 0, 3, gettext_lazy("Weight: low income or welfare card")),
    "visit_weight": Param(1, 0, 3, gettext_lazy("Weight: problems seen at the home visit")),
    "moves": Param(1, 1, 3, gettext_lazy("Changes of school in 12 months, at least")),
    "moves_weight": Param(1, 0, 3, gettext_lazy("Weight: changes of school")),
    # The levels
    "watch_score": Param(3, 2, 6, gettext_lazy("Score for 'watch', at least")),
    "high_score": Param(6, 4, 12, gettext_lazy("Score for 'high risk', at least")),
}


@dataclass(frozen=True)
class Params:
    """A district's weights and thresholds; the defaults are version ew-2."""

    absent_days: int = 4
    absent_weight: int = 3
    rate_below: float = 0.80
    rate_weight: int = 2
    conduct_below: int = 60
    conduct_weight: int = 2
    deductions: int = 3
    deductions_weight: int = 1
    gpa_drop: float = 0.50
    gpa_drop_weight: int = 2
    gpa_below: float = 1.50
    gpa_low_weight: int = 2
    failed: int = 2
    failed_weight: int = 2
    care_problem_weight: int = 2
    care_risk_weight: int = 1
    not_with_parent_weight: int = 1
    income_below: int = 3000
    poverty_weight: int = 1
    visit_weight: int = 1
    moves: int = 1
    moves_weight: int = 1
    watch_score: int = 3
    high_score: int = 6

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Params:
        """The params stored for a district (JSON): unknown keys ignored, missing ones the
        default, a value out of bounds clamped (the settings form refuses it; a stored row from
        an older version must still evaluate)."""
        values = {}
        for name, spec in PARAMS.items():
            raw = (data or {}).get(name, spec.default)
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = spec.default
            value = min(max(value, spec.low), spec.high)
            values[name] = round(value) if spec.is_int else value
        if values["high_score"] <= values["watch_score"]:
            values["high_score"] = min(values["watch_score"] + 1, PARAMS["high_score"].high)
        return cls(**values)


def params_errors(data: dict) -> dict[str, str]:
    """What is wrong with a district's params: each value a number within its bounds (a whole
    number where the default is), and "high" above "watch". Empty when all is well."""
    errors: dict[str, str] = {}
    unknown = set(data) - set(PARAMS)
    for name in sorted(unknown):
        errors[name] = _("Unknown setting.")
    for name, spec in PARAMS.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            errors[name] = _("Enter a number.")
            continue
        if spec.is_int and value != int(value):
            errors[name] = _("Enter a whole number.")
        elif not spec.low <= value <= spec.high:
            errors[name] = _("Between %(low)s and %(high)s.") % {
                "low": spec.low,
                "high": spec.high,
            }
    watch = data.get("watch_score", PARAMS["watch_score"].default)
    high = data.get("high_score", PARAMS["high_score"].default)
    if "high_score" not in errors and "watch_score" not in errors and high <= watch:
        errors["high_score"] = _("The score for high risk must be above the score for watch.")
    return errors


@dataclass(frozen=True)
class Reason:
    """One signal that fired: its code, the points it adds, its group, and the numbers its
    sentence needs (JSON-safe: ints, floats, strings, lists of strings)."""

    code: str
    weight: int
    group: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "weight": self.weight, "group": self.group, **self.params}

    @classmethod
    def from_dict(cls, data: dict) -> Reason:
        data = dict(data)
        return cls(
            code=data.pop("code"), weight=data.pop("weight"), group=data.pop("group"), params=data
        )


@dataclass(frozen=True)
class Result:
    level: str
    score: int
    reasons: tuple[Reason, ...] = ()

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(r.group for r in self.reasons)


def _gpa(value) -> str:
    return f"{Decimal(value):.2f}"


def evaluate(facts: Facts, params: Params | None = None) -> Result:
    """The documented model: each signal that fires adds its weight (a weight of 0 turns a
    signal off); a student with at least one attendance, behaviour or course signal is "watch"
    from ``watch_score`` and "high" from ``high_score``; without one, "none" whatever the
    score (the screening and family facts alone never flag a student)."""
    p = params or Params()
    reasons: list[Reason] = []

    def signal(code: str, weight: int, group: str, **numbers) -> None:
        if weight > 0:
            reasons.append(Reason(code, int(weight), group, numbers))

    # A: attendance
    if facts.absent_days_4w >= p.absent_days:
        signal("absent", p.absent_weight, "A", days=facts.absent_days_4w, weeks=4)
    if facts.attendance_rate is not None and facts.attendance_rate < p.rate_below:
        signal("attendance_rate", p.rate_weight, "A", percent=round(facts.attendance_rate * 100))
    # B: behaviour
    if facts.conduct_score is not None and facts.conduct_score < p.conduct_below:
        signal("conduct", p.conduct_weight, "B", score=facts.conduct_score)
    if facts.deductions_8w >= p.deductions:
        signal("deductions", p.deductions_weight, "B", count=facts.deductions_8w, weeks=8)
    # C: course performance
    now, before = facts.gpa_now, facts.gpa_before
    if (
        now is not None
        and before is not None
        and Decimal(before) - Decimal(now) >= Decimal(str(p.gpa_drop))
    ):
        signal("gpa_drop", p.gpa_drop_weight, "C", before=_gpa(before), now=_gpa(now))
    if now is not None and Decimal(now) < Decimal(str(p.gpa_below)):
        signal("gpa_low", p.gpa_low_weight, "C", gpa=_gpa(now))
    if facts.failed_now >= p.failed:
        signal("failed", p.failed_weight, "C", count=facts.failed_now)
    # S: screening
    if facts.care_level == "problem":
        signal("care_group", p.care_problem_weight, "S", level="problem")
    elif facts.care_level == "risk":
        signal("care_group", p.care_risk_weight, "S", level="risk")
    # F: family and life. Who the child lives with and the money are one sentence ("lives with
    # the grandparents, 1,200 baht a person a month"), their weights added.
    family_weight, family = 0, {}
    if facts.lives_with in NOT_WITH_A_PARENT and p.not_with_parent_weight:
        family_weight += p.not_with_parent_weight
        family["lives_with"] = facts.lives_with
    poor_income = facts.income_per_person is not None and facts.income_per_person < p.income_below
    if (poor_income or facts.welfare_card) and p.poverty_weight:
        family_weight += p.poverty_weight
        if poor_income:
            family["income"] = facts.income_per_person
        if facts.welfare_card:
            family["welfare_card"] = True
    signal("family", family_weight, "F", **family)
    risky = sorted(set(facts.visit_problems) & RISKY_VISIT_PROBLEMS)
    if risky:
        signal("visit_problems", p.visit_weight, "F", problems=risky)
    if facts.moves_12m >= p.moves:
        signal("moves", p.moves_weight, "F", count=facts.moves_12m)

    score = sum(r.weight for r in reasons)
    has_abc = any(r.group in ABC for r in reasons)
    if has_abc and score >= p.high_score:
        level = LEVEL_HIGH
    elif has_abc and score >= p.watch_score:
        level = LEVEL_WATCH
    else:
        level = LEVEL_NONE
    # Heaviest first, then in the model's order (A, B, C, S, F).
    reasons.sort(key=lambda r: -r.weight)
    return Result(level=level, score=score, reasons=tuple(reasons))


# --- the next step ---------------------------------------------------------------------------
STEP_VISIT = "visit"
STEP_CARE_PLAN = "care_plan"
STEP_DROPOUT_CASE = "dropout_case"
STEP_LABELS = {
    STEP_VISIT: gettext_lazy("Visit the home"),
    STEP_CARE_PLAN: gettext_lazy("Open a care plan"),
    STEP_DROPOUT_CASE: gettext_lazy("Report a dropout risk"),
}


def suggest_next_step(
    result: Result, has_visit_this_year: bool, has_open_plan: bool, has_dropout_case: bool
) -> str | None:
    """The next step the school's rules suggest (docs/early-warning.md):

    1. "high" with an attendance signal and no open dropout case: report a dropout risk;
    2. "high" otherwise: open a care plan, unless one is open;
    3. "high" or "watch" with no home visit this academic year: visit the home;
    4. otherwise nothing new: the steps already open are the follow-up.
    """
    if result.level == LEVEL_NONE:
        return None
    if result.level == LEVEL_HIGH:
        if "A" in result.groups and not has_dropout_case:
            return STEP_DROPOUT_CASE
        if not has_open_plan:
            return STEP_CARE_PLAN
    if not has_visit_this_year:
        return STEP_VISIT
    return None


# --- the sentences ---------------------------------------------------------------------------
_LIVES_WITH = {
    "grandparents": gettext_lazy("Lives with the grandparents"),
    "relatives": gettext_lazy("Lives with relatives"),
    "other": gettext_lazy("Does not live with a parent"),
}
_CARE_LEVEL = {
    "problem": gettext_lazy("Care group: has problems"),
    "risk": gettext_lazy("Care group: at risk"),
}
# The labels of visits.models.Problem (the same words as the home-visit form).
_VISIT_PROBLEMS = {
    "poverty": gettext_lazy("Poverty"),
    "family": gettext_lazy("Family relations"),
    "substance": gettext_lazy("Substance use"),
    "violence": gettext_lazy("Violence or abuse"),
    "neglect": gettext_lazy("Neglect"),
    "child_labour": gettext_lazy("Works too much for their age"),
    "dropout": gettext_lazy("Risk of leaving school"),
}


def reason_text(reason: Reason | dict) -> str:
    """The reason as a sentence in the active language, with its numbers, e.g.
    "ขาดเรียน 6 วันใน 4 สัปดาห์", "GPA ลดลงจาก 2.80 เป็น 1.90"."""
    if isinstance(reason, dict):
        reason = Reason.from_dict(reason)
    n = reason.params
    code = reason.code
    if code == "absent":
        return _("Absent %(days)s days in %(weeks)s weeks") % n
    if code == "attendance_rate":
        return _("Attended %(percent)s%% of this term's school days") % n
    if code == "conduct":
        return _("Conduct points %(score)s") % n
    if code == "deductions":
        return _("%(count)s incidents in %(weeks)s weeks") % n
    if code == "gpa_drop":
        return _("GPA fell from %(before)s to %(now)s") % n
    if code == "gpa_low":
        return _("Low GPA: %(gpa)s") % n
    if code == "failed":
        return _("%(count)s subjects failed or not completed") % n
    if code == "care_group":
        return str(_CARE_LEVEL.get(n.get("level"), n.get("level", "")))
    if code == "family":
        parts = []
        if n.get("lives_with"):
            parts.append(str(_LIVES_WITH.get(n["lives_with"], n["lives_with"])))
        if n.get("income") is not None:
            income = f"{n['income']:,}"
            parts.append(_("income %(value)s baht a month per person") % {"value": income})
        if n.get("welfare_card"):
            parts.append(_("holds the state welfare card"))
        # Thai runs the facts on with a space, English with a comma.
        return pgettext("between family facts", ", ").join(parts)
    if code == "visit_problems":
        problems = ", ".join(str(_VISIT_PROBLEMS.get(c, c)) for c in n.get("problems", ()))
        return _("Home visit found: %(problems)s") % {"problems": problems}
    if code == "moves":
        return _("Changed school %(count)s times in 12 months") % n
    return code
