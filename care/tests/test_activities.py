"""Recording care activities (for a classroom, for chosen students), the kinds' own facts,
attachments, counselling notes, editing and deleting, and the classroom's and student's lists."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from care.activities import services as activity_services
from care.models import Activity, ActivityParticipant
from carecore.models import AuditEvent
from conftest import make_student
from schools.models import Term

TICKED = re.compile(r'name="students" value="\d+" checked')


# Signed-in pages in English (the text the tests look for).
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def day(term):
    """A date within the current term, not in the future."""
    return min(timezone.localdate(), term.end)


def be(d: datetime.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year + 543}"


def urls(world, name, **kwargs):
    return reverse(f"care:{name}", kwargs={"school_code": world.a.school.code, **kwargs})


def post_data(day, students=(), **extra) -> dict:
    data = {"kind": "homeroom", "date": be(day), "topic": "วางแผนการเรียน"}
    data["students"] = [str(s.pk) for s in students]
    data.update(extra)
    return data


@pytest.fixture
def room(world):
    """School A's classroom with three more students (four in all)."""
    with scopes_disabled():
        more = [make_student(world.a.school, world.a.classroom, 6000 + n, n + 1) for n in (1, 2, 3)]
    return [world.a.student, *more]


def recorded(world):
    with scopes_disabled():
        return list(Activity.objects.filter(school=world.a.school))


# --- for a classroom ----------------------------------------------------------------------------
def test_classroom_form_ticks_every_student_and_saves_those_present(world, login, room, day, term):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('name="students" value=') == 4
    assert len(TICKED.findall(page.content.decode())) == 4
    absent = room[2]
    present = [s for s in room if s != absent]
    response = client.post(url, post_data(day, present))
    assert response.status_code == 302
    [activity] = recorded(world)
    assert activity.kind == "homeroom" and activity.category == "promotion"
    assert activity.term_id == term.pk and activity.classroom_id == world.a.classroom.pk
    assert activity.recorded_by_id == world.a.users["homeroom"].pk
    with scopes_disabled():
        ids = set(activity.participants.values_list("student_id", flat=True))
        assert ids == {s.pk for s in present}
        events = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_id=activity.pk)
        assert {e.student_id for e in events} == ids


def test_a_classroom_one_may_not_open_is_forbidden(world, login):
    client = login(world.a.users["homeroom_other"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    assert client.get(url).status_code == 403
    client = login(world.a.users["director"])  # reads only
    assert client.get(url).status_code == 403
    client = login(world.b.users["homeroom"])
    assert client.get(url).status_code == 404


def test_posting_a_student_one_may_not_see_saves_nothing(world, login, room, day):
    client = login(world.a.users["homeroom"])
    for url in (
        urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk),
        urls(world, "activity_create"),
    ):
        for intruder in (world.a.other_student, world.b.student):
            response = client.post(url, post_data(day, [room[0], intruder]))
            assert response.status_code == 200
            assert "A chosen student is not one you may record care for" in (
                response.content.decode()
            )
    assert recorded(world) == []


def test_bad_input_keeps_what_was_typed(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    response = client.post(url, post_data(day, room[:2], date="31/02/2569", topic="ทบทวนบทเรียนคณิต"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date as day/month/year" in html
    assert "ทบทวนบทเรียนคณิต" in html and "31/02/2569" in html
    # The two ticked students stay ticked, the other two not.
    assert len(TICKED.findall(html)) == 2
    assert recorded(world) == []


def test_a_date_outside_every_term_is_refused_with_a_clear_message(world, login, room):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    response = client.post(url, post_data(datetime.date(2007, 6, 15), room))
    assert "No term contains 15 June B.E. 2550" in response.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(url, post_data(future, room))
    assert "The date is in the future" in response.content.decode()
    assert recorded(world) == []


def test_term_comes_from_the_date(world, day):
    with scopes_disabled():
        t1 = Term.objects.get(academic_year=world.year, number=1)
        activity = activity_services.activity_record(
            school=world.a.school,
            kind="talent",
            date=t1.start + datetime.timedelta(days=1),
            topic="ดนตรีไทย",
            user=world.a.users["coordinator"],
            students=[world.a.student],
        )
    assert activity.term_id == t1.pk


# --- the kinds' own facts -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "extra", "missing"),
    [
        ("parent_meeting", {}, "How many parents came?"),
        ("remedial", {}, "Which subject is taught?"),
        ("parent_contact", {}, "How were the parents contacted?"),
    ],
)
def test_each_kind_asks_for_its_facts(world, login, room, day, kind, extra, missing):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    response = client.post(url, post_data(day, room, kind=kind, **extra))
    assert missing in response.content.decode()
    assert recorded(world) == []


def test_kind_facts_are_kept_and_others_dropped(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    data = post_data(
        day,
        room,
        kind="parent_meeting",
        parents_present="18",
        issues="มาสาย",
        agreements="ตรวจการบ้าน",
        subject="ไม่ควรเก็บ",
        sensitive_notes="ไม่ควรเก็บ",
    )
    assert client.post(url, data).status_code == 302
    [activity] = recorded(world)
    assert activity.details == {
        "parents_present": 18,
        "issues": "มาสาย",
        "agreements": "ตรวจการบ้าน",
    }
    assert activity.sensitive_notes == ""
    client.post(url, post_data(day, room[:1], kind="parent_contact", method="visit"))
    contact = next(a for a in recorded(world) if a.kind == "parent_contact")
    assert contact.details == {"method": "visit"} and contact.category == "prevention"


def test_buddy_pairs_record_helper_helped_and_partner(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    data = post_data(day, [], kind="buddy", subject="คณิตศาสตร์")
    data |= {"pair_1_helper": room[0].pk, "pair_1_helped": room[1].pk}
    data |= {"pair_2_helper": room[2].pk, "pair_2_helped": room[3].pk}
    assert client.post(url, data).status_code == 302
    [activity] = recorded(world)
    with scopes_disabled():
        rows = {p.student_id: (p.role, p.partner_id) for p in activity.participants.all()}
    assert rows == {
        room[0].pk: ("helper", room[1].pk),
        room[1].pk: ("helped", room[0].pk),
        room[2].pk: ("helper", room[3].pk),
        room[3].pk: ("helped", room[2].pk),
    }
    # A student in two pairs, or helping themselves, is refused.
    data = post_data(day, [], kind="buddy", subject="คณิตศาสตร์")
    data |= {"pair_1_helper": room[0].pk, "pair_1_helped": room[1].pk}
    data |= {"pair_2_helper": room[1].pk, "pair_2_helped": room[2].pk}
    data |= {"pair_3_helper": room[3].pk, "pair_3_helped": room[3].pk}
    html = client.post(url, data).content.decode()
    assert "Pair 2: a student can be in one pair only." in html
    assert "Pair 3: a student cannot help themselves." in html
    assert len(recorded(world)) == 1


# --- chosen students ----------------------------------------------------------------------------
def test_chosen_students_lists_own_room_and_searches(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "activity_create")
    page = client.get(url)
    assert page.content.decode().count('name="students" value=') == 4  # the teacher's room
    page = client.get(url + f"?student={room[1].pk}")
    assert len(TICKED.findall(page.content.decode())) == 1  # preselected
    # The counsellor searches the whole school by name.
    client = login(world.a.users["counsellor"])
    page = client.get(url + "?classroom=all&q=6002")
    html = page.content.decode()
    assert html.count('name="students" value=') == 1 and room[2].first_name in html
    # "Find" keeps the typed topic and the ticked students, and saves nothing.
    data = post_data(day, [room[0]], topic="คุยเรื่องเพื่อน", kind="counselling")
    data |= {"find": "1", "classroom": "all", "q": "6003"}
    html = client.post(url, data).content.decode()
    assert "คุยเรื่องเพื่อน" in html and len(TICKED.findall(html)) == 1
    assert room[0].first_name in html and room[3].first_name in html
    assert recorded(world) == []
    response = client.post(url, post_data(day, [room[0], world.a.other_student]))
    assert response.status_code == 302
    [activity] = recorded(world)
    assert activity.classroom_id is None


# --- attachments --------------------------------------------------------------------------------
def test_attachment_is_stored_under_a_random_name_and_served_with_a_check(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    upload = SimpleUploadedFile("บันทึก.pdf", b"%PDF-1.7 minutes", content_type="application/pdf")
    assert client.post(url, {**post_data(day, room), "attachment": upload}).status_code == 302
    [activity] = recorded(world)
    assert activity.attachment_name == "บันทึก.pdf"
    assert "บันทึก" not in activity.attachment.name and activity.attachment.name.endswith(".pdf")
    download = urls(world, "activity_attachment", activity_id=activity.pk)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 minutes"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login(world.a.users["homeroom_other"]).get(download).status_code == 404
    assert login(world.a.users["nurse"]).get(download).status_code == 404


def test_attachment_must_be_what_it_says_and_not_too_large(world, login, room, day, monkeypatch):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    fake = SimpleUploadedFile("notes.pdf", b"MZ\x90\x00 not a pdf")
    html = client.post(url, {**post_data(day, room), "attachment": fake}).content.decode()
    assert "This file is not what its name says (.pdf)" in html
    script = SimpleUploadedFile("run.exe", b"MZ\x90\x00")
    html = client.post(url, {**post_data(day, room), "attachment": script}).content.decode()
    assert "Attach a PDF, a picture" in html
    monkeypatch.setattr("care.activities.forms.ATTACHMENT_MAX_BYTES", 10)
    big = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    html = client.post(url, {**post_data(day, room), "attachment": big}).content.decode()
    assert "This file is too large" in html
    assert recorded(world) == []


# --- counselling notes --------------------------------------------------------------------------
@pytest.fixture
def counselling(world, day):
    with scopes_disabled():
        return activity_services.activity_record(
            school=world.a.school,
            kind="counselling",
            date=day,
            topic="ให้คำปรึกษา",
            user=world.a.users["counsellor"],
            students=[world.a.student],
            sensitive_notes="ความลับของเด็ก",
        )


def notes_views(world):
    with scopes_disabled():
        return AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, summary="Viewed counselling notes"
        ).count()


@pytest.mark.parametrize(
    ("role", "sees"),
    [("homeroom", True), ("counsellor", True), ("director", True), ("coordinator", False)],
)
def test_counselling_notes_only_for_homeroom_counsellor_director(
    world, login, counselling, role, sees
):
    client = login(world.a.users[role])
    for url in (
        urls(world, "student_activities", student_id=world.a.student.pk),
        urls(world, "activity_detail", activity_id=counselling.pk),
    ):
        before = notes_views(world)
        html = client.get(url).content.decode()
        assert ("ความลับของเด็ก" in html) is sees
        assert ("notes-hidden" in html) is not sees
        # Every reading is in the audit log (written in English: the summary is translated
        # in the active language; this test runs in English).
        assert notes_views(world) == before + (1 if sees else 0)


def test_group_session_notes_need_every_student(world, login, day):
    """A homeroom teacher reads a group session's notes only if all its students are theirs."""
    with scopes_disabled():
        session = activity_services.activity_record(
            school=world.a.school,
            kind="counselling",
            date=day,
            topic="กลุ่ม",
            user=world.a.users["counsellor"],
            students=[world.a.student, world.a.other_student],
            sensitive_notes="เรื่องของสองคน",
        )
    client = login(world.a.users["homeroom"])
    html = client.get(urls(world, "activity_detail", activity_id=session.pk)).content.decode()
    assert "เรื่องของสองคน" not in html and "notes-hidden" in html
    assert world.a.other_student.first_name not in html  # not theirs: not named
    counsellor = login(world.a.users["counsellor"])
    html = counsellor.get(urls(world, "activity_detail", activity_id=session.pk)).content.decode()
    assert "เรื่องของสองคน" in html


def test_access_helper_for_counselling_notes(world, rf):
    from care.access import can_see_counselling_notes
    from carecore.access import Access

    def request_for(user):
        request = rf.get("/")
        request.user = user
        request._access = Access(user)
        request.school = world.a.school
        request.schoolperms = request._access.school_perms(world.a.school)
        request.academic_year = world.year
        return request

    with scopes_disabled():
        for key, expected in [
            ("homeroom", True),
            ("homeroom_other", False),
            ("counsellor", True),
            ("director", True),
            ("coordinator", False),
            ("nurse", False),
            ("district_admin", False),
        ]:
            result = can_see_counselling_notes(request_for(world.a.users[key]), world.a.student)
            assert result is expected, key


# --- edit and delete ----------------------------------------------------------------------------
def test_recorder_and_coordinator_edit_others_may_not(world, login, room, day):
    with scopes_disabled():
        activity = activity_services.activity_record(
            school=world.a.school,
            classroom=world.a.classroom,
            kind="homeroom",
            date=day,
            topic="เดิม",
            user=world.a.users["homeroom"],
            students=room,
        )
    url = urls(world, "activity_edit", activity_id=activity.pk)
    assert login(world.a.users["counsellor"]).get(url).status_code == 403
    assert login(world.a.users["director"]).get(url).status_code == 403
    assert login(world.a.users["homeroom_other"]).get(url).status_code == 404
    client = login(world.a.users["homeroom"])
    page = client.get(url)
    assert page.status_code == 200 and "เดิม" in page.content.decode()
    response = client.post(url, post_data(day, room[:2], topic="ใหม่", kind="talent"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.topic, activity.kind, activity.category) == ("ใหม่", "talent", "promotion")
    with scopes_disabled():
        assert activity.participants.count() == 2
        change = AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).first()
        assert change.changes["topic"] == ["เดิม", "ใหม่"]
    coordinator = login(world.a.users["coordinator"])
    assert coordinator.get(url).status_code == 200


def test_edit_keeps_students_the_editor_may_not_see(world, login, day):
    with scopes_disabled():
        activity = activity_services.activity_record(
            school=world.a.school,
            kind="class_activity",
            date=day,
            topic="กิจกรรมกลุ่ม",
            user=world.a.users["homeroom"],
            students=[world.a.student, world.a.other_student],
        )
    client = login(world.a.users["homeroom"])
    html = client.get(urls(world, "activity_edit", activity_id=activity.pk)).content.decode()
    assert world.a.other_student.first_name not in html
    url = urls(world, "activity_edit", activity_id=activity.pk)
    data = post_data(day, [world.a.student], kind="class_activity", topic="แก้ไข")
    assert client.post(url, data).status_code == 302
    with scopes_disabled():
        ids = set(activity.participants.values_list("student_id", flat=True))
    assert ids == {world.a.student.pk, world.a.other_student.pk}


def test_delete_asks_then_removes_the_activity_and_its_file(
    world, login, room, day, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        upload = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nxx")
        activity = activity_services.activity_record(
            school=world.a.school,
            classroom=world.a.classroom,
            kind="homeroom",
            date=day,
            topic="ลบ",
            user=world.a.users["homeroom"],
            students=room,
            attachment=upload,
        )
        storage, name = activity.attachment.storage, activity.attachment.name
    assert storage.exists(name)
    url = urls(world, "activity_delete", activity_id=activity.pk)
    assert login(world.a.users["counsellor"]).post(url).status_code == 403
    client = login(world.a.users["homeroom"])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert recorded(world) == []
    assert not storage.exists(name)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).count() == len(room)


# --- lists --------------------------------------------------------------------------------------
def test_student_page_shows_every_term_and_is_audited(world, login, day, term):
    with scopes_disabled():
        t1 = Term.objects.get(academic_year=world.year, number=1)
        for when, topic in ((t1.start, "ภาคหนึ่ง"), (day, "ภาคนี้")):
            activity_services.activity_record(
                school=world.a.school,
                kind="homeroom",
                date=when,
                topic=topic,
                user=world.a.users["homeroom"],
                students=[world.a.student],
            )
    client = login(world.a.users["director"])
    response = client.get(urls(world, "student_activities", student_id=world.a.student.pk))
    html = response.content.decode()
    assert "ภาคหนึ่ง" in html and "ภาคนี้" in html
    assert len(response.context["terms"]) == term.number  # term 1, and this term if the 2nd
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, student_id=world.a.student.pk, object_type="student"
        ).exists()
    assert (
        login(world.a.users["homeroom_other"])
        .get(urls(world, "student_activities", student_id=world.a.student.pk))
        .status_code
        == 404
    )


def test_student_detail_links_to_the_care_activities(world, login):
    client = login(world.a.users["homeroom"])
    url = reverse(
        "students:student_detail",
        kwargs={"school_code": world.a.school.code, "student_id": world.a.student.pk},
    )
    html = client.get(url).content.decode()
    assert urls(world, "student_activities", student_id=world.a.student.pk) in html


def _activities(world, room, day, n):
    with scopes_disabled():
        for i in range(n):
            activity_services.activity_record(
                school=world.a.school,
                classroom=world.a.classroom,
                kind=["homeroom", "remedial", "counselling"][i % 3],
                date=day,
                topic=f"เรื่อง {i}",
                user=world.a.users["homeroom"],
                students=room,
                details={"subject": "ไทย"},
            )


def test_classroom_list_groups_by_kind_with_room_counts(world, login, room, day, term):
    _activities(world, room, day, 3)
    with scopes_disabled():  # a chosen-students activity with one of the room's students
        activity_services.activity_record(
            school=world.a.school,
            kind="parent_contact",
            date=day,
            topic="โทรหาแม่",
            user=world.a.users["counsellor"],
            students=[room[1], world.a.other_student],
            details={"method": "call"},
        )
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activities", classroom_id=world.a.classroom.pk)
    response = client.get(url + f"?term={term.academic_year.year}-{term.number}")
    assert response.status_code == 200
    by_kind = {g["kind"]: g["activities"] for g in response.context["by_kind"]}
    assert [a.topic for a in by_kind["parent_contact"]] == ["โทรหาแม่"]
    assert by_kind["parent_contact"][0].room_count == 1
    assert by_kind["homeroom"][0].room_count == 4
    assert response.context["total"] == 4


@pytest.mark.parametrize("count", [2, 12])
def test_classroom_list_query_count_is_pinned(
    world, login, room, day, term, count, django_assert_num_queries
):
    _activities(world, room, day, count)
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activities", classroom_id=world.a.classroom.pk)
    url += f"?term={term.academic_year.year}-{term.number}"
    client.get(url)
    # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 classroom, 7 the teacher's
    # own classrooms, 8 the terms of its year, 9 the term asked for, 10 the activities with the
    # room's count and their recorder, 11 the number of students in the room.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["total"] == count


def test_participants_are_unique_per_activity(world, day):
    with scopes_disabled():
        activity = activity_services.activity_record(
            school=world.a.school,
            kind="homeroom",
            date=day,
            topic="ซ้ำ",
            user=world.a.users["homeroom"],
            students=[world.a.student, world.a.student],
        )
        assert ActivityParticipant.objects.filter(activity=activity).count() == 1


def test_coordinator_edits_a_counselling_session_without_reading_its_notes(
    world, login, counselling, day
):
    client = login(world.a.users["coordinator"])
    url = urls(world, "activity_edit", activity_id=counselling.pk)
    html = client.get(url).content.decode()
    assert "ความลับของเด็ก" not in html and "notes-hidden" in html
    data = post_data(day, [world.a.student], kind="counselling", topic="แก้หัวข้อ")
    data["sensitive_notes"] = ""
    assert client.post(url, data).status_code == 302
    counselling.refresh_from_db()
    assert counselling.topic == "แก้หัวข้อ" and counselling.sensitive_notes == "ความลับของเด็ก"
    # The counsellor who wrote them sees them in the form: a reading, audited.
    before = notes_views(world)
    html = login(world.a.users["counsellor"]).get(url).content.decode()
    assert "ความลับของเด็ก" in html and notes_views(world) == before + 1


def test_absurd_ids_answer_404(world, login):
    client = login(world.a.users["coordinator"])
    huge = "9" * 30
    for name, kwargs in (
        ("activity_detail", {"activity_id": huge}),
        ("student_activities", {"student_id": huge}),
        ("classroom_activities", {"classroom_id": huge}),
        ("coverage_classroom", {"classroom_id": huge}),
    ):
        assert client.get(urls(world, name, **kwargs)).status_code == 404, name


@pytest.mark.parametrize("count", [3, 15])
def test_student_page_query_count_is_pinned(
    world, login, room, day, count, django_assert_num_queries
):
    _activities(world, room, day, count)  # a third of them counselling sessions with notes
    with scopes_disabled():
        Activity.objects.filter(kind="counselling").update(sensitive_notes="บันทึก")
    client = login(world.a.users["homeroom"])
    url = urls(world, "student_activities", student_id=world.a.student.pk)
    client.get(url)
    # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 the teacher's own
    # classrooms, 7 the student, 8 the student's activities with their term, recorder and
    # partner, 9 the students of the counselling sessions, 10 which of them are the teacher's,
    # 11 the audit event of the page, 12 the audit event of the notes read.
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.context["total"] == count


def test_absurd_posted_ids_are_an_error_not_a_crash(world, login, room, day):
    client = login(world.a.users["homeroom"])
    url = urls(world, "classroom_activity_create", classroom_id=world.a.classroom.pk)
    data = post_data(day, room, kind="buddy", subject="ไทย")
    data |= {"students": ["9" * 30, "abc"], "pair_1_helper": "9" * 30, "pair_1_helped": "x"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert recorded(world) == []
