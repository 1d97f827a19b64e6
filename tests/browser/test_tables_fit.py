"""Tables that fit, on the demo district: at 1366x768 the district's school and network tables
(each part of the figures) and the national table need no sideways scrolling, and on a phone
their first column stays in view while the figures scroll; on a phone (375x812) the class list
shows every student's home-visit status; a home visit's page opens the home's location in a map."""

import pytest
from django_scopes import scopes_disabled

from conftest import PASSWORD
from demo.world import demo_build
from schools.models import HomeroomAssignment
from tests.browser.helpers import log_in
from visits.models import HomeVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}

# The table's scrolling box (Bootstrap's .table-responsive): its content's width and its own.
WIDTHS = """(selector) => {
    const box = document.querySelector(selector).closest('.table-responsive');
    return {scroll: box.scrollWidth, client: box.clientWidth};
}"""

# After scrolling the figures sideways: where the first header cell is against the box's left.
STICKY = """(selector) => {
    const table = document.querySelector(selector);
    const box = table.closest('.table-responsive');
    box.scrollLeft = 300;
    const name = table.querySelector('tbody tr :first-child').getBoundingClientRect();
    return {scrolled: box.scrollLeft, offset: name.left - box.getBoundingClientRect().left};
}"""


@pytest.fixture
def demo():
    with scopes_disabled():
        return demo_build(schools=4, students=400, password=PASSWORD)


def assert_fits(page, selector, where):
    widths = page.evaluate(WIDTHS, selector)
    assert widths["scroll"] <= widths["client"], (where, selector, widths)


def assert_first_column_stays(page, selector):
    sticky = page.evaluate(STICKY, selector)
    assert sticky["scrolled"] > 0  # the figures do scroll on a phone...
    assert abs(sticky["offset"]) <= 1, sticky  # ...and the name stays at the left edge


def test_district_and_national_tables_fit_a_laptop_and_keep_names_on_a_phone(
    demo, live_server, page_factory, screenshot
):
    page = page_factory(**LAPTOP)
    log_in(page, live_server.url, "district1")
    for show in ("targets", "groups", "follow_up"):
        page.goto(f"{live_server.url}/d/KKN1/dashboard/?show={show}")
        assert page.locator("#school-table tbody tr").count() == 4
        for table in ("#school-table", "#network-table"):
            assert_fits(page, table, show)
        # Short headers: the full label is in the link's title and in the legend below.
        legend = page.locator("#schools .dash-legend").inner_text()
        for link in page.locator("#school-table thead a[title]").all():
            assert len(link.inner_text()) < len(link.get_attribute("title"))
            assert link.get_attribute("title") in legend
        screenshot(page, f"tables-district-{show}-1366")
    # The part shown is a link away, and sorting keeps it.
    page.locator("#schools .dash-parts").get_by_role("link").nth(2).click()
    page.wait_for_load_state()
    assert "show=follow_up" in page.url
    page.locator('#school-table th[data-sort-key="plans_overdue"] a').click()
    page.wait_for_load_state()
    assert "show=follow_up" in page.url and "sort=plans_overdue" in page.url

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/d/KKN1/dashboard/?show=follow_up")
    assert_first_column_stays(page, "#school-table")
    screenshot(page, "tables-district-375")

    national = page_factory(**LAPTOP)
    log_in(national, live_server.url, "obec1")
    national.goto(f"{live_server.url}/national/")
    assert_fits(national, "#national-districts", "national")
    screenshot(national, "tables-national-1366")
    national.set_viewport_size(PHONE)
    national.reload()
    assert_first_column_stays(national, "#national-districts")


def test_class_list_on_a_phone_shows_each_students_home_visit(demo, live_server, page_factory):
    with scopes_disabled():
        room = HomeroomAssignment.objects.get(teacher__username="teacher1").classroom
        visited = set(
            HomeVisit.objects.filter(classroom=room, status="done").values_list(
                "student_id", flat=True
            )
        )
    page = page_factory(**PHONE)
    log_in(page, live_server.url, "teacher1")
    page.goto(f"{live_server.url}/s/{room.school.code}/classrooms/{room.pk}/")
    rows = page.locator("main table tbody tr")
    assert rows.count() > 0 and visited
    for i in range(rows.count()):
        row = rows.nth(i)
        status = row.locator(".visit-status-compact")
        assert status.is_visible(), row.inner_text()
        assert status.locator(".badge").first.inner_text().strip()
        assert not row.locator("td.visit-status").is_visible()  # the column stays hidden
    # Who is left to visit: as many "visited" badges as students visited.
    done = page.locator(".visit-status-compact .badge.text-bg-success:visible")
    assert done.count() == len(visited)

    # On a wider screen the column is back and the badge under the name goes.
    page.set_viewport_size(LAPTOP)
    assert rows.first.locator("td.visit-status").is_visible()
    assert not rows.first.locator(".visit-status-compact").is_visible()


def test_visit_page_opens_the_home_in_a_map(demo, live_server, page_factory):
    with scopes_disabled():
        room = HomeroomAssignment.objects.get(teacher__username="teacher1").classroom
        visit = HomeVisit.objects.filter(classroom=room, latitude__isnull=False).first()
    lat, lon = f"{visit.latitude:f}", f"{visit.longitude:f}"
    page = page_factory(**PHONE)
    log_in(page, live_server.url, "teacher1")
    page.goto(f"{live_server.url}/s/{room.school.code}/visits/{visit.pk}/")
    app = page.locator("#visit-map-app")
    assert app.is_visible()
    assert app.get_attribute("href") == f"geo:{lat},{lon}?q={lat},{lon}"
    web = page.locator("#visit-map-web")
    assert web.is_visible()
    assert web.get_attribute("href") == (
        f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    )
    coordinates = page.locator("#visit-coordinates").inner_text()
    assert f"{lat}, {lon}" in coordinates
    if visit.location_accuracy_m:
        assert f"±{visit.location_accuracy_m}" in coordinates

    # A laptop seldom opens geo: links; OpenStreetMap is offered there.
    page.set_viewport_size(LAPTOP)
    assert not app.is_visible() and web.is_visible()
