"""The demo's dropout cases: every step, a few late, two under observation, mostly brought
back."""

from collections import Counter

import pytest
from django_scopes import scopes_disabled

from demo.world import demo_build
from dropouts.models import CaseObservation, DropoutCase
from dropouts.selectors import case_figures

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_in_every_step():
    result = demo_build(schools=2, students=200, seed=11)
    with scopes_disabled():
        cases = DropoutCase.objects.filter(district=result.district)
        steps = Counter(cases.values_list("step", flat=True))
        figures = case_figures(cases)
        under_observation = cases.filter(step="back_in_school")
        recorded = CaseObservation.objects.filter(
            case__in=under_observation, observed_on__isnull=False
        ).count()
        owners = Counter(cases.values_list("owner__username", flat=True))
        kinds = set(cases.values_list("reporter_kind", flat=True))
        enrolled = cases.filter(student__isnull=False).count()
    assert set(steps) == {
        "report", "coordinate", "visit", "meeting", "refer_help", "back_in_school", "closed"
    }  # fmt: skip
    assert sum(steps.values()) == 15
    assert steps["back_in_school"] == 2 and recorded == 2
    assert 3 <= figures.late <= 5
    assert figures.in_education_share > 80
    assert owners["district1"] >= 5
    assert {"village_head", "health", "school"} <= kinds
    assert 5 <= enrolled <= 8
