"""The roll's writes, its history, the flags and who is told; the rates and the selectors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from attendance import selectors, services
from attendance.models import (
    AttendanceFlag,
    AttendanceSettings,
    MarkChange,
    SchoolHoliday,
    Status,
)
from attendance.tests.factories import fill_classroom, weekdays_from
from carecore.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_scope():
    with scopes_disabled():
        yield


def take(side, day, marks=None, user=None):
    return services.roll_save(
        classroom=side.classroom,
        day=day,
        marks=marks or {},
        user=user or side.users["homeroom"],
    )


def test_a_correction_keeps_its_history(world, term1, no_scope):
    a = world.a
    day = weekdays_from(term1.start, 1)[0]
    take(a, day, {a.student.pk: (Status.ABSENT, "")})
    saved = take(a, day, {a.student.pk: (Status.LEAVE, "sick")}, user=a.users["coordinator"])
    assert saved.changed == 1 and not saved.created
    change = MarkChange.objects.get()
    assert (change.old_status, change.new_status, change.new_leave_kind) == (
        "absent",
        "leave",
        "sick",
    )
    assert change.changed_by == a.users["coordinator"]
    # Saving the same roll again changes nothing and writes no history.
    take(a, day, {a.student.pk: (Status.LEAVE, "sick")})
    assert MarkChange.objects.count() == 1


def test_three_absent_days_over_a_weekend_and_a_holiday_raise_one_flag(world, term1, no_scope):
    a = world.a
    days = weekdays_from(term1.start + datetime.timedelta(days=7), 4)
    # The second of four weekdays is a day without school: absent on 1, 3, 4 is a run of three.
    SchoolHoliday.objects.create(school=a.school, start=days[1], end=days[1], name="วันพืชมงคล")
    for day in (days[0], days[2]):
        assert take(a, day, {a.student.pk: (Status.ABSENT, "")}).flags == []
    saved = take(a, days[3], {a.student.pk: (Status.ABSENT, "")})
    assert [(f.kind, f.value, f.since) for f in saved.flags] == [("streak", 3, days[0])]
    # The homeroom teacher and the coordinator are told, content-free; nobody else.
    told = Notification.objects.filter(kind=Notification.Kind.ATTENDANCE_FLAG)
    assert {n.user for n in told} == {a.users["homeroom"], a.users["coordinator"]}
    assert a.student.first_name not in " ".join(n.url + n.place for n in told)
    # Saving the roll again, or the nightly task, does not flag the same run twice.
    take(a, days[3], {a.student.pk: (Status.ABSENT, "")})
    services.flags_check(school=a.school, student_ids=[a.student.pk], upto=days[3])
    assert AttendanceFlag.objects.count() == 1
    assert told.count() == 2


def test_leave_does_not_make_a_run_but_counts_as_class_time_missed(world, term1, no_scope):
    a = world.a
    days = weekdays_from(term1.start, 12)
    for day in days[:3]:
        take(a, day, {a.student.pk: (Status.LEAVE, "sick")})
    assert not AttendanceFlag.objects.filter(kind="streak").exists()
    summary = selectors.student_attendance_summary(a.student, term1, today=days[2])
    assert (summary.teaching_days, summary.sick, summary.rate) == (3, 3, 0.0)
    # The rate flag waits for ten school days: on the tenth, 7 of 10 attended is 70%.
    for day in days[3:12]:
        take(a, day)
    flags = AttendanceFlag.objects.filter(kind="rate")
    assert [(f.value, f.raised_on) for f in flags] == [(70, days[9])]


def test_the_school_setting_changes_the_run(world, term1, no_scope):
    a = world.a
    services.settings_save(
        school=a.school,
        data={
            "absent_streak_days": 2,
            "threshold": 80,
            "period_attendance": False,
            "periods_per_day": 8,
        },
        user=a.users["coordinator"],
    )
    days = weekdays_from(term1.start, 2)
    take(a, days[0], {a.student.pk: (Status.ABSENT, "")})
    assert take(a, days[1], {a.student.pk: (Status.ABSENT, "")}).flags


def test_the_parent_is_told_once_content_free(world, term1, no_scope):
    """The parent linked to the child (the family accounts) gets one notification for the
    flag, not one per absent day; the other side's parent nothing."""
    a = world.a
    for day in weekdays_from(term1.start, 4):
        take(a, day, {a.student.pk: (Status.ABSENT, "")})
    told = Notification.objects.filter(kind=Notification.Kind.FAMILY_ABSENCE)
    assert [n.user for n in told] == [a.users["parent"]]
    assert a.student.first_name not in told[0].url + told[0].place
    assert told[0].url == f"/family/children/{a.student.pk}/attendance/"


def test_the_roll_of_forty_is_a_fixed_number_of_queries(world, term1, no_scope):
    a = world.a
    students = fill_classroom(a, 39)
    day = weekdays_from(term1.start, 1)[0]
    marks = {s.pk: (Status.ABSENT, "") for s in students[:3]}
    with CaptureQueriesContext(connection) as first:
        take(a, day, marks)
    assert len(first) <= 22, [q["sql"][:80] for q in first]
    marks[students[5].pk] = (Status.LATE, "")
    with CaptureQueriesContext(connection) as again:
        saved = take(a, day, marks)
    assert saved.changed == 1
    assert len(again) <= 22, [q["sql"][:80] for q in again]


def test_rates_of_the_classrooms_and_the_school(world, term1, no_scope):
    a = world.a
    days = weekdays_from(term1.start, 5)
    for day in days:
        take(a, day, {a.student.pk: (Status.ABSENT, "")} if day == days[0] else {})
    with CaptureQueriesContext(connection) as queries:
        rates = selectors.school_rates(a.school, term1, today=days[-1])
    assert len(queries) <= 4
    room = next(r for r in rates.rooms if r.classroom == a.classroom)
    assert (room.students, room.days, room.missed, room.rate) == (1, 5, 1, 80.0)
    other = next(r for r in rates.rooms if r.classroom == a.other_classroom)
    assert other.rate == 100.0  # no roll: present by default
    assert rates.rate == 90.0
    assert selectors.classroom_rate(a.classroom, term1, today=days[-1]) == 80.0
    absences = selectors.student_absences(a.student, term1.start)
    assert [(m.date, m.status) for m in absences] == [(days[0], "absent")]


def test_the_nightly_task_raises_what_a_changed_rule_makes_due(world, term1, no_scope):
    a = world.a
    AttendanceSettings.objects.create(school=a.school, absent_streak_days=5)
    days = weekdays_from(term1.start, 3)
    for day in days:
        take(a, day, {a.student.pk: (Status.ABSENT, "")})
    assert not AttendanceFlag.objects.exists()
    AttendanceSettings.objects.filter(school=a.school).update(absent_streak_days=3)
    assert services.flags_nightly(today=days[-1]) == 1
    assert services.flags_nightly(today=days[-1]) == 0


def test_three_absent_days_reach_the_parents_line_as_one_content_free_message(
    world, term1, no_scope, fake_line, django_capture_on_commit_callbacks
):
    """The issue's path end to end: the roll of three school days in a row, the flag, and the
    parent (linked to the school's Official Account) gets one LINE push that names nothing."""
    from carecore.models import NotificationPreference
    from carecore.tests.factories import LineAccountFactory

    a = world.a
    parent = a.users["parent"]
    account = LineAccountFactory(owner=f"school:{a.school.pk}")
    NotificationPreference.objects.create(
        user=parent, channel="line", line_account=account, line_user_id="U" + "b" * 32
    )
    days = weekdays_from(term1.start, 3)
    with django_capture_on_commit_callbacks(execute=True):
        for day in days[:2]:
            take(a, day, {a.student.pk: (Status.ABSENT, "")})
    assert not AttendanceFlag.objects.exists() and not fake_line.to("/v2/bot/message/push")
    with django_capture_on_commit_callbacks(execute=True):
        saved = take(a, days[2], {a.student.pk: (Status.ABSENT, "")})
    assert saved.flags
    (push,) = fake_line.to("/v2/bot/message/push")
    body = push.json()
    assert body["to"] == "U" + "b" * 32
    (message,) = body["messages"]
    assert message["text"].startswith("มีข้อความใหม่จากโรงเรียน")
    assert (
        a.student.first_name not in message["text"] and a.student.last_name not in message["text"]
    )
