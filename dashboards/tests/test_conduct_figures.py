"""Attendance and behaviour in the dashboards' figures (dashboards/conduct_figures.py): counted by
hand on a small world (a classroom of three, two school days, a day without school, incidents
of the term and of the other term), equal to the attendance app's own rate, and rolled up."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from attendance import selectors as attendance_selectors
from attendance.models import AttendanceFlag, LeaveKind, SchoolHoliday, Status
from attendance.services import roll_save
from attendance.tests.factories import last_school_day, weekdays_from
from behaviour.models import Kind
from behaviour.tests.factories import CategoryFactory, IncidentFactory
from conftest import make_student
from dashboards import figures, reports, rollups, selectors
from dashboards.models import SchoolFigures
from dashboards.school_conduct import school_conduct
from dashboards.school_selectors import school_dashboard
from dashboards.tests.test_reports import pdf_text
from dashboards.tests.test_school_dashboard import DASHBOARD_QUERIES
from schools.models import Grade
from schools.selectors import term_code
from schools.tests.factories import ClassroomFactory


def teaching_days(term, holiday: datetime.date) -> int:
    """Weekdays of the whole term but the one day without school (counted here, not by the
    attendance app's rules)."""
    n, day = 0, term.start
    while day <= term.end:
        n += day.weekday() < 5 and day != holiday
        day += datetime.timedelta(days=1)
    return n


@pytest.fixture
def small(world, term1, term2):
    """Classroom A's three students in term 1 (a finished term: every teaching day counts).

    Rolls: day 1 s0 absent, s1 sick, s2 late; day 2 s0 absent, s1 on a school activity; day 3 s0
    absent, then made a day without school (not counted). Incidents of term 1: s0 misconduct 20
    and a sensitive one 30 (score 50, under 60), s1 misconduct 25 (75, under 80), s2 a good deed
    and a cancelled misconduct of 50; term 2: the other classroom's student misconduct 10 (not
    this term; 90). Flags: s0 open, s1 closed (both term 1)."""
    a = world.a
    with scopes_disabled():
        s = [a.student] + [make_student(a.school, a.classroom, 8800 + i, i + 2) for i in range(2)]
        day1, day2, day3 = weekdays_from(term1.start + datetime.timedelta(days=14), 3)
        teacher = a.users["homeroom"]
        for day, marks in (
            (day1, {s[0].pk: (Status.ABSENT, ""), s[1].pk: (Status.LEAVE, LeaveKind.SICK)}),
            (day2, {s[0].pk: (Status.ABSENT, ""), s[1].pk: (Status.LEAVE, LeaveKind.ACTIVITY)}),
            (day3, {s[0].pk: (Status.ABSENT, "")}),
        ):
            marks.setdefault(s[2].pk, (Status.LATE if day == day1 else Status.PRESENT, ""))
            roll_save(classroom=a.classroom, day=day, marks=marks, user=teacher)
        SchoolHoliday.objects.create(school=a.school, start=day3, end=day3, name="วันหยุด")
        bad = CategoryFactory(school=a.school, name="ทะเลาะ", points=20)
        sensitive = CategoryFactory(school=a.school, name="ยาเสพติด", points=30, sensitive=True)
        worse = CategoryFactory(school=a.school, name="ขโมย", points=25)
        good = CategoryFactory(school=a.school, name="จิตอาสา", points=5, kind=Kind.GOOD)

        def incident(student, category, term, classroom, **extra):
            return IncidentFactory(
                student=student,
                category=category,
                academic_year=world.year,
                term=term,
                classroom=classroom,
                date=term.start + datetime.timedelta(days=20),
                recorded_by=teacher,
                **extra,
            )

        incident(s[0], bad, term1, a.classroom)
        incident(s[0], sensitive, term1, a.classroom)
        incident(s[1], worse, term1, a.classroom)
        incident(s[2], good, term1, a.classroom)
        cancelled = incident(s[2], CategoryFactory(school=a.school, points=50), term1, a.classroom)
        cancelled.cancelled_at = timezone.now()
        cancelled.save()
        incident(a.other_student, bad, term2, a.other_classroom)
        # The rolls raised s0's flag; the flags of the test instead.
        AttendanceFlag.objects.filter(school=a.school).delete()
        for student, state in ((s[0], "open"), (s[1], "closed")):
            AttendanceFlag.objects.create(
                school=a.school,
                student=student,
                term=term1,
                kind=AttendanceFlag.Kind.STREAK,
                since=day1,
                raised_on=day2,
                value=3,
                state=state,
            )
    return s, day3


def test_the_figures_are_counted_by_hand(world, term1, small):
    s, holiday = small
    with scopes_disabled():
        result = figures.compute(school_ids=[world.a.school.pk], term=term1)[world.a.school.pk]
        rates = attendance_selectors.school_rates(world.a.school, term1)
    room = result.classrooms[world.a.classroom.pk]
    days = teaching_days(term1, holiday)
    assert room["att_days"] == 3 * days
    # Day 1: s0 absent, s1 sick; day 2: s0 absent (s1's school activity counts as attended);
    # day 3 is a day without school.
    assert (room["att_missed"], room["att_absent"], room["att_leave"]) == (3, 2, 1)
    view = figures.View(room)
    assert view.attendance_rate == round(100 * (3 * days - 3) / (3 * days), 1)
    # The attendance app's own rate of the classroom and of the school: the same.
    by_room = {r.classroom.pk: r.rate for r in rates.rooms}
    assert view.attendance_rate == by_room[world.a.classroom.pk]
    assert figures.View(result.total).attendance_rate == rates.rate
    # Behaviour of term 1: three misconducts (one sensitive), one good deed; the cancelled one
    # and term 2's are not counted. Scores of the year: s0 50, s1 75; the other student 90.
    assert (room["beh_bad"], room["beh_sensitive"], room["beh_good"]) == (3, 1, 1)
    assert (room["beh_low"], room["beh_watch"]) == (1, 1)
    other = result.classrooms[world.a.other_classroom.pk]
    assert (other["beh_bad"], other["beh_low"], other["beh_watch"]) == (0, 0, 0)
    assert other["att_missed"] == 0 and other["att_days"] == days
    total = result.total
    assert (total["att_flagged"], total["att_flagged_term"]) == (1, 2)
    assert total["beh_bad"] == 3 and total["beh_low"] == 1
    grade = result.grades[world.a.classroom.grade]
    assert grade["att_days"] == 4 * days and grade["att_missed"] == 3


def test_the_district_reads_them_from_the_rollups(world, term1, small):
    s, _holiday = small
    with scopes_disabled():
        rollups.refresh(school_ids=[world.a.school.pk, world.b.school.pk], term=term1)
        stored = SchoolFigures.objects.get(school=world.a.school, term=term1).counts
        overview = selectors.district_overview(world.a.district, term1)
    assert stored["att_missed"] == 3 and stored["att_flagged"] == 1
    assert overview.total["att_missed"] == 3
    assert overview.total["beh_sensitive"] == 1


# --- the school dashboard ----------------------------------------------------------------------
def dashboard_url(world, term):
    url = reverse("dash_school:dashboard", kwargs={"school_code": world.a.school.code})
    return f"{url}?term={term_code(term)}"


@pytest.mark.usefixtures("english")
def test_the_school_dashboard_shows_attendance_and_behaviour(world, term1, small, login):
    s, _holiday = small
    response = login(world.a.users["director"]).get(dashboard_url(world, term1))
    assert response.status_code == 200
    conduct = response.context["conduct"]
    # The classroom with absences first, then the other one at 100%.
    assert [r.classroom_id for r in conduct.rooms] == [
        world.a.classroom.pk,
        world.a.other_classroom.pk,
    ]
    assert conduct.rooms[1].rate == 100.0
    # The weeks add up to the term's days missed.
    assert sum(w.absent for w in conduct.weeks) == 2 and sum(w.leave for w in conduct.weeks) == 1
    html = response.content.decode()
    assert reverse("attendance:flags", kwargs={"school_code": world.a.school.code}) in html
    assert f"{conduct.rooms[0].rate:.1f}%" in html
    assert 'class="col"' in html  # the weekly chart
    # The director sees the sensitive category, counted and marked, never detailed.
    assert conduct.see_sensitive and conduct.bad == 3
    names = [name for name, _kind, _sensitive, _n in conduct.categories]
    assert names == ["ขโมย", "ทะเลาะ", "ยาเสพติด", "จิตอาสา"]
    assert "data-sensitive" in html
    # Names of students never appear in the section.
    section = html[html.index('id="attendance"') : html.index("behaviour-categories")]
    for student in s:
        assert student.first_name not in section


def test_without_the_sensitive_permission_the_sensitive_incidents_are_left_out(world, term1, small):
    with scopes_disabled():
        dash = school_dashboard(school=world.a.school, term=term1)
        conduct = school_conduct(school=world.a.school, term=term1, dash=dash, see_sensitive=False)
    assert conduct.bad == 2
    assert "ยาเสพติด" not in [name for name, *_rest in conduct.categories]


def _grow(world, n: int, rooms: int):
    """``n`` students in ``rooms`` more classrooms, a roll of each classroom on the last school
    day with its first student absent, and an incident per student."""
    with scopes_disabled():
        day = last_school_day(world.year)
        category = CategoryFactory(school=world.a.school, points=50)
        classrooms = [
            ClassroomFactory(school=world.a.school, grade=Grade.P6, room=r)
            for r in range(1, rooms + 1)
        ]
        students = [
            make_student(world.a.school, classrooms[i % rooms], 40000 + i, i + 1) for i in range(n)
        ]
        for room in classrooms:
            enrolled = [st for st in students if st.enrolments.get().classroom_id == room.pk]
            roll_save(
                classroom=room,
                day=day,
                marks={enrolled[0].pk: (Status.ABSENT, "")},
                user=world.a.users["coordinator"],
            )
        for student in students:
            IncidentFactory(student=student, category=category, academic_year=world.year)


@pytest.mark.parametrize(("n", "rooms"), [(3, 2), (30, 6)])
def test_the_dashboard_queries_do_not_grow_with_students_or_classrooms(
    world, term, login, n, rooms, django_assert_num_queries
):
    _grow(world, n, rooms)
    client = login(world.a.users["director"])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(dashboard_url(world, term))
    assert response.context["conduct"].total["att_missed"] == rooms
    assert response.context["conduct"].total["beh_low"] == n


# --- the reports -------------------------------------------------------------------------------
@pytest.mark.usefixtures("english")
def test_the_school_report_has_attendance_and_behaviour_per_classroom(world, term1, small):
    s, holiday = small
    with translation.override("en"), scopes_disabled():
        context = reports.school_report_context(school=world.a.school, term=term1)
        content = reports.school_report_pdf(school=world.a.school, term=term1)
    conduct = context["conduct"]
    days = teaching_days(term1, holiday)
    rate = f"{100 * (3 * days - 3) / (3 * days):.1f}"
    assert conduct["rows"][0]["label"] == "P.4/1" and conduct["rows"][0]["cells"][:2] == [rate, "3"]
    assert dict(conduct["groups"])["Sensitive (drugs, sexual behaviour, violence)"] == "1"
    assert conduct["weeks_chart"]
    flat = " ".join(pdf_text(content).split())
    assert "Attendance and behaviour per classroom" in flat
    assert "3 misconduct incidents (1 in sensitive categories" in flat
    assert "1 students under 60" in flat
    for student in s:
        assert student.first_name not in flat


def test_the_district_report_has_a_rate_per_school_and_no_names(world, term1, small):
    s, holiday = small
    with translation.override("en"), scopes_disabled():
        content = reports.district_report_pdf(district=world.a.district, term=term1)
        book = openpyxl.load_workbook(
            io.BytesIO(reports.district_report_xlsx(district=world.a.district, term=term1))
        )
    flat = " ".join(pdf_text(content).split())
    assert "Attendance and behaviour per school" in flat
    days = teaching_days(term1, holiday)
    # School A: 4 students (3 in A's classroom, 1 in the other).
    assert f"{100 * (4 * days - 3) / (4 * days):.1f}" in flat
    for student in s:
        assert student.first_name not in flat
    schools = book.worksheets[1]
    header = [c.value for c in schools[1]]
    row = dict(zip(header, next(schools.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["Days missed"] == 3 and row["Students flagged (open)"] == 1
    assert row["Misconduct incidents"] == 3 and row["of which sensitive"] == 1
    assert row["Conduct score under 60"] == 1
    # A share of one decimal, as a fraction (shown as a percent by the cell's format).
    share = round(100 * (4 * days - 3) / (4 * days), 1)
    assert row["Attendance rate (%)"] == pytest.approx(share / 100)


@pytest.mark.usefixtures("english")
def test_the_district_table_has_attendance_and_behaviour_and_no_names(world, term1, small, login):
    s, holiday = small
    with scopes_disabled():
        rollups.refresh(school_ids=[world.a.school.pk], term=term1)
    client = login(world.a.users["district_supervisor"])
    url = f"/d/{world.a.district.code}/dashboard/?show=conduct&sort=attendance_rate&dir=asc"
    response = client.get(f"{url}&term={term_code(term1)}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Attendance rate" in html and "Misconduct incidents" in html
    days = teaching_days(term1, holiday)
    assert f"{100 * (4 * days - 3) / (4 * days):.1f}%" in html
    for student in s:
        assert student.first_name not in html and student.last_name not in html
