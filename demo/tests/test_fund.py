"""The demo's district fund: district1's fund of the year, published and open, with nominations
from every school but director1's, each resting on the school's records; some selected (a few
paid), one declined with a reason, the rest waiting; director1's school has one nomination and
students left to nominate; no payment over the budget."""

import pytest
from django_scopes import scopes_disabled

from demo.world import demo_build
from districts.fund import selectors, services
from districts.fund.models import Fund, Nomination

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_fund_with_nominations_decided_and_paid():
    result = demo_build(schools=4, students=400, seed=11)
    with scopes_disabled():
        fund = Fund.objects.get(district=result.district)
        assert services.window_open(fund)
        nominations = list(Nomination.objects.filter(fund=fund).select_related("school"))
        statuses = {n.status for n in nominations}
        assert statuses == {"nominated", "selected", "declined"}
        assert all(selectors.has_need(n.evidence) for n in nominations)
        first = min(result.district.schools.all(), key=lambda s: s.code)
        ours = [n for n in nominations if n.school_id == first.pk]
        assert len(ours) == 1 and ours[0].nominated_by.username == "director1"
        assert selectors.candidates(school=first, fund=fund)[1:]  # more to nominate
        figures = selectors.fund_figures(fund)
    assert figures.paid > 0 and figures.committed <= figures.budget
