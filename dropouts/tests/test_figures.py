"""The figures at the top of the case list, computed by hand on a small set."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from dropouts.models import CaseObservation, DropoutCase, Outcome, Step
from dropouts.selectors import case_counts, case_figures
from dropouts.tests.helpers import ago

pytestmark = pytest.mark.django_db


def make(world, *, step=Step.REPORT, due_ago=None, reported_ago=100, outcome="", closed_ago=None,
         observations=(), district=None):  # fmt: skip
    case = DropoutCase.objects.create(
        district=district or world.a.district,
        first_name="เด็ก",
        situation="dropped_out",
        reported_on=ago(reported_ago),
        reporter_kind="village_head",
        step=step,
        step_started=ago(reported_ago),
        step_due=ago(due_ago) if due_ago is not None else None,
        outcome=outcome,
        closed_on=ago(closed_ago) if closed_ago is not None else None,
    )
    for still in observations:
        CaseObservation.objects.create(
            case=case, due_on=ago(50), observed_on=ago(50), still_in_school=still
        )
    return case


def test_figures_by_hand(world):
    with scopes_disabled():
        make(world, due_ago=-3)  # open, on time
        make(world, step=Step.VISIT, due_ago=2)  # open, late
        make(world, step=Step.BACK_IN_SCHOOL, due_ago=1, observations=[True])  # open, late
        # Closed: 10, 20, 40 and 60 days from report to close -> median 30.
        make(world, step=Step.CLOSED, outcome=Outcome.BACK_IN_SCHOOL, reported_ago=100,
             closed_ago=90, observations=[True, True, True])  # fmt: skip
        make(world, step=Step.CLOSED, outcome=Outcome.BACK_IN_SCHOOL, reported_ago=100,
             closed_ago=80, observations=[False, True, True, True])  # fmt: skip
        make(world, step=Step.CLOSED, outcome=Outcome.NON_FORMAL, reported_ago=100, closed_ago=60)
        make(world, step=Step.CLOSED, outcome=Outcome.LOST_CONTACT, reported_ago=100,
             closed_ago=40, observations=[False])  # fmt: skip
        # Another district's cases count nowhere here.
        make(world, district=world.b.district, due_ago=5)
        figures = case_figures(DropoutCase.objects.filter(district=world.a.district))
        counts = case_counts(DropoutCase.objects.filter(district=world.a.district))
    assert (figures.open, figures.late, figures.closed) == (3, 2, 4)
    assert figures.median_days_to_close == 30
    # Back in education: 2 back in school + 1 non-formal of 4 closed.
    assert figures.in_education == 3
    assert figures.in_education_share == 75.0
    # Reached back in school and closed: 3 (two back in school, one lost after an observation);
    # still in school at the last observation: 2.
    assert (figures.stayed, figures.observed) == (2, 3)
    assert figures.stayed_share == pytest.approx(66.67, abs=0.01)
    assert counts == {"open": 3, "late": 2}


def test_no_cases_no_shares(world):
    with scopes_disabled():
        figures = case_figures(DropoutCase.objects.filter(district=world.a.district))
    assert figures.open == figures.late == figures.closed == 0
    assert figures.median_days_to_close is None
    assert figures.in_education_share is None and figures.stayed_share is None


def test_due_today_is_not_late(world):
    with scopes_disabled():
        make(world, due_ago=0)
        figures = case_figures(
            DropoutCase.objects.filter(district=world.a.district),
            today=timezone.localdate(),
        )
    assert figures.late == 0
