"""The home-visit record on paper: one visit, a whole classroom, the photos embedded without any
address reachable from outside, and the print jobs with their access checks.

Visits are recorded through the services (visit_save, photo_add) as a teacher would; PDFs are
read back with poppler (pdftotext, pdfimages), as a person opening them would read them."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled
from PIL import ExifTags, Image
from weasyprint.urls import FatalURLFetchingError

from carecore.access import Perm
from carecore.dates import format_date, to_thai_digits
from carecore.jobs import generated_file_start
from carecore.models import GeneratedFile
from carecore.tests.test_pdf import _poppler, comparable, pdf_pages, pdf_text
from conftest import give_photo_consent, make_student
from schools.models import AcademicYear, Classroom, Grade
from schools.services import academic_year_create
from students.models import Student
from visits.documents import (
    PRINT_SIDE,
    VisitPhotoFetcher,
    classroom_visits_pdf,
    photo_url,
    visit_pdf,
)
from visits.models import HomeVisit, VisitPhoto
from visits.services import photo_add, visit_save


def june(world, day=14) -> datetime.date:
    return datetime.date(world.year.year - 543, 6, day)


def visit_data(world, **changes) -> dict:
    data = {
        "date": june(world),
        "mode": HomeVisit.Mode.HOME,
        "visitors": "นางสาวพิมพ์ใจ ศรีสุข ครูประจำชั้น",
        "met": ["grandparent", "student"],
        "ownership": "own",
        "condition": "repairs",
        "material": "wood",
        "utilities": ["electricity", "well_water", "toilet"],
        "surroundings": ["quiet", "remote"],
        "safety": "safe",
        "lives_with": "grandparents",
        "parents_status": "working_away",
        "household_size": 4,
        "income_per_month": 6000,
        "main_occupations": "ทำนา",
        "relations": "warm",
        "parenting": "caring",
        "duties_at_home": "ช่วยยายหุงข้าวและให้อาหารไก่ทุกเช้า",
        "travel_mode": "bicycle",
        "travel_distance_km": Decimal("2.5"),
        "travel_minutes": 15,
        "travel_cost_baht": 0,
        "family_requests": "ขอให้โรงเรียนช่วยเรื่องทุนการศึกษา",
        "problems": ["poverty"],
        "help_needed": ["scholarship", "uniform"],
        "summary": "นักเรียนอาศัยอยู่กับตายาย พ่อแม่ไปทำงานที่กรุงเทพมหานคร",
        "recommendation": "เสนอชื่อรับทุนเสมอภาค และติดตามผลการเรียนทุกเดือน",
        "latitude": Decimal("16.441900"),
        "longitude": Decimal("102.835800"),
        "location_accuracy_m": 12,
        "location_source": "device",
    }
    data.update(changes)
    return data


def record(world, student, *, done=True, user=None, year=None, classroom=None, **changes):
    a = world.a
    with scope(school=student.school):
        return visit_save(
            student=student,
            data=visit_data(world, **changes),
            done=done,
            user=user or a.users["homeroom"],
            classroom=classroom or a.classroom,
            academic_year=year or world.year,
        ).visit


def phone_photo(colour=(90, 140, 60), size=(1200, 900)) -> bytes:
    """A JPEG as a phone sends it: with the GPS position of the house in its EXIF."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "DemoPhone"
    exif[ExifTags.Base.GPSInfo] = {1: "N", 2: (16.0, 26.0, 30.8), 3: "E", 4: (102.0, 50.0, 8.9)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def add_photo(world, visit, kind="outside", colour=(90, 140, 60)) -> VisitPhoto:
    upload = SimpleUploadedFile("IMG_0001.jpg", phone_photo(colour), content_type="image/jpeg")
    give_photo_consent(visit.student)
    with scope(school=visit.school):
        return photo_add(visit=visit, upload=upload, kind=kind, user=world.a.users["homeroom"])


def pdf_images(pdf: bytes, tmp_path) -> list[tuple[int, int]]:
    """(width, height) of every image in the PDF, as ``pdfimages -list`` reads them."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(  # noqa: S603
        [_poppler("pdfimages"), "-list", str(path)], capture_output=True, check=True
    ).stdout.decode()
    # Two heading lines, then one line per image: page, num, type, width, height, ...
    return [tuple(int(v) for v in line.split()[3:5]) for line in listing.splitlines()[2:]]


def page_of(pdf: bytes, text: str) -> list[int]:
    return [
        page
        for page in range(1, pdf_pages(pdf) + 1)
        if comparable(text) in comparable(pdf_text(pdf, page=page))
    ]


class TestVisitPdf:
    def test_prints_the_student_the_be_date_and_what_was_seen(self, world):
        visit = record(world, world.a.student)
        with translation.override("th"):
            text = comparable(pdf_text(visit_pdf(visit=visit)))
            date = format_date(visit.date, "long")
        assert comparable(world.a.student.full_name) in text
        assert comparable(world.a.school.name) in text
        # 14 มิถุนายน 2569: the Buddhist Era year, never the Christian one.
        assert comparable(date) in text
        assert str(world.year.year) in date and str(visit.date.year) not in text
        assert comparable("ช่วยยายหุงข้าวและให้อาหารไก่ทุกเช้า") in text
        assert comparable("เสนอชื่อรับทุนเสมอภาค") in text
        assert world.a.student.student_code in text

    def test_headings_income_per_person_and_location(self, world):
        visit = record(world, world.a.student)
        with translation.override("en"):
            text = " ".join(pdf_text(visit_pdf(visit=visit)).split())
        for heading in (
            "Home-visit record",
            "The house",
            "Surroundings and safety",
            "Household and income",
            "Family relations and parenting",
            "Duties at home",
            "Travel to school",
            "What the family asks of the school",
            "Problems seen and help needed",
            "Summary and recommendation",
            "Location of the home",
        ):
            assert heading in text
        assert f"14 June B.E. {world.year.year}" in text
        assert f"Classroom P.4/1 No. 1 Student code {world.a.student.student_code}" in text
        # 6,000 baht for 4 people.
        assert "6,000 baht" in text and "Per person 1,500 baht" in text
        assert "Latitude 16.441900 Longitude 102.835800 (± 12 m)" in text
        assert "From the phone" in text
        # Signature lines: the teacher who recorded the visit, named; the guardian.
        assert f"({world.a.users['homeroom'].display_name}) Teacher who visited" in text
        assert "Guardian" in text
        assert "Draft" not in text

    def test_a_visit_by_phone_prints_why(self, world):
        visit = record(
            world,
            world.a.student,
            mode=HomeVisit.Mode.PHONE,
            remote_reason="ผู้ปกครองทำงานต่างจังหวัด",
            latitude=None,
            longitude=None,
            location_accuracy_m=None,
            location_source="",
        )
        with translation.override("en"):
            text = comparable(pdf_text(visit_pdf(visit=visit)))
        assert "Why not at home" in text
        assert comparable("ผู้ปกครองทำงานต่างจังหวัด") in text
        assert "No location recorded." in text

    def test_a_draft_says_so(self, world):
        visit = record(world, world.a.student, done=False)
        with translation.override("en"):
            assert "Draft" in pdf_text(visit_pdf(visit=visit))

    def test_photos_are_embedded_with_their_captions_and_no_exif_anywhere(self, world, tmp_path):
        visit = record(world, world.a.student)
        first = add_photo(world, visit, "outside")
        add_photo(world, visit, "family", colour=(180, 120, 60))
        # The stored photo lost the phone's metadata (the GPS position of the house).
        with scope(school=world.a.school), first.image.open("rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            assert not image.getexif()
            assert "exif" not in image.info
        with translation.override("en"):
            pdf = visit_pdf(visit=visit)
        assert len(pdf_images(pdf, tmp_path)) == 2
        text = " ".join(pdf_text(pdf).split())
        assert "Photo 1: Outside the house" in text
        assert "Photo 2: The teacher with the family" in text
        # Nothing in the file points anywhere: the photos are inside it.
        assert b"visitphoto:" not in pdf
        assert b"/media/" not in pdf

    def test_photos_are_scaled_down_for_print(self, world, tmp_path):
        visit = record(world, world.a.student)
        photo = add_photo(world, visit)
        assert max(photo.width, photo.height) > PRINT_SIDE
        ((width, height),) = pdf_images(visit_pdf(visit=visit), tmp_path)
        assert max(width, height) == PRINT_SIDE

    def test_thai_digits_when_the_school_asks(self, world):
        world.a.school.document_thai_digits = True
        world.a.school.save()
        visit = record(world, world.a.student)
        with translation.override("th"):
            text = pdf_text(visit_pdf(visit=visit))
            date = format_date(visit.date, "long", thai_digits=True)
        assert comparable(date) in comparable(text)
        assert to_thai_digits("16.441900") in text
        assert "16.441900" not in text

    def test_a_fixed_number_of_queries(self, world):
        visit = record(world, world.a.student)
        add_photo(world, visit)
        with CaptureQueriesContext(connection) as queries:
            visit_pdf(visit=visit)
        # visit with student, year, classroom, recorder and school; its photos; the
        # enrolment; the coordinator and director
        assert len(queries) == 4


class TestPhotoFetcher:
    def test_serves_only_the_photos_of_the_document(self, world):
        mine = record(world, world.a.student)
        other = record(world, world.a.other_student, classroom=world.a.other_classroom)
        photo = add_photo(world, mine)
        stranger = add_photo(world, other)
        fetcher = VisitPhotoFetcher(school=world.a.school, photos=[photo])
        with scope(school=world.a.school):
            response = fetcher.fetch(photo_url(photo))
            assert response.read()[:2] == b"\xff\xd8"  # a JPEG
            with pytest.raises(FatalURLFetchingError):
                fetcher.fetch(photo_url(stranger))
        # And still nothing from the network or the disk.
        for url in ("https://example.org/x.jpg", "file:///etc/passwd", "data:image/png;base64,"):
            with pytest.raises(FatalURLFetchingError):
                fetcher.fetch(url)


def fill_room(world, count: int) -> tuple[Classroom, list[Student]]:
    with scopes_disabled():
        room = Classroom.objects.create(
            school=world.a.school, academic_year=world.year, grade=Grade.P5, room=2
        )
        students = [
            make_student(world.a.school, room, 700 + i, i + 1, first_name=name, last_name="ทองดี")
            for i, name in enumerate(["กิตติพัฒน์", "ณัฐธิดา", "น้ำฝน", "ขวัญข้าว", "ต้นกล้า"][:count])
        ]
    return room, students


class TestClassroomPdf:
    def test_each_visited_student_on_new_pages_then_those_not_visited(self, world):
        room, (p1, p2, p3, p4) = fill_room(world, 4)
        record(world, p1, classroom=room, summary="สรุปครั้งแรก", date=june(world, 3))
        record(world, p1, classroom=room, summary="สรุปครั้งล่าสุด", date=june(world, 20))
        record(world, p2, classroom=room, summary="สรุปของนักเรียนคนที่สอง")
        record(world, p3, classroom=room, done=False)  # a draft only
        # A visit of last year does not count for this year.
        with scopes_disabled():
            last_year = AcademicYear.objects.filter(
                year=world.year.year - 1
            ).first() or academic_year_create(year=world.year.year - 1)
        record(
            world, p4, classroom=room, year=last_year, date=june(world) - datetime.timedelta(365)
        )

        with translation.override("en"):
            pdf = classroom_visits_pdf(classroom=room)
        text = comparable(pdf_text(pdf))
        # The latest visit of the year only.
        assert comparable("สรุปครั้งล่าสุด") in text
        assert comparable("สรุปครั้งแรก") not in text
        first, second = page_of(pdf, p1.full_name)[0], page_of(pdf, p2.full_name)[0]
        assert first < second
        # Each visit starts on a page of its own: the second student's first page names only them.
        assert comparable(p1.full_name) not in comparable(pdf_text(pdf, page=second))
        # The last page lists who is still to be visited, with the draft marked.
        last = " ".join(pdf_text(pdf, page=pdf_pages(pdf)).split())
        assert "Students not yet visited" in last
        assert "Visited 2 of 4 students (50%)" in last
        assert comparable(f"{p3.full_name} (draft saved)") in comparable(last)
        assert comparable(p4.full_name) in comparable(last)
        assert comparable(p1.full_name) not in comparable(last)

    def test_photos_of_every_visit_are_in_the_pdf(self, world, tmp_path):
        room, (p1, p2) = fill_room(world, 2)
        v1 = record(world, p1, classroom=room)
        v2 = record(world, p2, classroom=room)
        add_photo(world, v1)
        add_photo(world, v2, "inside")
        add_photo(world, v2, "family")
        pdf = classroom_visits_pdf(classroom=room)
        assert len(pdf_images(pdf, tmp_path)) == 3
        # Everyone visited: no list of students waiting.
        with translation.override("en"):
            assert "Students not yet visited" not in pdf_text(classroom_visits_pdf(classroom=room))

    def test_nobody_visited_yet_gives_the_list_only(self, world):
        room, students = fill_room(world, 3)
        with translation.override("en"):
            pdf = classroom_visits_pdf(classroom=room)
        assert pdf_pages(pdf) == 1
        text = " ".join(pdf_text(pdf).split())
        assert "Visited 0 of 3 students (0%)" in text

    def test_queries_do_not_grow_with_the_number_of_students(self, world):
        small, (s1,) = fill_room(world, 1)
        record(world, s1, classroom=small)
        with scopes_disabled():
            big = Classroom.objects.create(
                school=world.a.school, academic_year=world.year, grade=Grade.P6, room=1
            )
            pupils = [make_student(world.a.school, big, 800 + i, i + 1) for i in range(5)]
        for pupil in pupils[:4]:
            add_photo(world, record(world, pupil, classroom=big))
        counts = []
        for classroom in (small, big):
            with CaptureQueriesContext(connection) as queries:
                classroom_visits_pdf(classroom=classroom)
            counts.append(len(queries))
        # classroom with school and year; teachers; enrolments with students; visits with
        # student, year, classroom and recorder; their photos; the coordinator and director
        assert counts == [6, 6]

    def test_reports_progress_up_to_100(self, world):
        room, students = fill_room(world, 5)
        for s in students[:4]:
            record(world, s, classroom=room)
        calls = []
        classroom_visits_pdf(classroom=room, progress=calls.append)
        assert calls == sorted(calls) and calls[-1] == 100
        assert len(calls) >= 5


def start_job(user, school, kind, **params):
    return generated_file_start(
        kind=kind,
        title="แบบบันทึกการเยี่ยมบ้าน",
        user=user,
        permission=Perm.VIEW_SCHOOL,
        school=school,
        params=params,
    )


def download(client, generated):
    return client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))


class TestPrintJobs:
    def test_the_teacher_gets_the_visit_pdf(self, world, login, django_capture_on_commit_callbacks):
        visit = record(world, world.a.student)
        teacher = world.a.users["homeroom"]
        with django_capture_on_commit_callbacks(execute=True):
            generated = start_job(teacher, world.a.school, "home_visit", visit_id=visit.pk)
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.DONE
        assert generated.filename == "แบบบันทึกการเยี่ยมบ้าน.pdf"
        response = download(login(teacher), generated)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    @pytest.mark.parametrize("kind", ["home_visit", "classroom_visits"])
    def test_a_teacher_of_another_room_or_school_never_gets_the_file(
        self, world, login, django_capture_on_commit_callbacks, kind
    ):
        visit = record(world, world.a.student)
        params = {"visit_id": visit.pk} if kind == "home_visit" else {}
        params.setdefault("classroom_id", world.a.classroom.pk)
        for user in (world.a.users["homeroom_other"], world.b.users["homeroom"]):
            # As if a view had let the job start: the file's own check still refuses it.
            with django_capture_on_commit_callbacks(execute=True):
                generated = start_job(user, world.a.school, kind, **params)
            assert download(login(user), generated).status_code == 404

    def test_the_coordinator_prints_the_classroom(
        self, world, login, django_capture_on_commit_callbacks
    ):
        record(world, world.a.student)
        coordinator = world.a.users["coordinator"]
        with django_capture_on_commit_callbacks(execute=True):
            generated = start_job(
                coordinator, world.a.school, "classroom_visits", classroom_id=world.a.classroom.pk
            )
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.DONE
        assert generated.filename == f"แบบบันทึกการเยี่ยมบ้าน {world.year.year}.pdf"
        assert download(login(coordinator), generated).status_code == 200

    def test_a_removed_visit_fails_with_a_reason(
        self, world, login, django_capture_on_commit_callbacks
    ):
        teacher = world.a.users["homeroom"]
        with django_capture_on_commit_callbacks(execute=True):
            generated = start_job(teacher, world.a.school, "home_visit", visit_id=999999)
        generated.refresh_from_db()
        assert generated.status == GeneratedFile.Status.FAILED
        assert generated.error
