"""The pages: the roll taken and corrected in one POST, another teacher's classroom, the
period roll, the month, a student's page, the flags, the calendar; query counts pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from attendance.models import AttendanceFlag, AttendanceSettings, Mark, MarkChange, Roll
from attendance.tests.factories import fill_classroom
from conftest import th

pytestmark = pytest.mark.django_db


def roll_url(side, classroom=None):
    classroom = classroom or side.classroom
    return f"/s/{side.school.code}/attendance/classrooms/{classroom.pk}/roll/"


def test_the_homeroom_teacher_takes_and_corrects_the_roll_in_one_post(world, login, school_day):
    a = world.a
    students = fill_classroom(a, 39)
    client = login(a.users["homeroom"])
    url = roll_url(a) + f"?date={school_day.isoformat()}"
    with CaptureQueriesContext(connection) as shown:
        page = client.get(url)
    assert page.status_code == 200
    assert len(shown) <= 30, len(shown)
    html = page.content.decode()
    assert html.count('type="radio"') == 40 * 7  # four statuses and three kinds of leave each
    data = {
        "date": school_day.isoformat(),
        f"s{students[0].pk}": "absent",
        f"s{students[1].pk}": "late",
        f"s{students[2].pk}": "leave",
        f"k{students[2].pk}": "personal",
    }
    with CaptureQueriesContext(connection) as saved:
        response = client.post(url, data)
    assert response.status_code == 302
    assert len(saved) <= 40, len(saved)
    with scopes_disabled():
        marks = {m.student_id: (m.status, m.leave_kind) for m in Mark.objects.all()}
    assert len(marks) == 40
    assert marks[students[2].pk] == ("leave", "personal")
    assert marks[a.student.pk] == ("present", "")
    page = client.get(response["Location"])
    assert th("Save the changes") in page.content.decode()
    # A correction the next day: the history shows who changed what on the student's page.
    data[f"s{students[0].pk}"] = "present"
    client.post(url, data)
    with scopes_disabled():
        assert MarkChange.objects.get().old_status == "absent"
    page = client.get(f"/s/{a.school.code}/attendance/students/{students[0].pk}/")
    assert 'id="corrections"' in page.content.decode()


def test_an_unreadable_answer_loses_nothing(world, login, school_day):
    a = world.a
    client = login(a.users["homeroom"])
    url = roll_url(a)
    response = client.post(
        url, {"date": school_day.isoformat(), f"s{a.student.pk}": "leave", f"k{a.student.pk}": "x"}
    )
    assert response.status_code == 200
    assert "roll-bad" in response.content.decode()
    with scopes_disabled():
        assert not Roll.objects.exists()


def test_another_teachers_classroom_is_not_found_and_the_coordinator_takes_any(world, login):
    a = world.a
    assert login(a.users["homeroom_other"]).get(roll_url(a)).status_code == 404
    assert login(a.users["homeroom"]).get(roll_url(a, a.other_classroom)).status_code == 404
    assert login(a.users["coordinator"]).get(roll_url(a, a.other_classroom)).status_code == 200
    assert login(a.users["director"]).get(roll_url(a)).status_code == 403
    assert login(world.b.users["coordinator"]).get(roll_url(a)).status_code == 404


def test_a_future_day_or_junk_shows_today(world, login):
    client = login(world.a.users["homeroom"])
    for junk in ("2999-01-01", "31/02/2569", "x"):
        assert client.get(roll_url(world.a) + f"?date={junk}").status_code == 200


def test_the_period_roll_once_the_school_switches_it_on(world, login, school_day):
    a = world.a
    url = f"/s/{a.school.code}/attendance/classrooms/{a.other_classroom.pk}/periods/"
    client = login(a.users["homeroom"])  # teaches a subject in the other room
    assert client.get(url).status_code == 404
    with scopes_disabled():
        AttendanceSettings.objects.create(school=a.school, period_attendance=True)
    assert client.get(url).status_code == 200
    query = f"?date={school_day.isoformat()}&period=3&subject=คณิตศาสตร์"
    response = client.post(
        url + query,
        {"date": school_day.isoformat(), "period": 3, "subject": "คณิตศาสตร์",
         f"s{a.other_student.pk}": "absent"},
    )  # fmt: skip
    assert response.status_code == 302
    assert "คณิตศาสตร์" in client.get(response["Location"]).content.decode()
    with scopes_disabled():
        roll = Roll.objects.get()
        assert (roll.period, roll.subject, roll.marks.get().status) == (3, "คณิตศาสตร์", "absent")
        # A period's absence is no school day missed: no flag, no daily rate.
        assert not AttendanceFlag.objects.exists()


def test_month_student_flags_and_calendar_pages(world, login, school_day):
    a = world.a
    fill_classroom(a, 20)
    coordinator = login(a.users["coordinator"])
    coordinator.post(roll_url(a), {"date": school_day.isoformat(), f"s{a.student.pk}": "absent"})
    base = f"/s/{a.school.code}/attendance/"
    month = f"{base}classrooms/{a.classroom.pk}/month/?month={school_day:%Y-%m}"
    with CaptureQueriesContext(connection) as queries:
        page = coordinator.get(month)
    assert page.status_code == 200 and "cell-absent" in page.content.decode()
    assert len(queries) <= 25, len(queries)
    page = coordinator.get(f"{base}students/{a.student.pk}/")
    assert 'id="attendance-rate"' in page.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert coordinator.get(base).status_code == 200
    assert len(queries) <= 25, len(queries)
    # The calendar: a day without school is added; a bad range keeps what was typed.
    response = coordinator.post(
        f"{base}calendar/",
        {"form": "holiday", "name": "วันหยุด", "start": "10/01/2570", "end": "01/01/2570"},
    )
    assert response.status_code == 200 and "วันหยุด" in response.content.decode()
    response = coordinator.post(
        f"{base}calendar/", {"form": "holiday", "name": "วันหยุด", "start": "10/01/2570"}
    )
    assert response.status_code == 302
    response = coordinator.post(
        f"{base}calendar/",
        {"form": "settings", "absent_streak_days": "0", "threshold": "80", "periods_per_day": 8},
    )
    assert response.status_code == 200
    # The flags list opens a dropout-risk report prefilled for the student.
    with scopes_disabled():
        from schools.selectors import current_term

        AttendanceFlag.objects.create(
            school=a.school, student=a.student, term=current_term(), kind="streak",
            since=school_day, raised_on=school_day, value=3,
        )  # fmt: skip
    page = coordinator.get(f"{base}flags/").content.decode()
    report = f"/s/{a.school.code}/cases/report/{a.student.pk}/?reason=attendance"
    assert report in page
    # The report form opens with the flag's words in its description.
    form = coordinator.get(report).content.decode()
    assert (
        th("Absent %(n)s school days in a row since %(since)s.", n=3, since="").split("ตั้งแต่")[0]
        in form
    )
    assert (
        login(a.users["homeroom_other"]).get(f"{base}flags/").content.decode().count("flag-row")
        == 0
    )
