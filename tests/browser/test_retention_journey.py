"""In a real browser: the district administrator sets the retention period, starts a dry run,
reads its report school by school, and confirms it; the student who left is anonymised."""

import pytest
from django_scopes import scopes_disabled

from districts.tests.test_retention import past  # noqa: F401 (the fixture)
from students.models import Student
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dry_run_report_then_confirmed_purge(world, past, live_server, page_factory, screenshot):  # noqa: F811
    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, world.a.users["district_admin"].username)
    page.goto(f"{live_server.url}/d/{world.a.district.code}/")
    page.click("#district-retention")
    page.fill("input[name=retention_years]", "6")
    page.click("#retention-settings button[type=submit]")
    page.wait_for_load_state()
    assert page.input_value("input[name=retention_years]") == "6"
    screenshot(page, "retention-settings")

    page.click("#start-dry-run")
    page.wait_for_load_state()
    # The job ran at once here (no broker): the report is on the page.
    report = page.locator("#retention-report")
    assert report.locator(f"tr[data-school='{world.a.school.code}']").count() == 1
    assert report.locator("tfoot td").nth(1).inner_text().strip() == "2"
    screenshot(page, "retention-dry-run-report")
    with scopes_disabled():
        assert Student.objects.get(pk=past["old"].pk).first_name != "นิรนาม"

    # Confirming without ticking the box is refused; ticking it removes the data.
    page.click("#confirm-purge")
    page.wait_for_load_state()
    assert page.locator("input[name=understood].is-invalid").count() == 1
    page.check("input[name=understood]")
    page.click("#confirm-purge")
    page.wait_for_load_state()
    assert page.locator("#run-status .alert-success").count() == 1
    screenshot(page, "retention-purge-done")
    with scopes_disabled():
        assert Student.objects.get(pk=past["old"].pk).first_name == "นิรนาม"
        assert Student.objects.get(pk=past["recent"].pk).first_name != "นิรนาม"
