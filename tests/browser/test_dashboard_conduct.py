"""The school dashboard's attendance and behaviour in a real browser, on a phone (375 px) and a
laptop (1280 px): the director sees the term's rate, the classrooms lowest first, the weekly
chart and the incidents per category, nothing wider than the screen but the chart, which scrolls
on its own; screenshots dashboard-conduct-*.png."""

import pytest

from dashboards.tests import test_conduct_figures
from schools.selectors import term_code
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in

# The small world of the figures' tests (a classroom of three, rolls, incidents, flags).
small = test_conduct_figures.small

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(375, 812), (1280, 900)])
def test_the_director_reads_attendance_and_behaviour(
    world, term1, small, live_server, page_factory, screenshot, width, height
):
    page = page_factory(width=width, height=height)
    log_in(page, live_server.url, world.a.users["director"].username)
    page.goto(f"{live_server.url}/s/{world.a.school.code}/dashboard/?term={term_code(term1)}")
    page.locator("#attendance").scroll_into_view_if_needed()
    screenshot(page, f"dashboard-conduct-{width}")
    page.locator("#dash-conduct").screenshot(
        path=str(ARTIFACTS / f"dashboard-conduct-section-{width}.png")
    )
    assert page.locator("[data-section=attendance-weeks] svg rect.col").count() >= 1
    rooms = page.locator(".dash-attendance-rooms tbody tr")
    assert rooms.first.get_attribute("data-classroom") == str(world.a.classroom.pk)
    assert page.locator(".dash-behaviour-categories [data-sensitive]").count() == 1
    # The page itself never scrolls sideways; the chart scrolls in its box on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
