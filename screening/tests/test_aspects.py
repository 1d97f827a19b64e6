"""Aspect screening criteria: the shipped file, the district's and school's changes on top of
it, the rules that suggest indicators from the record (at their edges), and the level of an
aspect."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from screening import aspects
from screening.aspects import (
    ASPECT_LABELS,
    INDICATOR_LABELS,
    apply_changes,
    aspect_level,
    default_criteria,
    load_criteria,
    suggestions,
)

ELEVEN = [
    "learning",
    "health",
    "economy",
    "safety",
    "drugs",
    "violence",
    "sexual",
    "gaming",
    "media",
    "special_ability",
    "special_needs",
]


@pytest.fixture(autouse=True)
def _english():
    """Texts are compared in English: the Thai catalogue is the translators' to change."""
    with translation.override("en"):
        yield


def suggested(facts, criteria=None) -> set[str]:
    return set(suggestions(criteria or default_criteria(), facts))


# --- the shipped criteria ---------------------------------------------------------------------
class TestDefaultCriteria:
    def test_eleven_aspects_in_order_with_a_version(self):
        criteria = default_criteria()
        assert [a.code for a in criteria.aspects] == ELEVEN
        assert criteria.version == "aspects-obec-1"

    def test_every_indicator_has_a_level_that_fits_and_a_label(self):
        codes = []
        for aspect in default_criteria().aspects:
            assert 3 <= len(aspect.indicators) <= 10, aspect.code
            assert aspect.label and aspect.label != aspect.code
            for indicator in aspect.indicators:
                codes.append(indicator.code)
                if aspect.code in ("special_ability", "special_needs"):
                    assert aspect.special and indicator.level == "special"
                else:
                    assert not aspect.special
                    assert indicator.level in ("risk", "problem"), indicator.code
                # Labels live in Python, translatable; none is left as a bare code.
                assert indicator.code in INDICATOR_LABELS
                assert indicator.label and indicator.code not in indicator.label
                assert "%(" not in indicator.label
        assert len(codes) == len(set(codes))
        # No label is left over for an indicator that is no longer shipped.
        assert set(INDICATOR_LABELS) == set(codes)
        assert set(ASPECT_LABELS) == set(ELEVEN)

    def test_every_non_special_aspect_has_both_levels(self):
        for aspect in default_criteria().aspects:
            if not aspect.special:
                assert {i.level for i in aspect.indicators} == {"risk", "problem"}, aspect.code

    def test_design_numbers(self):
        """DESIGN.md §4: GPA 1.00–2.00 risk, below 1.00 problem; gaming more than 1 and 2
        hours; income 5,000–10,000 risk, below 5,000 problem."""
        c = default_criteria()
        assert c.indicator("learning_gpa_low").threshold == Decimal("2.00")
        assert c.indicator("learning_gpa_very_low").threshold == Decimal("1.00")
        assert c.indicator("gaming_hours_risk").threshold == 1
        assert c.indicator("gaming_hours_problem").threshold == 2
        assert c.indicator("economy_income_low").threshold == 10000
        assert c.indicator("economy_income_very_low").threshold == 5000

    def test_labels_show_the_numbers(self):
        c = default_criteria()
        assert c.indicator("learning_gpa_low").label == "Grade-point average 2.00 or below"
        assert "10,000" in c.indicator("economy_income_low").label


# --- the loader refuses broken files ----------------------------------------------------------
GOOD_ASPECT = """
[[aspect]]
code = "learning"
  [[aspect.indicator]]
  code = "learning_reading"
  level = "risk"
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "version"),
        ('version = "x-1"\n', "aspect"),
        ('version = "x-1"\n' + GOOD_ASPECT.replace('"risk"', '"special"'), "level"),
        ('version = "x-1"\n' + GOOD_ASPECT.replace("learning_reading", "made_up"), "no label"),
        ('version = "x-1"\n' + GOOD_ASPECT + GOOD_ASPECT, "twice"),
        (
            'version = "x-1"\n'
            + GOOD_ASPECT
            + '  rule = { fact = "gpa", op = "le", value = 5, unit = "gpa", min = 0, max = 4 }\n',
            "min <= value <= max",
        ),
        (
            'version = "x-1"\n' + GOOD_ASPECT + '  rule = { fact = "gpa", op = "about" }\n',
            "rule.op",
        ),
        (
            'version = "x-1"\n' + GOOD_ASPECT + '  rule = { fact = "x", op = "in", value = 3 }\n',
            "list of codes",
        ),
        (
            'version = "x-1"\n[[aspect]]\ncode = "special_needs"\n'
            '  [[aspect.indicator]]\n  code = "needs_autism"\n  level = "special"\n',
            "special must be true",
        ),
        ('version = "x-1"\n[[aspect]]\ncode = "gaming"\nfacts = ["shoe_size"]\n', "facts"),
        ("version = [", "not valid TOML"),
    ],
)
def test_loader_refuses_broken_files(tmp_path, text, problem):
    path = tmp_path / "aspects-obec.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=problem.replace("(", r"\(")):
        load_criteria(path)


def test_a_replacement_file_in_the_instruments_dir_wins(tmp_path, settings):
    (tmp_path / "aspects-obec.toml").write_text(
        'version = "esa-9"\n' + GOOD_ASPECT, encoding="utf-8"
    )
    settings.SCREENING_INSTRUMENTS_DIR = str(tmp_path)
    aspects.clear_caches()
    try:
        assert default_criteria().version == "esa-9"
    finally:
        aspects.clear_caches()


# --- district and school changes --------------------------------------------------------------
DISTRICT = {
    "aspects": {
        "learning": {
            "off": ["learning_reading"],
            "thresholds": {"learning_gpa_low": 2.5},
            "extra": [{"code": "d-aaaaaa", "label": "ไม่ส่งงานบ่อย", "level": "risk"}],
        },
        "drugs": {"off": ["drugs_area"]},
    }
}
SCHOOL = {
    "aspects": {
        "learning": {
            "off": ["d-aaaaaa", "learning_absence"],
            "thresholds": {"learning_gpa_low": 1.75},
            "extra": [{"code": "s-bbbbbb", "label": "ออกกลางคันแล้ว", "level": "problem"}],
        },
        "drugs": {"on": ["drugs_area"]},
    }
}


class TestChanges:
    def test_district_switches_off_changes_numbers_and_adds(self):
        c = apply_changes(default_criteria(), DISTRICT, "district")
        learning = c.aspect("learning")
        active = {i.code for i in learning.active_indicators}
        assert "learning_reading" not in active
        assert c.indicator("learning_reading").off_by == "district"
        assert c.indicator("learning_gpa_low").threshold == Decimal("2.5")
        assert c.indicator("learning_gpa_low").threshold_by == "district"
        assert "2.50" in c.indicator("learning_gpa_low").label
        extra = c.indicator("d-aaaaaa")
        assert (extra.label, extra.level, extra.origin) == ("ไม่ส่งงานบ่อย", "risk", "district")
        assert "d-aaaaaa" in active
        # Other aspects are untouched, and the shipped criteria are not changed in place.
        assert default_criteria().indicator("learning_reading").active
        assert c.aspect("health") == default_criteria().aspect("health")

    def test_school_changes_apply_on_top_of_the_district(self):
        c = apply_changes(apply_changes(default_criteria(), DISTRICT, "district"), SCHOOL, "school")
        active = {i.code for i in c.aspect("learning").active_indicators}
        # The school switched off the district's own indicator and a shipped one...
        assert "d-aaaaaa" not in active and "learning_absence" not in active
        # ...left the district's switch-off alone...
        assert "learning_reading" not in active
        # ...set its own number over the district's, and added its own indicator.
        assert c.indicator("learning_gpa_low").threshold == Decimal("1.75")
        assert c.indicator("learning_gpa_low").threshold_by == "school"
        assert c.indicator("s-bbbbbb").level == "problem"
        # It may use again what the district switched off.
        assert c.indicator("drugs_area").active and c.indicator("drugs_area").on_by == "school"

    def test_the_version_names_both_layers(self):
        district = apply_changes(default_criteria(), DISTRICT, "district")
        both = apply_changes(district, SCHOOL, "school")
        assert district.version.startswith("aspects-obec-1+D")
        assert both.version.startswith(district.version + "+S")
        assert len(both.version) <= 40
        # Same changes, same version; any change, another version.
        assert apply_changes(default_criteria(), DISTRICT, "district").version == district.version
        other = {"aspects": {"learning": {"thresholds": {"learning_gpa_low": 2.4}}}}
        assert apply_changes(default_criteria(), other, "district").version != district.version
        # No changes (or only empty parts): the file's version.
        empty = {"aspects": {"learning": {"off": [], "thresholds": {}}}}
        assert apply_changes(default_criteria(), empty, "district").version == "aspects-obec-1"

    def test_changes_that_no_longer_fit_are_skipped(self):
        changes = {
            "aspects": {
                "nonsense": {"off": ["x"]},
                "learning": {
                    "thresholds": {"learning_gpa_low": 9, "learning_reading": 1},
                    "extra": [
                        {"code": "s-1", "label": "", "level": "risk"},
                        {"code": "s-2", "label": "x", "level": "special"},
                        {"code": "learning_reading", "label": "x", "level": "risk"},
                    ],
                },
            }
        }
        c = apply_changes(default_criteria(), changes, "school")
        assert c.indicator("learning_gpa_low").threshold == Decimal("2.00")
        assert c.indicator("s-1") is None and c.indicator("s-2") is None
        assert len(c.aspect("learning").indicators) == 6

    def test_a_changed_number_changes_suggestions(self):
        c = apply_changes(default_criteria(), DISTRICT, "district")
        assert "learning_gpa_low" in suggested({"gpa": Decimal("2.30")}, c)
        assert "learning_gpa_low" not in suggested({"gpa": Decimal("2.30")})

    def test_switched_off_indicators_are_never_suggested(self):
        c = apply_changes(
            default_criteria(), {"aspects": {"learning": {"off": ["learning_gpa_low"]}}}, "school"
        )
        assert suggested({"gpa": Decimal("1.5")}, c) == set()


# --- suggestion rules at their edges ----------------------------------------------------------
@pytest.mark.parametrize(
    ("gpa", "expected"),
    [
        ("2.01", set()),
        ("2.00", {"learning_gpa_low"}),
        ("1.45", {"learning_gpa_low"}),
        ("1.00", {"learning_gpa_low"}),
        ("0.99", {"learning_gpa_low", "learning_gpa_very_low"}),
        ("0.00", {"learning_gpa_low", "learning_gpa_very_low"}),
    ],
)
def test_gpa_edges(gpa, expected):
    assert suggested({"gpa": Decimal(gpa)}) == expected


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        (10001, set()),
        (10000, {"economy_income_low"}),
        (5000, {"economy_income_low"}),
        (4999, {"economy_income_low", "economy_income_very_low"}),
        (0, {"economy_income_low", "economy_income_very_low"}),
    ],
)
def test_income_edges(income, expected):
    assert suggested({"income_per_month": income}) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("0", set()),
        ("1", set()),
        ("1.5", {"gaming_hours_risk"}),
        ("2", {"gaming_hours_risk"}),
        ("2.5", {"gaming_hours_risk", "gaming_hours_problem"}),
    ],
)
def test_gaming_hours_edges(hours, expected):
    assert suggested({"gaming_hours": Decimal(hours)}) == expected


def test_missing_or_empty_facts_suggest_nothing():
    empty = {
        "gpa": None,
        "income_per_month": None,
        "welfare_card": None,
        "chronic_illness": False,
        "bmi_band": None,
        "risk_notes": [],
        "disabilities": [],
        "awards": "  ",
        "failed_subjects": [],
        "lives_with": None,
    }
    assert suggested(empty) == set()
    assert suggested({}) == set()
    # A value that is not a number never matches a numeric rule.
    assert suggested({"gpa": "ร"}) == set()


def test_record_codes_suggest_their_indicators():
    facts = {
        "chronic_illness": True,
        "bmi_band": "obese",
        "eyesight": "glasses",
        "hearing": "problem",
        "welfare_card": True,
        "lives_with": "grandparents",
        "parents_status": "working_away",
        "risk_notes": ["neglect", "other"],
        "disabilities": ["autism", "adhd"],
        "awards": "เหรียญทองศิลปหัตถกรรม",
        "failed_subjects": ["คณิตศาสตร์"],
    }
    assert suggested(facts) == {
        "health_chronic_illness",
        "health_obese",
        "health_hearing",
        "economy_welfare_card",
        "safety_no_parents",
        "safety_neglect",
        "needs_autism",
        "needs_adhd",
        "ability_awards",
        "learning_failed_subjects",
    }


def test_suggestions_say_where_they_come_from():
    found = suggestions(
        default_criteria(),
        {"gpa": Decimal("1.45"), "gpa_term": "1/2568", "risk_notes": ["neglect", "violence"]},
    )
    assert found["learning_gpa_low"] == "GPA 1.45 (term 1/2568)"
    assert found["safety_neglect"] == "risks noted: Neglect"
    assert found["safety_violence_home"] == "risks noted: Violence at home"


# --- levels ------------------------------------------------------------------------------------
def entries(*pairs):
    return [{"code": code, "level": level} for code, level in pairs]


class TestAspectLevel:
    def test_worst_ticked_wins(self):
        learning = default_criteria().aspect("learning")
        assert aspect_level(learning, []) == "normal"
        assert aspect_level(learning, entries(("a", "risk"))) == "risk"
        assert aspect_level(learning, entries(("a", "risk"), ("b", "problem"))) == "problem"
        assert aspect_level(learning, entries(("b", "problem"), ("a", "risk"))) == "problem"

    def test_typed_facts_do_not_count(self):
        gaming = default_criteria().aspect("gaming")
        assert aspect_level(gaming, [{"fact": "gaming_hours", "value": 5}]) == "normal"

    def test_special_aspects_are_special_when_anything_is_ticked(self):
        needs = default_criteria().aspect("special_needs")
        assert aspect_level(needs, []) == "normal"
        assert aspect_level(needs, entries(("needs_autism", "special"))) == "special"


def test_indicator_labels_of_a_saved_result():
    saved = [
        {"code": "learning_gpa_low", "level": "risk", "label": "old", "threshold": 2.5},
        {"code": "s-bbbbbb", "level": "problem", "label": "ออกกลางคันแล้ว"},
        {"fact": "gaming_hours", "value": 3},
    ]
    assert aspects.indicator_labels("learning", saved) == [
        "Grade-point average 2.50 or below",
        "ออกกลางคันแล้ว",
    ]
    assert aspects.aspect_label("learning") == "Learning"
