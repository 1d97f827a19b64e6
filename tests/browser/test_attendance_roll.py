"""A homeroom teacher takes the roll of a 40-student classroom on a phone (390x844): everyone is
present by default, a tap marks a student absent or late, a tap on "on leave" (sick preselected)
or a second tap for personal leave, and one save. The taps and the time are printed (-s) and
bounded; the saved roll is what was tapped. Another teacher's classroom is not found."""

import datetime
import time

import pytest
from django_scopes import scopes_disabled

from attendance.models import Mark
from attendance.tests.factories import fill_classroom, last_school_day
from tests.browser.helpers import log_in, thai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_takes_the_roll_of_forty_on_a_phone(world, live_server, page_factory, screenshot):
    a = world.a
    students = fill_classroom(a, 39)
    day = last_school_day(world.year)
    base = live_server.url
    roll_url = (
        f"{base}/s/{a.school.code}/attendance/classrooms/{a.classroom.pk}/roll/"
        f"?date={day.isoformat()}"
    )
    page = page_factory(width=390, height=844, locale="th-TH")
    log_in(page, base, a.users["homeroom"].username)

    taps = 0

    def tap(selector):
        nonlocal taps
        page.locator(selector).click()
        taps += 1

    started = time.monotonic()
    page.goto(roll_url)
    assert page.locator(".roll-row").count() == 40
    assert thai("Not taken yet: everyone is present until you tap a student.") in page.inner_text(
        "#roll-state"
    )
    # The save button stays on screen (sticky) while the list scrolls.
    box = page.locator("#roll-save").bounding_box()
    assert box and box["y"] + box["height"] <= 844
    for s in students[3:6]:
        tap(f"label[for=s{s.pk}-absent]")
    tap(f"label[for=s{students[10].pk}-late]")
    tap(f"label[for=s{students[20].pk}-leave]")  # sick leave is preselected
    tap(f"label[for=s{students[30].pk}-leave]")
    assert page.locator(f"#k{students[30].pk}-personal").is_hidden() is False
    tap(f"label[for=k{students[30].pk}-personal]")
    # A kind of leave shows only under a student on leave.
    assert page.locator(f"label[for=k{students[31].pk}-sick]").is_hidden()
    screenshot(page, "attendance-roll-phone-before-save")
    tap("#roll-save")
    page.wait_for_load_state()
    elapsed = time.monotonic() - started
    assert thai("Save the changes") in page.inner_text("#roll-save")
    message = page.locator(".alert-success").inner_text()
    assert "3" in message
    screenshot(page, "attendance-roll-phone-saved")
    print(f"\nRoll call of 40 students: {taps} taps, {elapsed:.2f} s in the browser")
    assert taps == 8
    assert elapsed < 10

    with scopes_disabled():
        saved = {m.student_id: (m.status, m.leave_kind) for m in Mark.objects.all()}
    assert len(saved) == 40
    assert [saved[s.pk][0] for s in students[3:6]] == ["absent"] * 3
    assert saved[students[10].pk] == ("late", "")
    assert saved[students[20].pk] == ("leave", "sick")
    assert saved[students[30].pk] == ("leave", "personal")
    assert sum(1 for status, _kind in saved.values() if status == "present") == 34

    # The other homeroom teacher does not find this classroom's roll.
    other = page_factory(width=390, height=844)
    log_in(other, base, a.users["homeroom_other"].username)
    response = other.goto(roll_url)
    assert response.status == 404


def test_coordinator_opens_a_dropout_case_from_a_flag_on_a_phone(
    world, live_server, page_factory, screenshot
):
    """Three absent school days in a row flag the student; the coordinator sees the flag and
    opens the dropout-risk report with the flag's words; the month shows the three days."""
    from attendance.services import roll_save
    from attendance.tests.factories import weekdays_from
    from schools.selectors import current_term

    a = world.a
    fill_classroom(a, 9)
    day = last_school_day(world.year)
    with scopes_disabled():
        term = current_term()
        days = [d for d in weekdays_from(day - datetime.timedelta(days=6), 5) if d <= day][-3:]
        if len(days) < 3 or days[0] < term.start:
            pytest.skip("Fewer than three school days of this term so far.")
        for d in days:
            roll_save(
                classroom=a.classroom,
                day=d,
                marks={a.student.pk: ("absent", "")},
                user=a.users["homeroom"],
            )
    base = live_server.url
    page = page_factory(width=390, height=844, locale="th-TH")
    log_in(page, base, a.users["coordinator"].username)
    page.goto(f"{base}/s/{a.school.code}/attendance/flags/")
    row = page.locator(f".flag-row[data-student='{a.student.pk}']")
    assert "ขาดเรียนติดต่อกัน 3 วันเรียน" in row.inner_text()
    screenshot(page, "attendance-flags-phone")
    row.locator("a.open-case").click()
    page.wait_for_load_state()
    description = page.locator("textarea[name=description]").input_value()
    assert description.startswith("ขาดเรียนติดต่อกัน 3 วันเรียน")
    screenshot(page, "attendance-flag-to-dropout-report-phone")
    page.goto(
        f"{base}/s/{a.school.code}/attendance/classrooms/{a.classroom.pk}/month/?month={day:%Y-%m}"
    )
    assert page.locator("#month-grid td.cell-absent").count() >= 1
    screenshot(page, "attendance-month-phone")
    page.goto(f"{base}/s/{a.school.code}/attendance/students/{a.student.pk}/")
    assert page.locator(".attendance-flag").count() == 1
    screenshot(page, "attendance-student-phone")
