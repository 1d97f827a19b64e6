"""Issue 22, done when: teacher1 sees the flagged students of their class with reasons and opens
a care plan from one in a single tap (a phone); a district user sees counts only. Here also the
pages at phone and desktop size, for screenshots: the class list's column, the student's card
with its trend, the school's list, the district's counts and its settings refusing a value."""

import html

import pytest
from django_scopes import scopes_disabled

from care.models import CarePlan
from conftest import th
from earlywarning.tests.test_views import FAILING, HIGH, SLIPPING, flag, weeks
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def thai(message: str, **params) -> str:
    return html.unescape(th(message, **params))


def flagged_world(world):
    a = world.a
    flag(a.student, HIGH)
    weeks(a.student, [("none", 1), ("none", 2), ("watch", 3), ("watch", 5), ("high", 7)])
    flag(a.other_student, SLIPPING)  # the other homeroom teacher's room


def test_teacher_sees_flagged_students_with_reasons_and_opens_a_care_plan_in_one_tap(
    world, live_server, page_factory, screenshot
):
    a = world.a
    flagged_world(world)
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, a.users["homeroom"].username)

    # The class list: the student's level under the name, the reasons folded under it.
    page.goto(f"{live_server.url}/s/{a.school.code}/classrooms/{a.classroom.pk}/")
    cell = page.locator(".warning-compact .warning-cell")
    assert cell.count() == 1 and cell.get_attribute("data-level") == "high"
    cell.locator("summary").click()
    reasons = cell.locator(".warning-reason")
    assert reasons.first.inner_text().startswith(
        thai("Absent %(days)s days in %(weeks)s weeks", days=6, weeks=4)
    )
    assert no_sideways_scroll(page)
    screenshot(page, "early-warning-class-list-phone")

    # The school's list (the teacher's own classroom only): reasons in view, one tap to the plan.
    page.goto(f"{live_server.url}/s/{a.school.code}/")
    page.click("#early-warning-link")
    page.wait_for_load_state()
    rows = page.locator("#warning-rows .warning-row")
    assert rows.count() == 1
    row = rows.first
    assert row.get_attribute("data-student") == str(a.student.pk)
    assert a.other_student.first_name not in page.content()
    text = row.inner_text()
    assert thai("GPA fell from %(before)s to %(now)s", before="2.80", now="1.90") in text
    assert thai("+%(points)s point", points=3) in text  # +3 คะแนน
    # Reporting the dropout risk is the coordinator's: the page says so; the teacher's step is
    # the care plan.
    assert row.locator(".warning-suggested[data-step=dropout_case]").count() == 1
    assert no_sideways_scroll(page)
    screenshot(page, "early-warning-list-phone")
    row.locator("a.warning-step[data-step=care_plan]").click()  # the single tap
    page.wait_for_load_state()

    # The care plan's form, the problem written from the warning; the teacher adds the goals.
    problem = page.locator("textarea[name=problem]").input_value()
    assert problem.startswith(
        thai("Early warning: %(level)s (score %(score)s)", level=thai("High risk"), score=7)
    )
    assert thai("Absent %(days)s days in %(weeks)s weeks", days=6, weeks=4) in problem
    screenshot(page, "early-warning-care-plan-form-phone")
    page.fill("textarea[name=goals]", "มาเรียนครบทุกวัน ผลการเรียนกลับมาอย่างน้อย 2.50")
    page.fill("textarea[name=actions-0-action]", "โทรหาผู้ปกครองทุกสัปดาห์")
    page.fill("input[name=actions-0-who]", "ครูประจำชั้น")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_load_state()
    with scopes_disabled():
        plan = CarePlan.objects.get(student=a.student)
    assert plan.problem.splitlines() == problem.splitlines()

    # Back on the student's page: the plan is open, so the card suggests the next thing (the
    # home visit); the trend shows the weeks.
    page.goto(f"{live_server.url}/s/{a.school.code}/students/{a.student.pk}/")
    card = page.locator("#warning-card")
    assert card.get_attribute("data-level") == "high"
    assert card.locator("a.warning-step").get_attribute("data-step") == "visit"
    assert card.locator("rect.warning-week").count() == 5
    assert no_sideways_scroll(page)
    screenshot(page, "early-warning-student-card-phone")


def test_the_pages_at_desktop_size_and_the_district_sees_counts_only(
    world, live_server, page_factory, screenshot
):
    a = world.a
    flagged_world(world)
    desktop = page_factory(width=1366, height=900)
    log_in(desktop, live_server.url, a.users["coordinator"].username)
    desktop.goto(f"{live_server.url}/s/{a.school.code}/classrooms/{a.classroom.pk}/")
    desktop.locator(".warning-status summary").first.click()
    screenshot(desktop, "early-warning-class-list-desktop")
    desktop.goto(f"{live_server.url}/s/{a.school.code}/early-warning/")
    assert desktop.locator("#warning-rows .warning-row").count() == 2
    screenshot(desktop, "early-warning-list-desktop")
    desktop.goto(f"{live_server.url}/s/{a.school.code}/students/{a.student.pk}/")
    screenshot(desktop, "early-warning-student-card-desktop")

    # The district: figures per school, no name; its administrator's settings refuse a value
    # out of bounds, in Thai, keeping what was typed.
    flag(a.other_student, FAILING)
    for width, height, size in ((1366, 900, "desktop"), (390, 844, "phone")):
        page = page_factory(width=width, height=height)
        log_in(page, live_server.url, a.users["district_admin"].username)
        page.goto(f"{live_server.url}/d/{a.district.code}/")
        page.click("#district-early-warning")
        page.wait_for_load_state()
        school = page.locator(f"#warning-schools tr[data-school='{a.school.pk}']")
        assert school.locator("[data-figure=high]").inner_text() == "2"
        content = page.content()
        for student in (a.student, a.other_student):
            assert student.first_name not in content and student.last_name not in content
        assert no_sideways_scroll(page)
        screenshot(page, f"early-warning-district-{size}")
        page.click("#warning-settings-link")
        page.wait_for_load_state()
        page.fill("input[name=absent_days]", "15")
        page.click("#warning-settings-save")
        page.wait_for_load_state()
        assert page.locator("input[name=absent_days]").input_value() == "15"
        assert thai("Give a number from %(low)s to %(high)s.", low="2", high="10") in (
            page.locator("#warning-settings-form").inner_text()
        )
        assert no_sideways_scroll(page)
        screenshot(page, f"early-warning-settings-refused-{size}")

    # The network supervisor: the network's schools, figures only.
    network = page_factory(width=390, height=844)
    log_in(network, live_server.url, a.users["network"].username)
    network.goto(f"{live_server.url}/n/{a.network.pk}/")
    network.click("#network-early-warning")
    network.wait_for_load_state()
    assert network.locator("#warning-schools tr.warning-school").count() == 1
    assert a.student.first_name not in network.content()
    screenshot(network, "early-warning-network-phone")


def test_no_serious_or_critical_axe_violation_on_the_early_warning_pages(
    world, live_server, page_factory
):
    from tests.browser.test_accessibility import AXE, BLOCKING, axe_violations

    assert AXE.exists(), "axe-core is not installed: run `make install` (npm ci)"
    a = world.a
    flagged_world(world)
    s = f"/s/{a.school.code}"
    pages = [
        ("homeroom", f"{s}/classrooms/{a.classroom.pk}/"),
        ("homeroom", f"{s}/students/{a.student.pk}/"),
        ("coordinator", f"{s}/early-warning/"),
        ("network", f"/n/{a.network.pk}/early-warning/"),
        ("district_admin", f"/d/{a.district.code}/early-warning/"),
        ("district_admin", f"/d/{a.district.code}/early-warning/settings/"),
    ]
    found = []
    for width, height in ((390, 844), (1366, 900)):
        tabs = {}
        for key, path in pages:
            if key not in tabs:
                tabs[key] = page_factory(width=width, height=height)
                log_in(tabs[key], live_server.url, a.users[key].username)
            page = tabs[key]
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            # The class list's reasons open, as a teacher would look at them.
            for summary in page.locator(".warning-details summary").all():
                if summary.is_visible():
                    summary.click()
            found += [
                f"{path} ({width}px): {v['id']} [{v['impact']}] {v['help']}: {v['nodes'][:3]}"
                for v in axe_violations(page)
                if v["impact"] in BLOCKING
            ]
    assert found == [], "axe-core:\n" + "\n".join(found)
