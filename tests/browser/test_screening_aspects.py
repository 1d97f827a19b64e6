"""A teacher screens the aspects of a student on a phone: the record's suggestions are ticked,
typing the hours of gaming ticks the matching indicators, and saving shows the student's group."""

import pytest
from django_scopes import scopes_disabled

from schools.selectors import current_term, term_code
from screening.models import CareGroup
from tests.browser.helpers import log_in

# The browser fixtures of tests/browser (a real headless Chromium, phone-sized pages).

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_screens_aspects_on_a_phone(world, live_server, page_factory, screenshot):
    from screening.tests.test_aspects_views import give_record

    a = world.a
    term = current_term()
    give_record(a.student, a.users["coordinator"], gpa="1.45", risks=["neglect"])
    page = page_factory()
    log_in(page, live_server.url, a.users["homeroom"].username)
    url = f"/s/{a.school.code}/screening/students/{a.student.pk}/aspects/?term={term_code(term)}"
    page.goto(live_server.url + url)
    assert page.is_checked("#ind-learning_gpa_low")
    assert page.is_checked("#ind-safety_neglect")
    assert not page.is_checked("#ind-gaming_hours_risk")
    page.fill("input[name=fact_gaming_hours]", "2.5")
    assert page.is_checked("#ind-gaming_hours_risk")
    assert page.is_checked("#ind-gaming_hours_problem")
    page.fill("input[name=fact_gaming_hours]", "1.5")
    assert page.is_checked("#ind-gaming_hours_risk")
    assert not page.is_checked("#ind-gaming_hours_problem")
    # The page fits a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "aspects-phone")
    page.click("form.aspect-form button[type=submit]")
    page.wait_for_load_state()
    assert f"/students/{a.student.pk}/" in page.url and "/aspects/" not in page.url
    with scopes_disabled():
        group = CareGroup.objects.get(student=a.student, term=term)
    # Neglect at home is a problem; gaming 1.5 h and the GPA are risks: the worst wins.
    assert group.level == "problem"
    screenshot(page, "aspects-saved-student-page")
