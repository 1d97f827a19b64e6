"""The portal's content (docs/portal.md, "Content"): what a parent sees of their child and does
(appointment, consent, messages, forms), what a student sees and asks in confidence, and what the
school's staff see of it. The world's side A: ``parent`` is the parent of ``student`` (whose
account is ``users["student"]``), ``homeroom`` teaches them, ``homeroom_other`` another room."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from behaviour.tests.factories import CategoryFactory
from carecore.models import AuditEvent, Notification
from conftest import th
from portal.models import ConsentRequest, HelpRequest, MessageThread
from portal.tests.helpers import absence_and_notice
from students.consent_models import GuardianConsent
from visits.models import VisitAppointment

pytestmark = pytest.mark.django_db


def _staff(world, key: str) -> str:
    return f"/s/{world.a.school.code}/family/"


def _child(world, side=None) -> str:
    side = side or world.a
    return f"/family/children/{side.student.pk}/"


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def _as(client, user):
    client.force_login(user)
    return client


def _no_child_name(world, user):
    """Nothing outside the portal's pages names the child: the notifications' texts and links,
    and any e-mail sent."""
    name = world.a.student.first_name
    for n in Notification.objects.filter(user=user):
        assert name not in str(n.get_kind_display()) and name not in n.url and name not in n.place
    for message in mail.outbox:
        if user.email in message.to:
            assert name not in message.subject and name not in message.body


# --- the parent's child page -------------------------------------------------------------------
class TestChildPage:
    def test_an_absence_shows_at_once_and_a_behaviour_notice(self, world, client):
        a = world.a
        absence_and_notice(world, "มาสาย")
        page = _as(client, a.users["parent"]).get(_child(world)).content.decode()
        assert th("Absent") in page
        assert "มาสาย" in page and "95" in page  # the notice and 100 − 5 points
        assert a.student.full_name in page

    def test_sensitive_incidents_and_teacher_notes_never_show(self, world, client):
        a = world.a
        with scopes_disabled():
            from behaviour.services import incident_record

            sensitive = CategoryFactory(school=a.school, name="ยาเสพติด", sensitive=True)
            incident_record(
                student=a.student,
                category=sensitive,
                date=timezone.localdate(),
                description="บันทึกลับของครู",
                user=a.users["counsellor"],
            )
        page = _as(client, a.users["parent"]).get(_child(world) + "behaviour/").content.decode()
        assert "ยาเสพติด" not in page and "บันทึกลับของครู" not in page

    def test_another_child_and_staff_pages_are_not_found(self, world, client):
        parent = _as(client, world.a.users["parent"])
        assert parent.get(f"/family/children/{world.a.other_student.pk}/").status_code == 404
        assert parent.get(_child(world, world.b)).status_code == 404
        assert (
            parent.get(f"/family/children/{world.a.other_student.pk}/messages/").status_code == 404
        )
        assert parent.get(_staff(world, "") + "messages/").status_code == 404
        assert (
            parent.get(f"/s/{world.a.school.code}/students/{world.a.student.pk}/").status_code
            == 404
        )
        # A student is not a parent; staff are neither.
        assert _as(client, world.a.users["student"]).get(_child(world)).status_code == 404
        assert _as(client, world.a.users["homeroom"]).get(_child(world)).status_code == 404


# --- the home-visit appointment ----------------------------------------------------------------
class TestAppointment:
    def _propose(self, world, client, day):
        url = _staff(world, "") + f"students/{world.a.student.pk}/appointments/"
        return _as(client, world.a.users["homeroom"]).post(
            url,
            {
                "date": f"{day.day:02d}/{day.month:02d}/{day.year + 543}",
                "time": "16:30",
                "note": "ไปกับครูพละ",
            },
        )

    def test_teacher_proposes_parent_confirms_teacher_sees(self, world, client):
        a = world.a
        day = timezone.localdate() + datetime.timedelta(days=3)
        assert self._propose(world, client, day).status_code == 302
        with scopes_disabled():
            appointment = VisitAppointment.objects.get(student=a.student)
        assert appointment.time == datetime.time(16, 30)
        assert Notification.Kind.FAMILY_APPOINTMENT in _kinds(a.users["parent"])
        parent = _as(client, a.users["parent"])
        assert th("Confirm or suggest another day") in parent.get(_child(world)).content.decode()
        url = _child(world) + f"appointments/{appointment.pk}/"
        assert parent.post(url, {"confirm": "1"}).status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == "confirmed" and appointment.answered_by == a.users["parent"]
        assert Notification.Kind.APPOINTMENT_ANSWERED in _kinds(a.users["homeroom"])
        page = _as(client, a.users["homeroom"]).get(
            _staff(world, "") + f"students/{a.student.pk}/appointments/"
        )
        assert th("Confirmed by the family") in page.content.decode()
        _no_child_name(world, a.users["parent"])

    def test_parent_suggests_another_day_with_a_note(self, world, client):
        a = world.a
        day = timezone.localdate() + datetime.timedelta(days=2)
        self._propose(world, client, day)
        with scopes_disabled():
            appointment = VisitAppointment.objects.get(student=a.student)
        parent = _as(client, a.users["parent"])
        url = _child(world) + f"appointments/{appointment.pk}/"
        # No day: refused with a message, the note kept.
        response = parent.post(url, {"another": "1", "note": "ทำงานเย็น"})
        assert response.status_code == 400
        assert th("Choose the day that suits you better.") in response.content.decode()
        assert "ทำงานเย็น" in response.content.decode()
        later = day + datetime.timedelta(days=4)
        response = parent.post(
            url,
            {
                "another": "1",
                "suggested_date": f"{later.day}/{later.month}/{later.year + 543}",
                "suggested_time": "18:00",
                "note": "ทำงานเย็น",
            },
        )
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == "another_day" and appointment.suggested_date == later
        page = (
            _as(client, a.users["homeroom"])
            .get(_staff(world, "") + f"students/{a.student.pk}/appointments/")
            .content.decode()
        )
        assert "ทำงานเย็น" in page and "18:00" in page

    def test_a_day_in_the_past_is_refused(self, world, client):
        response = self._propose(world, client, timezone.localdate() - datetime.timedelta(days=1))
        assert response.status_code == 200
        assert th("The day has passed: choose today or a later day.") in response.content.decode()
        with scopes_disabled():
            assert not VisitAppointment.objects.exists()

    def test_another_childs_appointment_is_not_found(self, world, client):
        with scopes_disabled():
            other = VisitAppointment.objects.create(
                school=world.a.school,
                student=world.a.other_student,
                date=timezone.localdate(),
                time=datetime.time(9),
            )
        url = _child(world) + f"appointments/{other.pk}/"
        assert _as(client, world.a.users["parent"]).post(url, {"confirm": "1"}).status_code == 404


# --- consent requests --------------------------------------------------------------------------
class TestConsentRequest:
    def _ask(self, world, client, key="homeroom", purpose="external_referral"):
        url = _staff(world, "") + f"students/{world.a.student.pk}/consent-requests/"
        return _as(client, world.a.users[key]).post(
            url, {"purpose": purpose, "note": "ส่งต่อโรงพยาบาล"}
        )

    def test_yes_becomes_the_consent_record_with_its_audit(self, world, client):
        a = world.a
        assert self._ask(world, client).status_code == 302
        assert Notification.Kind.FAMILY_CONSENT in _kinds(a.users["parent"])
        with scopes_disabled():
            asked = ConsentRequest.objects.get(student=a.student)
        parent = _as(client, a.users["parent"])
        assert "ส่งต่อโรงพยาบาล" in parent.get(_child(world)).content.decode()
        url = _child(world) + f"consents/{asked.pk}/"
        assert parent.post(url, {"yes": "1"}).status_code == 302
        with scopes_disabled():
            consent = GuardianConsent.objects.get(student=a.student, purpose="external_referral")
            asked.refresh_from_db()
        assert consent.is_current and consent.method == "portal"
        assert consent.recorded_by == a.users["parent"] and consent.guardian == a.guardian
        assert asked.status == "given" and asked.consent == consent
        assert AuditEvent.objects.filter(
            action="create", student_id=a.student.pk, object_id=str(consent.pk)
        ).exists()
        # The staff's consent page shows it, given in the portal.
        page = _as(client, a.users["coordinator"]).get(
            f"/s/{a.school.code}/students/{a.student.pk}/consents/"
        )
        assert th("In the parents' portal") in page.content.decode()
        # A second answer is refused with a message; nothing changes.
        response = _as(client, a.users["parent"]).post(url, {"no": "1"})
        assert response.status_code == 400
        with scopes_disabled():
            assert GuardianConsent.objects.get(pk=consent.pk).is_current

    def test_no_records_the_refusal_and_no_consent(self, world, client):
        a = world.a
        self._ask(world, client, key="coordinator", purpose="home_visit_photos")
        with scopes_disabled():
            asked = ConsentRequest.objects.get(student=a.student)
        _as(client, a.users["parent"]).post(_child(world) + f"consents/{asked.pk}/", {"no": "1"})
        with scopes_disabled():
            asked.refresh_from_db()
            assert asked.status == "refused"
            assert not GuardianConsent.objects.filter(student=a.student).exists()

    def test_who_may_ask(self, world, client):
        assert self._ask(world, client, key="counsellor").status_code == 403
        assert self._ask(world, client, key="homeroom_other").status_code == 404
        assert self._ask(world, client, key="director").status_code == 302
        # Asked twice while waiting: refused with the reason.
        response = self._ask(world, client, key="coordinator")
        assert th("The parents have not answered the request for this consent yet.") in (
            response.content.decode()
        )


# --- messages ----------------------------------------------------------------------------------
class TestMessages:
    def test_both_ways_with_the_homeroom_teacher(self, world, client):
        a = world.a
        parent = _as(client, a.users["parent"])
        assert parent.post(_child(world) + "messages/", {"body": "ลูกไม่สบายค่ะ"}).status_code == 302
        assert Notification.Kind.FAMILY_MESSAGE_IN in _kinds(a.users["homeroom"])
        assert _kinds(a.users["homeroom_other"]) == []
        with scopes_disabled():
            thread = MessageThread.objects.get(student=a.student, parent=a.users["parent"])
        teacher = _as(client, a.users["homeroom"])
        inbox = teacher.get(_staff(world, "") + "messages/").content.decode()
        assert a.student.full_name in inbox and 'title="' in inbox
        page = teacher.get(_staff(world, "") + f"messages/{thread.pk}/").content.decode()
        assert "ลูกไม่สบายค่ะ" in page
        response = teacher.post(
            _staff(world, "") + f"messages/{thread.pk}/", {"body": "หายไวๆ นะครับ"}
        )
        assert response.status_code == 302
        assert Notification.Kind.FAMILY_MESSAGE in _kinds(a.users["parent"])
        parent = _as(client, a.users["parent"])
        home = parent.get(_child(world)).content.decode()
        assert 'id="messages-link"' in home and "badge" in home.split('id="messages-link"')[1][:300]
        assert "หายไวๆ นะครับ" in parent.get(_child(world) + "messages/").content.decode()
        _no_child_name(world, a.users["parent"])
        _no_child_name(world, a.users["homeroom"])

    def test_an_empty_message_is_refused_and_nothing_sent(self, world, client):
        response = _as(client, world.a.users["parent"]).post(
            _child(world) + "messages/", {"body": "  "}
        )
        assert response.status_code == 400
        with scopes_disabled():
            assert not MessageThread.objects.filter(last_message_at__isnull=False).exists()

    def test_the_teacher_writes_first_and_others_do_not_reach_the_thread(self, world, client):
        a = world.a
        teacher = _as(client, a.users["homeroom"])
        url = _staff(world, "") + f"students/{a.student.pk}/messages/"
        response = teacher.post(url, {"parent": a.users["parent"].pk, "body": "เชิญประชุมผู้ปกครอง"})
        assert response.status_code == 302
        with scopes_disabled():
            thread = MessageThread.objects.get()
        assert (
            _as(client, a.users["homeroom_other"])
            .get(_staff(world, "") + f"messages/{thread.pk}/")
            .status_code
            == 404
        )
        assert (
            _as(client, a.users["director"])
            .get(_staff(world, "") + f"messages/{thread.pk}/")
            .status_code
            == 200
        )
        assert (
            _as(client, world.b.users["parent"]).get(_child(world) + "messages/").status_code == 404
        )

    def test_the_inbox_costs_the_same_for_many_threads(
        self, world, client, django_assert_max_num_queries
    ):
        from carecore.models import User
        from students.models import GuardianLink

        a = world.a
        with scopes_disabled():
            for n in range(12):
                parent = User.objects.create(username=f"p{n}")
                GuardianLink.objects.create(user=parent, student=a.student)
                thread = MessageThread.objects.create(
                    school=a.school,
                    student=a.student,
                    parent=parent,
                    last_message_at=timezone.now(),
                )
                thread.messages.create(school=a.school, author=parent, from_family=True, body="x")
        teacher = _as(client, a.users["homeroom"])
        teacher.get(_staff(world, "") + "messages/")
        with django_assert_max_num_queries(12):
            page = teacher.get(_staff(world, "") + "messages/")
        assert page.content.decode().count("list-group-item-action") == 12


# --- the student's request for help ------------------------------------------------------------
class TestHelpRequest:
    def _send(self, world, client):
        return _as(client, world.a.users["student"]).post(
            "/family/me/help/", {"body": "มีปัญหาที่บ้าน อยากคุยกับครู", "contact": "meet"}
        )

    def test_only_the_counsellor_sees_and_answers_it(self, world, client):
        a = world.a
        assert self._send(world, client).status_code == 302
        with scopes_disabled():
            sent = HelpRequest.objects.get()
        assert _kinds(a.users["counsellor"]) == [Notification.Kind.HELP_REQUEST]
        for key in ("homeroom", "director", "coordinator", "homeroom_other", "discipline", "nurse"):
            assert _kinds(a.users[key]) == [], key
            staff = _as(client, a.users[key])
            assert staff.get(_staff(world, "") + "help/").status_code == 403, key
            assert staff.get(_staff(world, "") + f"help/{sent.pk}/").status_code == 403, key
        # Not in the audit log the director reads, nor on the student's pages of staff.
        assert not AuditEvent.objects.filter(
            object_id=str(sent.pk), object_type__icontains="help"
        ).exists()
        student_page = (
            _as(client, a.users["homeroom"])
            .get(f"/s/{a.school.code}/students/{a.student.pk}/")
            .content.decode()
        )
        assert "มีปัญหาที่บ้าน" not in student_page
        counsellor = _as(client, a.users["counsellor"])
        assert a.student.full_name in counsellor.get(_staff(world, "") + "help/").content.decode()
        assert (
            "มีปัญหาที่บ้าน" in counsellor.get(_staff(world, "") + f"help/{sent.pk}/").content.decode()
        )
        response = counsellor.post(
            _staff(world, "") + f"help/{sent.pk}/", {"answer": "พบครูที่ห้องแนะแนวพรุ่งนี้"}
        )
        assert response.status_code == 302
        assert Notification.Kind.HELP_ANSWERED in _kinds(a.users["student"])
        student = _as(client, a.users["student"])
        assert "พบครูที่ห้องแนะแนวพรุ่งนี้" in student.get(f"/family/me/help/{sent.pk}/").content.decode()
        _no_child_name(world, a.users["counsellor"])
        _no_child_name(world, a.users["student"])

    def test_the_counsellor_of_another_school_and_another_student_do_not_find_it(
        self, world, client
    ):
        self._send(world, client)
        with scopes_disabled():
            sent = HelpRequest.objects.get()
        other = f"/s/{world.b.school.code}/family/help/{sent.pk}/"
        assert _as(client, world.b.users["counsellor"]).get(other).status_code == 404
        assert (
            _as(client, world.b.users["student"]).get(f"/family/me/help/{sent.pk}/").status_code
            == 404
        )
        assert _as(client, world.a.users["parent"]).get("/family/me/help/").status_code == 404

    def test_an_empty_request_is_refused(self, world, client):
        response = _as(client, world.a.users["student"]).post(
            "/family/me/help/", {"body": "", "contact": "meet"}
        )
        assert response.status_code == 400
        with scopes_disabled():
            assert not HelpRequest.objects.exists()


# --- screening forms waiting -------------------------------------------------------------------
class TestFormsWaiting:
    def _open_window(self, world, term):
        from screening.links import screening_window_save

        with scopes_disabled():
            screening_window_save(
                school=world.a.school,
                term=term,
                opens=timezone.localdate(),
                closes=timezone.localdate() + datetime.timedelta(days=7),
                user=None,
            )

    def test_the_parent_opens_the_form_of_the_slip(self, world, client, term):
        parent = _as(client, world.a.users["parent"])
        assert (
            th("A screening form waits for you") not in parent.get(_child(world)).content.decode()
        )
        self._open_window(world, term)
        assert th("A screening form waits for you") in parent.get(_child(world)).content.decode()
        first = parent.get(_child(world) + "form/")
        assert first.status_code == 302 and first["Location"].startswith("/f/")
        assert parent.get(_child(world) + "form/")["Location"] == first["Location"]
        from screening.models import FormLink

        with scopes_disabled():
            link = FormLink.objects.get(student=world.a.student, rater="parent")
        assert link.code in first["Location"]

    def test_the_self_report_waits_for_a_student_of_age(
        self, world, client, term, of_self_report_age
    ):
        student = _as(client, world.a.users["student"])
        assert student.get("/family/me/form/").status_code == 302
        self._open_window(world, term)
        response = student.get("/family/me/form/")
        assert response["Location"].startswith("/f/")
        from screening.models import FormLink

        with scopes_disabled():
            assert FormLink.objects.get(student=world.a.student).rater == "student"


def test_the_student_sees_own_attendance_and_points(world, client):
    page = _as(client, world.a.users["student"]).get("/family/me/record/")
    assert page.status_code == 200
    assert th("Conduct points") in page.content.decode()
    assert _as(client, world.a.users["parent"]).get("/family/me/record/").status_code == 404


def test_absurd_ids_answer_404_not_500(world, client):
    huge = "9" * 30
    staff = _staff(world, "")
    counsellor = _as(client, world.a.users["counsellor"])
    for url in (
        f"{staff}messages/{huge}/",
        f"{staff}students/{huge}/messages/",
        f"{staff}students/{huge}/appointments/",
        f"{staff}help/{huge}/",
    ):
        assert counsellor.get(url).status_code == 404, url
    parent = _as(client, world.a.users["parent"])
    assert parent.get(f"{_child(world)}appointments/{huge}/").status_code == 404
    assert parent.get(f"{_child(world)}consents/{huge}/").status_code == 404
    assert _as(client, world.a.users["student"]).get(f"/family/me/help/{huge}/").status_code == 404
