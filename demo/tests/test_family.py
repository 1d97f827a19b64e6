"""Issue 20 in the demo: parent1 with two children at two schools, student1 in teacher1's room
of 40, the term's rolls with one open flag, behaviour incidents, and what waits in the portal."""

import datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from attendance.models import AttendanceFlag, Mark, Roll, SchoolHoliday
from attendance.rules import streak_ending
from behaviour.models import Correction, Incident
from carecore.models import Notification, NotificationPreference, User
from demo.world import DEFAULT_PASSWORD, demo_build
from portal.models import ConsentRequest, HelpRequest, MessageThread
from schools.models import Classroom
from students.access import children_for_user, own_student_for_user
from visits.models import VisitAppointment

TODAY = datetime.date(2025, 11, 20)  # a Thursday of term 2 of 2568


@pytest.fixture
def demo(db):
    with scopes_disabled():
        return demo_build(schools=3, students=600, today=TODAY)


@pytest.mark.django_db
def test_parent1_has_two_children_at_two_schools_and_student1_is_in_teacher1s_room(demo):
    with scopes_disabled():
        room = Classroom.objects.get(assignments__teacher__username="teacher1")
        assert room.enrolments.count() == 40
        parent1 = User.objects.get(username="parent1")
        children = list(children_for_user(parent1))
        assert len(children) == 2
        assert len({c.school_id for c in children}) == 2
        assert room.enrolments.filter(student__in=children).count() == 1
        assert children[0].last_name == children[1].last_name  # siblings
        student = own_student_for_user(User.objects.get(username="student1"))
        assert room.enrolments.filter(student=student).exists()
        assert student not in children
        assert not parent1.memberships.exists()
        assert NotificationPreference.objects.filter(user=parent1, channel="email").exists()
    assert "parent1" in demo.accounts and "student1" in demo.accounts


@pytest.mark.django_db
def test_the_term_so_far_has_rolls_mostly_present_and_one_open_streak_flag(demo):
    with scopes_disabled():
        room = Classroom.objects.get(assignments__teacher__username="teacher1")
        days = sorted(Roll.objects.filter(classroom=room).values_list("date", flat=True))
        assert days[0] == datetime.date(2025, 11, 3) and days[-1] == TODAY - datetime.timedelta(1)
        assert not Roll.objects.filter(date=TODAY).exists()  # today's roll is teacher1's
        assert all(d.weekday() < 5 for d in days)
        # Every classroom of every school has every day's roll, one mark per student.
        rolls = Roll.objects.count()
        assert (
            rolls
            == len(days) * Classroom.objects.filter(enrolments__isnull=False).distinct().count()
        )
        marks = Mark.objects.count()
        present = Mark.objects.filter(status__in=["present", "late"]).count()
        assert 0.9 < present / marks < 0.99
        assert Mark.objects.filter(status="leave", leave_kind="sick").exists()
        assert SchoolHoliday.objects.filter(name="วันพ่อแห่งชาติ").count() == 3
        flag = AttendanceFlag.objects.get()
        assert flag.state == "open" and flag.kind == "streak" and flag.value == 3
        assert room.enrolments.filter(student=flag.student).exists()
        statuses = dict(Mark.objects.filter(student=flag.student).values_list("date", "status"))
        assert streak_ending(days, statuses, days[-1]) == (3, flag.since)
        coordinator = User.objects.get(username="coordinator1")
        assert Notification.objects.filter(user=coordinator, kind="attendance_flag").exists()
        # No other run of three absences in the room that the nightly check would flag.
        room_marks: dict[int, dict] = {}
        for student_id, day, status in Mark.objects.filter(
            student__enrolments__classroom=room
        ).values_list("student_id", "date", "status"):
            room_marks.setdefault(student_id, {})[day] = status
        assert len(room_marks) == 40
        assert all(
            streak_ending(days, marks, days[-1])[0] < 3
            for s, marks in room_marks.items()
            if s != flag.student_id
        )


@pytest.mark.django_db
def test_behaviour_and_the_portal_items_wait(demo):
    with scopes_disabled():
        parent1 = User.objects.get(username="parent1")
        child = (
            Classroom.objects.get(assignments__teacher__username="teacher1")
            .enrolments.get(student__in=children_for_user(parent1))
            .student
        )
        assert Incident.objects.filter(kind="bad").count() > 20
        assert Incident.objects.filter(kind="good").exists()
        assert Incident.objects.filter(
            category__sensitive=True, classroom__assignments__teacher__username="teacher1"
        ).exists()
        assert Correction.objects.exists()
        notices = Incident.objects.filter(student=child, parent_told_at__isnull=False)
        assert {i.kind for i in notices} == {"good", "bad"}
        assert Mark.objects.filter(student=child, status="absent").exists()
        assert VisitAppointment.objects.get(student=child).status == "proposed"
        assert ConsentRequest.objects.get(student=child).status == "waiting"
        thread = MessageThread.objects.get(student=child, parent=parent1)
        assert thread.messages.count() == 3
        assert thread.parent_read_at < thread.last_message_at  # the teacher's newest is unread
        student1 = own_student_for_user(User.objects.get(username="student1"))
        assert not HelpRequest.objects.filter(student=student1).exists()
        help_request = HelpRequest.objects.get()
        assert help_request.school == child.school and help_request.status == "open"
        kinds = set(Notification.objects.filter(user=parent1).values_list("kind", flat=True))
        assert {
            "family_behaviour",
            "family_appointment",
            "family_consent",
            "family_message",
        } <= kinds


@pytest.mark.django_db
def test_parent1_sees_both_children_and_what_waits(client):
    with scopes_disabled():
        demo_build(schools=3, students=600)
    assert client.login(username="parent1", password=DEFAULT_PASSWORD)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    with scopes_disabled():
        children = list(children_for_user(User.objects.get(username="parent1")))
    for child in children:
        assert child.first_name in home.content.decode()
    with scopes_disabled():
        waiting = VisitAppointment.objects.get(student__in=children).student
    page = client.get(reverse("portal:child", kwargs={"student_id": waiting.pk})).content.decode()
    assert "16:30" in page  # the visit proposed, waiting for an answer
    assert "การส่งข้อมูลให้หน่วยงานภายนอก" in page  # the consent asked
    assert client.login(username="student1", password=DEFAULT_PASSWORD)
    assert client.get(reverse("portal:my_record")).status_code == 200
