"""The model ew-2 on hand-built facts (docs/early-warning.md): the levels, scores and reasons the
document gives, the bounds a district tunes within, the next step, the sentences."""

from decimal import Decimal

import pytest
from django.utils import translation

from earlywarning.model import (
    PARAMS,
    VERSION,
    Facts,
    Params,
    Reason,
    evaluate,
    params_errors,
    reason_text,
    suggest_next_step,
)


def codes(result) -> list[str]:
    return [r.code for r in result.reasons]


def test_the_documented_student():
    """docs/early-warning.md, "A worked example": every signal and its weight."""
    facts = Facts(
        absent_days_4w=6,
        attendance_rate=0.78,
        conduct_score=85,
        deductions_8w=1,
        gpa_now=Decimal("1.90"),
        gpa_before=Decimal("2.80"),
        failed_now=1,
        care_level="risk",
        lives_with="grandparents",
        income_per_person=1200,
        welfare_card=None,
        visit_problems=("poverty", "health"),
        moves_12m=0,
    )
    result = evaluate(facts)
    assert VERSION == "ew-2"
    assert result.level == "high"
    assert result.score == 11
    assert [r.as_dict() for r in result.reasons] == [
        {"code": "absent", "weight": 3, "group": "A", "days": 6, "weeks": 4},
        {"code": "attendance_rate", "weight": 2, "group": "A", "percent": 78},
        {"code": "gpa_drop", "weight": 2, "group": "C", "before": "2.80", "now": "1.90"},
        {
            "code": "family",
            "weight": 2,
            "group": "F",
            "lives_with": "grandparents",
            "income": 1200,
        },
        {"code": "care_group", "weight": 1, "group": "S", "level": "risk"},
        {"code": "visit_problems", "weight": 1, "group": "F", "problems": ["poverty"]},
    ]
    with translation.override("th"):
        assert [reason_text(r) for r in result.reasons] == [
            "ขาดเรียน 6 วันใน 4 สัปดาห์",
            "มาเรียน 78% ของวันเรียนในภาคเรียนนี้",
            "GPA ลดลงจาก 2.80 เป็น 1.90",
            "อาศัยอยู่กับปู่ย่าตายาย รายได้ 1,200 บาทต่อคนต่อเดือน",
            "ผลคัดกรองอยู่กลุ่มเสี่ยง",
            "เยี่ยมบ้านพบ: ความยากจน",
        ]


def test_a_student_with_nothing_known_has_no_warning():
    result = evaluate(Facts())
    assert (result.level, result.score, result.reasons) == ("none", 0, ())


def test_screening_and_family_facts_alone_never_flag():
    facts = Facts(
        care_level="problem",
        lives_with="relatives",
        welfare_card=True,
        visit_problems=("neglect",),
        moves_12m=2,
    )
    result = evaluate(facts)
    assert result.score == 2 + 1 + 1 + 1 + 1
    # 6 would be high, but no attendance, behaviour or course signal: not flagged (ew-2)
    assert result.level == "none"
    assert codes(result) == ["care_group", "family", "visit_problems", "moves"]
    assert evaluate(Facts(absent_days_4w=4, lives_with="relatives", welfare_card=True)).level == (
        "watch"
    )  # 3 + 2 = 5
    assert evaluate(Facts(absent_days_4w=4, care_level="problem", moves_12m=1)).level == "high"


def test_screening_and_family_raise_a_student_with_an_abc_signal():
    """A failed-subjects signal (2) alone stays under watch; the family's money (1) takes it to
    watch; the same money and a care group without the failed subjects flag nobody."""
    assert evaluate(Facts(failed_now=2)).level == "none"
    assert evaluate(Facts(failed_now=2, welfare_card=True)).level == "watch"
    assert evaluate(Facts(welfare_card=True, care_level="risk", moves_12m=1)).level == "none"


@pytest.mark.parametrize(
    ("facts", "fired"),
    [
        (Facts(absent_days_4w=3), []),
        (Facts(absent_days_4w=4), ["absent"]),
        (Facts(attendance_rate=0.80), []),
        (Facts(attendance_rate=0.799), ["attendance_rate"]),
        (Facts(attendance_rate=None), []),
        (Facts(conduct_score=60), []),
        (Facts(conduct_score=59), ["conduct"]),
        (Facts(conduct_score=None), []),
        (Facts(deductions_8w=2), []),
        (Facts(deductions_8w=3), ["deductions"]),
        (Facts(gpa_now=Decimal("2.31"), gpa_before=Decimal("2.80")), []),
        (Facts(gpa_now=Decimal("2.30"), gpa_before=Decimal("2.80")), ["gpa_drop"]),
        (Facts(gpa_now=Decimal("1.50")), []),
        (Facts(gpa_now=Decimal("1.49")), ["gpa_low"]),
        (Facts(gpa_now=None, gpa_before=Decimal("3.00")), []),
        (Facts(failed_now=1), []),
        (Facts(failed_now=2), ["failed"]),
        (Facts(care_level="normal"), []),
        (Facts(lives_with="both_parents"), []),
        (Facts(lives_with="mother"), []),
        (Facts(lives_with=""), []),
        (Facts(income_per_person=3000), []),
        (Facts(income_per_person=2999), ["family"]),
        (Facts(welfare_card=False), []),
        (Facts(visit_problems=("health", "learning")), []),
        (Facts(moves_12m=0), []),
        (Facts(moves_12m=1), ["moves"]),
    ],
)
def test_each_threshold(facts, fired):
    assert codes(evaluate(facts)) == fired


def test_levels_at_the_scores():
    assert evaluate(Facts(failed_now=2)).level == "none"  # 2
    assert evaluate(Facts(failed_now=2, moves_12m=1)).level == "watch"  # 3
    assert evaluate(Facts(absent_days_4w=5, attendance_rate=0.5)).level == "watch"  # 5
    assert evaluate(Facts(absent_days_4w=5, attendance_rate=0.5, moves_12m=1)).level == "high"


def test_a_district_tunes_weights_and_thresholds():
    params = Params(absent_days=6, absent_weight=5, moves_weight=0, high_score=5)
    assert codes(evaluate(Facts(absent_days_4w=5), params)) == []
    result = evaluate(Facts(absent_days_4w=6, moves_12m=3), params)
    assert (result.level, result.score, codes(result)) == ("high", 5, ["absent"])


def test_the_defaults_are_the_documented_bounds():
    assert Params().as_dict() == {name: spec.default for name, spec in PARAMS.items()}
    for name, spec in PARAMS.items():
        assert spec.low <= spec.default <= spec.high, name
    assert params_errors(Params().as_dict()) == {}


def test_bounds_are_enforced():
    errors = params_errors(
        {
            "absent_days": 1,
            "rate_below": 0.99,
            "conduct_weight": 2.5,
            "moves": "two",
            "visit_weight": True,
            "nonsense": 1,
        }
    )
    assert set(errors) == {
        "absent_days",
        "rate_below",
        "conduct_weight",
        "moves",
        "visit_weight",
        "nonsense",
    }
    assert params_errors({"absent_days": 10, "rate_below": 0.6}) == {}
    assert set(params_errors({"watch_score": 6, "high_score": 6})) == {"high_score"}
    assert params_errors({"watch_score": 5, "high_score": 6}) == {}


def test_stored_params_out_of_bounds_are_clamped():
    params = Params.from_dict({"absent_days": 99, "rate_below": 0.1, "watch_score": 6, "x": 1})
    assert (params.absent_days, params.rate_below) == (10, 0.60)
    assert params.high_score > params.watch_score
    assert Params.from_dict(None) == Params()
    assert Params.from_dict({"absent_weight": "bad"}).absent_weight == 3


@pytest.mark.parametrize(
    ("facts", "visit", "plan", "case", "step"),
    [
        (Facts(), False, False, False, None),
        # high with an attendance signal: a dropout-risk report, unless a case is open
        (
            Facts(absent_days_4w=6, attendance_rate=0.7, conduct_score=50),
            False,
            False,
            False,
            "dropout_case",
        ),
        (
            Facts(absent_days_4w=6, attendance_rate=0.7, conduct_score=50),
            True,
            True,
            False,
            "dropout_case",
        ),
        (
            Facts(absent_days_4w=6, attendance_rate=0.7, conduct_score=50),
            True,
            False,
            True,
            "care_plan",
        ),
        (
            Facts(absent_days_4w=6, attendance_rate=0.7, conduct_score=50),
            False,
            True,
            True,
            "visit",
        ),
        (Facts(absent_days_4w=6, attendance_rate=0.7, conduct_score=50), True, True, True, None),
        # high without one: a care plan, unless one is open
        (
            Facts(gpa_now=Decimal("1.2"), failed_now=3, care_level="problem"),
            True,
            False,
            False,
            "care_plan",
        ),
        (
            Facts(gpa_now=Decimal("1.2"), failed_now=3, care_level="problem"),
            False,
            True,
            False,
            "visit",
        ),
        # watch: a home visit when none this year
        (Facts(absent_days_4w=4), False, False, False, "visit"),
        (Facts(absent_days_4w=4), True, False, False, None),
    ],
)
def test_next_step(facts, visit, plan, case, step):
    result = evaluate(facts)
    assert suggest_next_step(result, visit, plan, case) == step


def test_reasons_round_trip_and_read_in_english():
    result = evaluate(
        Facts(
            conduct_score=45,
            deductions_8w=4,
            gpa_now=Decimal("1.20"),
            failed_now=3,
            care_level="problem",
            lives_with="other",
            welfare_card=True,
            moves_12m=2,
        )
    )
    for reason in result.reasons:
        assert Reason.from_dict(reason.as_dict()) == reason
    with translation.override("en"):
        texts = {r.code: reason_text(r.as_dict()) for r in result.reasons}
    assert texts == {
        "conduct": "Conduct points 45",
        "deductions": "4 incidents in 8 weeks",
        "gpa_low": "Low GPA: 1.20",
        "failed": "3 subjects failed or not completed",
        "care_group": "Care group: has problems",
        "family": "Does not live with a parent, holds the state welfare card",
        "moves": "Changed school 2 times in 12 months",
    }
