"""How well the early-warning model separates, on a simulated cohort (docs/early-warning.md,
"Accuracy on a simulated cohort"; ``manage.py earlywarning_simulate`` prints the table).

There is no labelled Thai data to validate the model on, so this generates students whose
dropping out follows written rules plus noise, produces the model's ``Facts`` for each of them
week by week, and counts how often the model's flags come before a real departure. The rules
below are the whole of the simulation; every number is here, chosen for plausibility (the
shares of a rural northeastern district, as the demo's), not fitted to the model. A simulation
shows what the model does with students who behave as these rules say; it is not a validation
on real children.

The rules (one student; ``σ`` is the logistic function, ``N(m, s)`` a normal draw):

1. A latent risk ``r ~ N(0, 1)``, never seen by the model, and an ability
   ``a = -0.5 r + 0.87 N(0, 1)``.
2. Family (fixed through the year): not living with a parent with chance ``σ(-1.2 + 0.8 r)``
   (then grandparents, relatives or other: 75/20/5 %; else both parents, mother, father:
   70/22/8 %); income per person ``exp(N(ln 3800 - 0.35 r, 0.5))`` baht a month; the welfare
   card with chance 80 % under 3,000 baht, else 10 %. The school's family record is filled
   for 75 % of the students: for the others the model sees no family facts (the facts are
   still true, and still count towards leaving school).
3. Screening and the home visit (fixed): screened with chance 95 %, care group from
   ``q = 0.8 r + 0.6 N(0, 1)``: "problem" above 1.6, "risk" above 0.8, else "normal";
   visited with chance 90 %, each of the problems poverty, family relations and child labour
   seen with chance ``σ(-3 + 0.9 r)`` and the risk of leaving school with ``σ(-4.5 + r)``;
   changed school in the last 12 months with chance ``σ(-3.6 + 0.6 r)``.
4. Last year's two terms: GPA ``2.85 + 0.55 a + N(0, 0.2)`` (0.5 to 4.0), each of 8 subjects
   failed with chance ``σ(2.5 (1.6 - GPA) - 1.5)``.
5. Each week a strain ``s = n + c``: ``n`` an everyday ups and downs
   (``n ← 0.8 n + N(0, 0.3)``) and ``c`` a crisis (a debt, parents parting, a move for work, a
   pregnancy), which strikes with chance ``σ(-6 + 0.9 r)`` a week, climbs by ``U(1.5, 3.5)``
   spread over 1 to 10 weeks, then fades by 3 % a week.
6. What the strain shows (on the 5 school days of each school week): absent without leave with
   chance ``σ(b + 1.2 s)``, ``b = -4.6 + 0.5 r + N(0, 0.5)`` the child's own habit; on sick or
   personal leave with chance 1.5 %; incidents taking points off at
   ``0.04 exp(0.5 r + 0.4 N(0, 1) + 0.6 s)`` a week (5, 10 or 20 points: 70/22/8 %), good
   deeds (5 points back) at 0.02 a week; this year's term 1 GPA falls by ``0.3`` times the
   term's mean positive strain, and its failed subjects rise with it.
7. Leaving school, the documented function: a week's chance is
   ``σ(-9.2 + 1.1 s + 0.4 r + 0.3 [no parent] + 0.3 [income < 3,000] + 0.5 [moved]
   + 0.4 [latest GPA < 1.5]) + 0.0001``; the ``0.0001`` is leaving without any warning sign
   (a family that moves with the harvest overnight). A child who decides in the break between
   terms does not come back for term 2.

The calendar: term 1 is weeks 0-17, a break of three weeks (18-20), term 2 weeks 21-38. Term
1's results are in the system from the first week of term 2 (before: last year's two terms).
The model (its default params, version ew-2) is evaluated every Monday of a school week on what
the school knew by then (the weeks before), as the nightly job does, until the student leaves.

What is counted (for "high", for "watch or high", and to compare: the absent-days signal alone,
and every student, which is chance):

- flagged in a class of 40: on an average week, and at least once in the year;
- precision: of the flags raised on a Monday, the share whose student leaves within the next
  12 weeks (only Mondays with 12 weeks left in the simulated year count);
- recall: of the students who leave, the share flagged at least once in the 12 weeks before
  (at least one week before: the Monday of the week they leave does not count);
- lead time: for those, the weeks from the first of those flags to the week they leave (the
  median, and the share of 4 weeks or more).
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from earlywarning.model import ABC, LEVEL_HIGH, LEVEL_NONE, LEVEL_WATCH, Facts, Params, evaluate

SEED = 2569
STUDENTS = 10_000
CLASS_SIZE = 40
HORIZON = 12  # weeks: a flag is "right" when the student leaves within it
LEAD_WEEKS = 4  # a lead of at least this many weeks leaves time for a home visit and a plan
TERM_WEEKS = ((0, 18), (21, 39))  # [start, end) of each term, in weeks of the year
WEEKS = 39
RESULTS_FROM = 21  # term 1's results are entered by the start of term 2
SUBJECTS = 8
SCHOOL_DAYS = 5
SUDDEN = 0.0001  # a week's chance of leaving without any warning sign

# A student's code per evaluated week: score * 4 + 2 * (an A, B or C signal) + (absent days).
_ABC_BIT, _ABSENT_BIT = 2, 1


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _gpa(value: float) -> Decimal:
    return Decimal(f"{min(4.0, max(0.5, value)):.2f}")


def _failed(rng: random.Random, gpa: Decimal, strain: float = 0.0) -> int:
    chance = _sigmoid(2.5 * (1.6 - float(gpa)) - 1.5 + 0.4 * strain)
    return sum(rng.random() < chance for _ in range(SUBJECTS))


def _term_of(week: int) -> int | None:
    for index, (start, end) in enumerate(TERM_WEEKS):
        if start <= week < end:
            return index
    return None


@dataclass
class Student:
    """One simulated student: the facts the model sees each Monday, and when they left."""

    facts: list[tuple[int, Facts]] = field(default_factory=list)  # (week, facts) per Monday
    left: int | None = None  # the first school week they did not come, None if they stayed
    sudden: bool = False  # left by the "without any warning sign" term


def simulate_student(index: int, seed: int = SEED) -> Student:
    """Student ``index`` of the cohort drawn with ``seed`` (each student has their own random
    generator: the same student whatever the size of the cohort)."""
    rng = random.Random(seed * 1_000_003 + index)
    gauss, draw = rng.gauss, rng.random
    risk = gauss(0, 1)
    ability = -0.5 * risk + 0.87 * gauss(0, 1)

    # 2. Family.
    no_parent = draw() < _sigmoid(-1.2 + 0.8 * risk)
    if no_parent:
        lives_with = rng.choices(["grandparents", "relatives", "other"], [75, 20, 5])[0]
    else:
        lives_with = rng.choices(["both_parents", "mother", "father"], [70, 22, 8])[0]
    income = round(math.exp(gauss(math.log(3800) - 0.35 * risk, 0.5)), -2)
    poor = income < 3000
    welfare = draw() < (0.8 if poor else 0.1)
    recorded = draw() < 0.75
    # 3. Screening, the home visit, moves.
    care_level = ""
    if draw() < 0.95:
        q = 0.8 * risk + 0.6 * gauss(0, 1)
        care_level = "problem" if q > 1.6 else "risk" if q > 0.8 else "normal"
    problems: tuple[str, ...] = ()
    if draw() < 0.9:
        seen = [
            p for p in ("poverty", "family", "child_labour") if draw() < _sigmoid(-3 + 0.9 * risk)
        ]
        if draw() < _sigmoid(-4.5 + risk):
            seen.append("dropout")
        problems = tuple(seen)
    moved = draw() < _sigmoid(-3.6 + 0.6 * risk)
    # 4. Last year's terms: (GPA, failed) of term 1 and term 2.
    base_gpa = 2.85 + 0.55 * ability
    last_year = []
    for _ in range(2):
        gpa = _gpa(base_gpa + gauss(0, 0.2))
        last_year.append((gpa, _failed(rng, gpa)))
    # 6. The child's own habits.
    absence_habit = -4.6 + 0.5 * risk + gauss(0, 0.5)
    incident_habit = 0.04 * math.exp(0.5 * risk + 0.4 * gauss(0, 1))

    static = {
        "care_level": care_level,
        "lives_with": lives_with if recorded else "",
        "income_per_person": int(income) if recorded else None,
        "welfare_card": welfare if recorded else None,
        "visit_problems": problems,
        "moves_12m": int(moved),
    }
    fixed_hazard = -9.2 + 0.4 * risk + 0.3 * no_parent + 0.3 * poor + 0.5 * moved

    student = Student()
    noise = gauss(0, 0.5)
    crisis, climb, climb_weeks = 0.0, 0.0, 0
    absent = [0] * WEEKS  # unexcused absent days per week
    missed = [0] * WEEKS  # absent or on leave
    deductions = [0] * WEEKS
    points_off = points_back = incidents = 0
    term_strain = [0.0, 0.0]
    results = {"now": last_year[1], "before": last_year[0]}
    for week in range(WEEKS):
        term = _term_of(week)
        if week == RESULTS_FROM:
            # Term 1's results: the GPA falls with the term's strain.
            strain = term_strain[0] / (TERM_WEEKS[0][1] - TERM_WEEKS[0][0])
            gpa = _gpa(base_gpa + gauss(0, 0.2) - 0.3 * strain)
            results = {"now": (gpa, _failed(rng, gpa, strain)), "before": results["now"]}
        # 5. This week's strain.
        noise = 0.8 * noise + gauss(0, 0.3)
        if climb_weeks == 0 and draw() < _sigmoid(-6 + 0.9 * risk):
            climb_weeks = rng.randint(1, 10)
            climb = rng.uniform(1.5, 3.5) / climb_weeks
        if climb_weeks:
            crisis += climb
            climb_weeks -= 1
        else:
            crisis *= 0.97
        strain = noise + crisis
        # 7. Leaving school, decided as the week starts (in the break: not back for term 2).
        low_gpa = results["now"][0] < Decimal("1.5")
        hazard = _sigmoid(fixed_hazard + 1.1 * strain + 0.4 * low_gpa)
        roll = draw()
        if roll < hazard + SUDDEN:
            student.left = week if term is not None else TERM_WEEKS[1][0]
            student.sudden = roll >= hazard
            break
        if term is None:
            continue
        # The Monday's evaluation: what the school knows from the weeks before.
        student.facts.append(
            (
                week,
                _facts(
                    week,
                    term,
                    absent,
                    missed,
                    deductions,
                    results,
                    points_off,
                    points_back,
                    incidents,
                    static,
                ),
            )
        )
        # 6. What the strain shows this week.
        term_strain[term] += max(0.0, strain)
        absent_chance = _sigmoid(absence_habit + 1.2 * strain)
        for _day in range(SCHOOL_DAYS):
            roll = draw()
            if roll < absent_chance:
                absent[week] += 1
                missed[week] += 1
            elif roll < absent_chance + 0.015:
                missed[week] += 1
        for _ in range(_poisson(rng, incident_habit * math.exp(0.6 * strain))):
            deductions[week] += 1
            incidents += 1
            points_off += rng.choices([5, 10, 20], [70, 22, 8])[0]
        for _ in range(_poisson(rng, 0.02)):
            incidents += 1
            points_back += 5
    return student


def _facts(week, term, absent, missed, deductions, results, off, back, incidents, static):
    """What the school knows on the Monday of ``week`` (the weeks before it)."""
    start = TERM_WEEKS[term][0]
    days = (week - start) * SCHOOL_DAYS
    rate = None
    if days >= 10:
        rate = (days - sum(missed[start:week])) / days
    (gpa_now, failed_now), (gpa_before, _f) = results["now"], results["before"]
    return Facts(
        absent_days_4w=sum(absent[max(0, week - 4) : week]),
        attendance_rate=rate,
        conduct_score=max(0, 100 - off + back) if incidents else None,
        deductions_8w=sum(deductions[max(0, week - 8) : week]),
        gpa_now=gpa_now,
        gpa_before=gpa_before,
        failed_now=failed_now,
        **static,
    )


def cohort(students: int = STUDENTS, seed: int = SEED) -> Iterator[Student]:
    for index in range(students):
        yield simulate_student(index, seed)


# --- measuring -----------------------------------------------------------------------------
@dataclass
class Evaluated:
    """The cohort as the model scored it (default weights): per student, the week of each
    Monday evaluated and a code per week (score, any A/B/C signal, the absent-days signal), and
    when they left. Thresholds can then be varied without evaluating again."""

    params: Params
    seed: int
    weeks: list[array] = field(default_factory=list)
    codes: list[array] = field(default_factory=list)
    left: list[int | None] = field(default_factory=list)
    sudden: int = 0


def evaluate_cohort(students: int = STUDENTS, seed: int = SEED, params: Params | None = None):
    params = params or Params()
    out = Evaluated(params=params, seed=seed)
    for student in cohort(students, seed):
        weeks, codes = array("b"), array("h")
        for week, facts in student.facts:
            result = evaluate(facts, params)
            abc = bool(result.groups & ABC)
            absent = any(r.code == "absent" for r in result.reasons)
            code = result.score * 4 + _ABC_BIT * abc + _ABSENT_BIT * absent
            if level_of(code, params.watch_score, params.high_score) != result.level:
                # Other thresholds' levels are read from the code: it must give the model's.
                raise RuntimeError(f"level_of disagrees with the model on {facts}")
            weeks.append(week)
            codes.append(code)
        out.weeks.append(weeks)
        out.codes.append(codes)
        out.left.append(student.left)
        out.sudden += student.sudden
    return out


def level_of(code: int, watch: int, high: int) -> str:
    """The model's level rule (``model.evaluate``) on a code: with an attendance, behaviour or
    course signal, "high" from ``high`` and "watch" from ``watch``; without one, none."""
    score = code // 4
    if not code & _ABC_BIT:
        return LEVEL_NONE
    if score >= high:
        return LEVEL_HIGH
    return LEVEL_WATCH if score >= watch else LEVEL_NONE


@dataclass(frozen=True)
class Row:
    name: str
    per_class_week: float  # flagged in a class of 40 on an average Monday
    per_class_year: float  # flagged at least once in the year, in a class of 40
    precision: float | None  # share of flags followed by leaving within HORIZON weeks
    recall: float | None  # share of leavers flagged in the HORIZON weeks before
    lead_median: float | None  # weeks from the first of those flags to leaving
    lead_share: float | None  # share of the caught leavers flagged LEAD_WEEKS or more ahead


def measure(evaluated: Evaluated, name: str, flagged) -> Row:
    """The figures of one rule; ``flagged(code) -> bool``."""
    last_counted = WEEKS - HORIZON  # Mondays with the whole horizon inside the year
    evaluations = flags = ever = 0
    right = counted = 0
    leavers = caught = 0
    leads: list[int] = []
    for weeks, codes, left in zip(evaluated.weeks, evaluated.codes, evaluated.left, strict=True):
        raised = [week for week, code in zip(weeks, codes, strict=True) if flagged(code)]
        evaluations += len(weeks)
        flags += len(raised)
        ever += bool(raised)
        for week in raised:
            if week <= last_counted:
                counted += 1
                right += left is not None and week < left <= week + HORIZON
        if left is not None:
            leavers += 1
            before = [week for week in raised if left - HORIZON <= week < left]
            if before:
                caught += 1
                leads.append(left - before[0])
    students = len(evaluated.left)
    leads.sort()
    median = None
    if leads:
        middle = len(leads) // 2
        median = leads[middle] if len(leads) % 2 else (leads[middle - 1] + leads[middle]) / 2
    return Row(
        name=name,
        per_class_week=CLASS_SIZE * flags / evaluations if evaluations else 0.0,
        per_class_year=CLASS_SIZE * ever / students if students else 0.0,
        precision=right / counted if counted else None,
        recall=caught / leavers if leavers else None,
        lead_median=median,
        lead_share=sum(lead >= LEAD_WEEKS for lead in leads) / len(leads) if leads else None,
    )


def _high(watch: int, high: int):
    return lambda code: level_of(code, watch, high) == LEVEL_HIGH


def _watch_or_high(watch: int, high: int):
    return lambda code: level_of(code, watch, high) != LEVEL_NONE


def rows(evaluated: Evaluated) -> list[Row]:
    """The table's rows at the params' thresholds, with attendance alone and every student
    (chance) to compare."""
    watch, high = evaluated.params.watch_score, evaluated.params.high_score
    return [
        measure(evaluated, "high", _high(watch, high)),
        measure(evaluated, "watch or high", _watch_or_high(watch, high)),
        measure(evaluated, "absent days alone", lambda code: bool(code & _ABSENT_BIT)),
        measure(evaluated, "every student", lambda code: True),
    ]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(100 * value)} %"


def _precise(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(evaluated: Evaluated) -> str:
    """The figures at the params' thresholds, as ``earlywarning_simulate`` prints them and
    docs/early-warning.md quotes them."""
    students = len(evaluated.left)
    leavers = sum(left is not None for left in evaluated.left)
    p = evaluated.params
    lines = [
        f"Simulated cohort: {students:,} students (seed {evaluated.seed}), "
        f"{leavers} left school in the year ({100 * leavers / students:.1f} %, "
        f"{evaluated.sudden} of them without any warning sign)",
        f"Thresholds: watch from score {p.watch_score}, high from score {p.high_score}; "
        f"horizon {HORIZON} weeks",
        "",
        f"{'flagged as':<18} {'per 40 a week':>13} {'per 40 a year':>13} "
        f"{'precision':>9} {'recall':>6} {'lead (median)':>13} {f'lead >= {LEAD_WEEKS} wk':>12}",
    ]
    for row in rows(evaluated):
        lines.append(
            f"{row.name:<18} {_number(row.per_class_week):>13} {_number(row.per_class_year):>13} "
            f"{_precise(row.precision):>9} {_percent(row.recall):>6} "
            f"{_number(row.lead_median) + ' wk':>13} {_percent(row.lead_share):>12}"
        )
    scores = [code for codes in evaluated.codes for code in codes]
    alone = sum(code // 4 >= p.watch_score and not code & _ABC_BIT for code in scores)
    lines += [
        "",
        f"Not flagged, at score {p.watch_score} or more from screening and family facts alone "
        f"(no attendance, behaviour or course signal): "
        f"{_number(CLASS_SIZE * alone / len(scores) if scores else None)} per 40 a week.",
    ]
    return "\n".join(lines)


def sweep_table(evaluated: Evaluated, high_scores=range(4, 10), watch_scores=range(2, 7)) -> str:
    """The figures of other thresholds (within the params' bounds), to choose them by: "high"
    does not depend on the watch score, nor "watch or high" on the high score (either needs an
    attendance, behaviour or course signal)."""
    header = f"{'per 40 a week':>13} {'precision':>9} {'recall':>6} {'lead (median)':>13}"

    def line(start: str, row: Row) -> str:
        return (
            f"{start} {_number(row.per_class_week):>13} {_precise(row.precision):>9} "
            f"{_percent(row.recall):>6} {_number(row.lead_median) + ' wk':>13}"
        )

    p = evaluated.params
    lines = [f"{'high from score':<18} {header}"]
    for high in high_scores:
        row = measure(evaluated, "high", _high(min(p.watch_score, high - 1), high))
        mark = " (default)" if high == p.high_score else ""
        lines.append(line(f"{f'{high}{mark}':<18}", row))
    lines += ["", f"{'watch from score':<18} {header}"]
    for watch in watch_scores:
        row = measure(evaluated, "watch", _watch_or_high(watch, max(p.high_score, watch + 1)))
        mark = " (default)" if watch == p.watch_score else ""
        lines.append(line(f"{f'{watch}{mark}':<18}", row))
    return "\n".join(lines)
