"""Recording home visits in the browser: the form, photos, co-advisors, retries, the record,
progress, and who may see what."""

import datetime
import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled
from PIL import Image

from carecore.models import Membership, Role
from conftest import give_photo_consent, make_student, make_user, th
from schools.models import Classroom, Grade, HomeroomAssignment
from students.models import FamilyRecord, RecordRevision
from students.record.services import record_section_update
from visits.models import HomeVisit, VisitPhoto
from visits.services import visit_save

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def jpeg(size=(2400, 1800), *, gps: bool = True, color="orange") -> SimpleUploadedFile:
    """A phone-like photo: large, with EXIF holding a GPS position and the camera model."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 12"  # model
    if gps:
        exif[0x8825] = {1: "N", 2: (13.0, 45.0, 3.0), 3: "E", 4: (100.0, 30.0, 7.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), "image/jpeg")


def new_url(world, student=None):
    return reverse(
        "visits:visit_new",
        kwargs={"school_code": world.a.school.code, "student_id": (student or world.a.student).pk},
    )


def form_data(**extra) -> dict:
    data = {
        "date": be(today()),
        "mode": "home",
        "visitors": "ครูสมศรี ใจดี",
        "met": ["mother", "grandparent"],
        "ownership": "own",
        "household_size": "5",
        "income_per_month": "9000",
        "summary": "บ้านสะอาด ครอบครัวอบอุ่น ยายดูแลใกล้ชิด",
        "latitude": "13.756331",
        "longitude": "100.501762",
        "location_accuracy_m": "12",
        "location_source": "device",
        "client_key": str(uuid.uuid4()),
        "action": "done",
    }
    data.update(extra)
    return data


def visits_of(student):
    with scopes_disabled():
        return list(HomeVisit.objects.filter(student=student))


class TestRecordingAVisit:
    def test_teacher_records_a_finished_visit_and_the_classroom_counts_it(self, world, login):
        client = login(world.a.users["homeroom"])
        progress = reverse(
            "visits:classroom_progress",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )
        visited = "%(visited)s of %(total)s students visited"
        assert th(visited, visited=0, total=1) in client.get(progress).content.decode()
        response = client.post(new_url(world), form_data())
        assert response.status_code == 302
        [visit] = visits_of(world.a.student)
        assert visit.status == HomeVisit.Status.DONE
        assert visit.met == ["mother", "grandparent"]
        assert visit.recorded_by == world.a.users["homeroom"]
        assert visit.classroom == world.a.classroom
        assert str(visit.latitude) == "13.756331" and visit.location_accuracy_m == 12
        assert th(visited, visited=1, total=1) in client.get(progress).content.decode()

    def test_a_draft_needs_little_and_does_not_count_as_visited(self, world, login):
        client = login(world.a.users["homeroom"])
        data = form_data(action="draft", summary="", met=[])
        assert client.post(new_url(world), data).status_code == 302
        [visit] = visits_of(world.a.student)
        assert visit.status == HomeVisit.Status.DRAFT
        detail = client.get(
            reverse(
                "classrooms:classroom_detail",
                kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
            )
        )
        at_home = th("%(done)s of %(total)s students visited at home", done=0, total=1)
        assert at_home in detail.content.decode()

    def test_marking_done_asks_for_whom_they_met_and_the_summary_and_keeps_the_text(
        self, world, login
    ):
        client = login(world.a.users["homeroom"])
        with translation.override("en"):
            response = client.post(
                new_url(world),
                form_data(met=[], summary="", duties_at_home="ช่วยยายขายผักทุกเช้า"),
                HTTP_ACCEPT_LANGUAGE="en",
            )
        assert response.status_code == 400
        body = response.content.decode()
        assert "ช่วยยายขายผักทุกเช้า" in body
        assert visits_of(world.a.student) == []

    def test_a_phone_visit_needs_its_reason(self, world, login):
        client = login(world.a.users["homeroom"])
        response = client.post(new_url(world), form_data(mode="phone", remote_reason=""))
        assert response.status_code == 400
        assert visits_of(world.a.student) == []
        response = client.post(
            new_url(world), form_data(mode="phone", remote_reason="ผู้ปกครองทำงานที่กรุงเทพฯ")
        )
        assert response.status_code == 302
        [visit] = visits_of(world.a.student)
        assert visit.mode == "phone" and visit.remote_reason == "ผู้ปกครองทำงานที่กรุงเทพฯ"

    @pytest.mark.parametrize(
        ("lat", "lon", "message"),
        [
            ("100.501762", "13.756331", "look swapped"),
            ("35.6", "139.7", "outside Thailand"),
            ("13.75", "", "both latitude and longitude"),
        ],
    )
    def test_typed_coordinates_are_checked(self, world, login, lat, lon, message):
        client = login(world.a.users["homeroom"])
        with translation.override("en"):
            client.post(reverse("set_language"), {"language": "en"})
            response = client.post(new_url(world), form_data(latitude=lat, longitude=lon))
        assert response.status_code == 400
        assert message in response.content.decode()

    def test_a_future_date_is_refused(self, world, login):
        client = login(world.a.users["homeroom"])
        response = client.post(new_url(world), form_data(date=be(today() + datetime.timedelta(1))))
        assert response.status_code == 400
        assert visits_of(world.a.student) == []

    def test_the_phone_script_gets_json_and_a_retried_save_lands_once(self, world, login):
        client = login(world.a.users["homeroom"])
        data = form_data()
        for _ in range(2):  # the connection dropped after the first save reached the server
            response = client.post(new_url(world), data, HTTP_X_REQUESTED_WITH="visit-form")
            assert response.status_code == 200
            assert response.json()["ok"] is True
        [visit] = visits_of(world.a.student)
        assert response.json()["url"].startswith(
            reverse(
                "visits:record_update",
                kwargs={"school_code": world.a.school.code, "visit_id": visit.pk},
            )
        )


class TestOfflineQueue:
    """The phone's offline queue may send the same form twice (the answer was lost on the way
    back, or two tabs sent it): the visit and its photos land once."""

    @pytest.fixture(autouse=True)
    def _photo_consent(self, world):
        give_photo_consent(world.a.student)

    def post(self, client, url, data, **photos):
        files = {kind: jpeg((1600, 1200), gps=False) for kind in photos}
        return client.post(url, {**data, **files}, HTTP_X_REQUESTED_WITH="visit-form")

    def test_a_new_visit_with_a_photo_sent_twice_is_saved_once(self, world, login):
        client = login(world.a.users["homeroom"])
        data = form_data()
        for _ in range(2):
            response = self.post(client, new_url(world), data, outside=True)
            assert response.status_code == 200 and response.json()["ok"] is True
        [visit] = visits_of(world.a.student)
        with scopes_disabled():
            assert VisitPhoto.objects.filter(visit=visit).count() == 1
            assert visit.revision == 1 and str(visit.last_save_key) == data["client_key"]

    def test_a_change_sent_twice_is_not_taken_for_a_co_advisors(self, world, login):
        client = login(world.a.users["homeroom"])
        self.post(client, new_url(world), form_data(action="draft"))
        [visit] = visits_of(world.a.student)
        edit = reverse(
            "visits:visit_edit", kwargs={"school_code": world.a.school.code, "visit_id": visit.pk}
        )
        change = form_data(summary="แก้ไขตอนไม่มีสัญญาณ", revision="1")
        for _ in range(2):
            response = self.post(client, edit, change, inside=True)
            assert response.status_code == 200 and response.json()["ok"] is True
        with scopes_disabled():
            visit.refresh_from_db()
            assert VisitPhoto.objects.filter(visit=visit).count() == 1
        assert visit.summary == "แก้ไขตอนไม่มีสัญญาณ" and visit.revision == 2
        # A form opened earlier, sent after someone saved since, is still a stale copy.
        response = self.post(client, edit, form_data(summary="ฉบับเก่า", revision="1"))
        assert response.status_code == 409
        with scopes_disabled():
            visit.refresh_from_db()
        assert visit.summary == "แก้ไขตอนไม่มีสัญญาณ"

    def test_a_sent_photo_does_not_count_twice_towards_the_five(self, world, login):
        client = login(world.a.users["homeroom"])
        data = form_data(action="draft")
        kinds = dict.fromkeys(("outside", "inside", "family", "other"), True)
        self.post(client, new_url(world), data, **kinds)
        [visit] = visits_of(world.a.student)
        edit = reverse(
            "visits:visit_edit", kwargs={"school_code": world.a.school.code, "visit_id": visit.pk}
        )
        fifth = form_data(action="draft", revision="1")
        for _ in range(2):
            assert self.post(client, edit, fifth, other=True).status_code == 200
        with scopes_disabled():
            assert VisitPhoto.objects.filter(visit=visit).count() == 5

    def test_visit_pages_name_the_account_by_an_opaque_key(self, world, login):
        """The status line tells the phone's service worker and queue whose pages and answers
        they keep: a keyed hash, the same on every page of one account, never its id or name."""
        url = reverse(
            "visits:classroom_progress",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.a.classroom.pk},
        )
        keys = {}
        for who in ("homeroom", "coordinator"):
            user = world.a.users[who]
            body = login(user).get(url).content.decode()
            [key] = re.findall(r'id="offline-status"[^>]*data-user="([0-9a-f]*)"', body)
            assert len(key) == 24 and str(user.pk) != key and user.username not in key
            assert 'data-sw="/sw.js"' in body
            keys[who] = key
        assert keys["homeroom"] != keys["coordinator"]


class TestCoAdvisors:
    def test_a_stale_form_is_refused_with_the_other_version_and_nothing_is_overwritten(
        self, world, login
    ):
        a = world.a
        co = a.users["homeroom_other"]
        with scopes_disabled():
            HomeroomAssignment.objects.create(classroom=a.classroom, teacher=co)
            visit = visit_save(
                student=a.student,
                data={"date": today(), "visitors": "ครูเอ", "mode": "home", "summary": "เดิม"},
                done=False,
                user=a.users["homeroom"],
                academic_year=world.year,
                classroom=a.classroom,
            ).visit
        edit = reverse(
            "visits:visit_edit", kwargs={"school_code": a.school.code, "visit_id": visit.pk}
        )
        # Both open the form at revision 1; the co-advisor saves first.
        first = login(co)
        assert first.post(edit, form_data(summary="ฉบับของครูบี", revision="1")).status_code == 302
        second = login(a.users["homeroom"])
        response = second.post(edit, form_data(summary="ฉบับของครูเอ", revision="1"))
        assert response.status_code == 409
        body = response.content.decode()
        assert "ฉบับของครูบี" in body  # what the other saved, shown
        assert "ฉบับของครูเอ" in body  # what this teacher typed, kept in the form
        assert co.display_name in body
        with scopes_disabled():
            visit.refresh_from_db()
        assert visit.summary == "ฉบับของครูบี" and visit.revision == 2
        # Having seen the other version, saving again (now at revision 2) keeps theirs.
        response = second.post(edit, form_data(summary="ฉบับของครูเอ", revision="2"))
        assert response.status_code == 302
        with scopes_disabled():
            visit.refresh_from_db()
        assert visit.summary == "ฉบับของครูเอ" and visit.revision == 3


class TestPhotos:
    @pytest.fixture(autouse=True)
    def _photo_consent(self, world):
        give_photo_consent(world.a.student)

    def test_photos_are_resized_stripped_of_metadata_and_served_only_to_staff_who_may_see(
        self, world, login
    ):
        client = login(world.a.users["homeroom"])
        response = client.post(new_url(world), {**form_data(), "outside": jpeg()})
        assert response.status_code == 302
        with scopes_disabled():
            photo = VisitPhoto.objects.get()
            stored = photo.image.read()
        image = Image.open(io.BytesIO(stored))
        assert max(image.size) == 1600
        assert not image.getexif()  # no GPS, no camera model
        assert b"PhoneCam" not in stored
        assert "/media" not in photo.image.url or "not-public" in photo.image.url
        url = reverse(
            "visits:photo",
            kwargs={
                "school_code": world.a.school.code,
                "visit_id": photo.visit_id,
                "photo_id": photo.pk,
            },
        )
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        small = Image.open(io.BytesIO(client.get(url + "?size=small").content))
        assert max(small.size) == 480
        for key in ("homeroom_other", "nurse", "network", "district_admin"):
            assert login(world.a.users[key]).get(url).status_code in (403, 404)
        # Another school's teacher, with their own school's code or with A's: 404.
        other = login(world.b.users["homeroom"])
        assert other.get(url).status_code == 404
        assert other.get(url.replace(world.a.school.code, world.b.school.code)).status_code == 404

    def test_a_file_that_is_not_a_photo_saves_nothing_and_says_so(self, world, login):
        client = login(world.a.users["homeroom"])
        fake = SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not a photo", "image/jpeg")
        with translation.override("en"):
            response = client.post(new_url(world), {**form_data(), "inside": fake})
        assert response.status_code == 400
        assert visits_of(world.a.student) == []
        with scopes_disabled():
            assert VisitPhoto.objects.count() == 0

    def test_at_most_five_photos(self, world, login):
        client = login(world.a.users["homeroom"])
        client.post(
            new_url(world),
            {
                **form_data(action="draft"),
                **{
                    k: jpeg((300, 200), gps=False) for k in ("outside", "inside", "family", "other")
                },
            },
        )
        [visit] = visits_of(world.a.student)
        edit = reverse(
            "visits:visit_edit", kwargs={"school_code": world.a.school.code, "visit_id": visit.pk}
        )
        ok = client.post(edit, {**form_data(revision="1"), "other": jpeg((300, 200))})
        assert ok.status_code == 302
        refused = client.post(edit, {**form_data(revision="2"), "other": jpeg((300, 200))})
        assert refused.status_code == 400
        with scopes_disabled():
            assert VisitPhoto.objects.filter(visit=visit).count() == 5

    def test_removing_a_photo_asks_first(self, world, login):
        client = login(world.a.users["homeroom"])
        client.post(new_url(world), {**form_data(), "outside": jpeg((300, 200))})
        with scopes_disabled():
            photo = VisitPhoto.objects.get()
        url = reverse(
            "visits:photo_delete",
            kwargs={
                "school_code": world.a.school.code,
                "visit_id": photo.visit_id,
                "photo_id": photo.pk,
            },
        )
        assert client.get(url).status_code == 200
        assert client.post(url).status_code == 200  # no confirmation: nothing removed
        with scopes_disabled():
            assert VisitPhoto.objects.count() == 1
        assert login(world.a.users["director"]).post(url, {"confirm": "1"}).status_code == 403
        client = login(world.a.users["homeroom"])
        assert client.post(url, {"confirm": "1"}).status_code == 302
        with scopes_disabled():
            assert VisitPhoto.objects.count() == 0


class TestCumulativeRecord:
    def test_the_teacher_confirms_which_facts_go_into_the_record(self, world, login):
        a = world.a
        with scope(school=a.school.pk):
            record_section_update(
                student=a.student,
                section="family",
                data={"household_size": 3, "income_per_month": 12000},
                user=a.users["coordinator"],
            )
        client = login(a.users["homeroom"])
        response = client.post(
            new_url(world), form_data(household_size="5", income_per_month="9000")
        )
        [visit] = visits_of(a.student)
        update = reverse(
            "visits:record_update", kwargs={"school_code": a.school.code, "visit_id": visit.pk}
        )
        assert response["Location"].startswith(update)
        page = client.get(update).content.decode()
        assert "9,000" in page and "12,000" in page
        # Only the household size is confirmed; the income stays as the record had it.
        assert client.post(update, {"fields_to_copy": ["household_size"]}).status_code == 302
        with scopes_disabled():
            family = FamilyRecord.objects.get(student=a.student)
            revision = RecordRevision.objects.filter(student=a.student).latest("changed_at")
        assert family.household_size == 5 and family.income_per_month == 12000
        assert "home visit" in revision.note or "เยี่ยมบ้าน" in revision.note

    def test_leaving_the_record_as_it_is(self, world, login):
        client = login(world.a.users["homeroom"])
        client.post(new_url(world), form_data())
        [visit] = visits_of(world.a.student)
        update = reverse(
            "visits:record_update",
            kwargs={"school_code": world.a.school.code, "visit_id": visit.pk},
        )
        assert client.post(update, {"skip": "1"}).status_code == 302
        with scopes_disabled():
            assert not FamilyRecord.objects.filter(student=world.a.student).exists()


def fill_room(world, count: int, *, visited: int, start: int) -> Classroom:
    a = world.a
    with scopes_disabled():
        room = Classroom.objects.create(
            school=a.school, academic_year=world.year, grade=Grade.M1, room=7
        )
        HomeroomAssignment.objects.create(classroom=room, teacher=a.users["homeroom"])
        for i in range(count):
            student = make_student(a.school, room, start + i, i + 1)
            if i < visited:
                visit_save(
                    student=student,
                    data={"date": today(), "visitors": "ครู", "mode": "home"},
                    done=True,
                    user=a.users["homeroom"],
                    academic_year=world.year,
                    classroom=room,
                )
    return room


class TestProgress:
    def test_the_director_sees_which_classrooms_are_behind(self, world, login):
        room = fill_room(world, 10, visited=2, start=7000)
        with scopes_disabled():
            visit_save(
                student=world.a.student,
                data={"date": today(), "visitors": "ครู", "mode": "home"},
                done=True,
                user=world.a.users["homeroom"],
                academic_year=world.year,
                classroom=world.a.classroom,
            )
        client = login(world.a.users["director"])
        url = reverse("visits:school_progress", kwargs={"school_code": world.a.school.code})
        body = client.get(url + "?order=behind").content.decode()
        # School: 3 of 12 visited (25%); the 10-student room (20%) is behind, A's room (100%) not.
        assert "3 / 12" in body
        assert body.index(str(room)) < body.index(str(world.a.classroom))
        rows = body.split("<tr")
        [room_row] = [r for r in rows if f">{room}</a>" in r]
        assert th("behind") in room_row and "2 / 10" in room_row

    def test_a_homeroom_teacher_without_a_classroom_sees_the_empty_page(self, world, login):
        # Before the access rule was written once, this teacher got 403 here.
        teacher = make_user("homeroom_without_room")
        Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=world.a.school)
        client = login(teacher)
        url = reverse("visits:school_progress", kwargs={"school_code": world.a.school.code})
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert th("No classrooms this year.") in body
        assert str(world.a.classroom) not in body
        assert "0 / 0" in body

    def test_school_progress_queries_do_not_grow_with_classrooms(self, world, login):
        client = login(world.a.users["coordinator"])
        url = reverse("visits:school_progress", kwargs={"school_code": world.a.school.code})
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)
        fill_room(world, 12, visited=5, start=7100)
        with CaptureQueriesContext(connection) as large:
            client.get(url)
        assert len(large) == len(small)

    def test_pinned_query_count_of_a_45_student_classroom_progress(
        self, world, login, django_assert_num_queries
    ):
        room = fill_room(world, 45, visited=30, start=7200)
        client = login(world.a.users["homeroom"])
        url = reverse(
            "visits:classroom_progress",
            kwargs={"school_code": world.a.school.code, "classroom_id": room.pk},
        )
        visited = th("%(visited)s of %(total)s students visited", visited=30, total=45)
        assert visited in client.get(url).content.decode()
        # 1 session, 2 user, 3 memberships, 4 school, 5 academic year, 6 classroom, 7 the
        # teacher's own classrooms, 8 roster with each student's visit (subqueries), 9 main
        # guardians, 10 audit event.
        with django_assert_num_queries(10):
            client.get(url)

    def test_the_classroom_page_shows_visits_in_the_same_roster_query(
        self, world, login, django_assert_num_queries
    ):
        from students.tests.test_record_views import PINNED_CLASSROOM_QUERIES

        room = fill_room(world, 45, visited=20, start=7300)
        client = login(world.a.users["homeroom"])
        url = reverse(
            "classrooms:classroom_detail",
            kwargs={"school_code": world.a.school.code, "classroom_id": room.pk},
        )
        at_home = th("%(done)s of %(total)s students visited at home", done=20, total=45)
        assert at_home in client.get(url).content.decode()
        with django_assert_num_queries(PINNED_CLASSROOM_QUERIES):
            client.get(url)
