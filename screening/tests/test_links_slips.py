"""Slips for parents and students: printing a classroom's slips (a job), the codes kept on every
reprint, what is on the paper (read back with poppler), the QR code checked module by module
against the form's address, and who may print them or see the codes."""

import datetime
import io
import re
import subprocess

import pytest
import segno
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from carecore.dates import format_date
from carecore.models import AuditEvent, GeneratedFile
from carecore.tests.test_pdf import _poppler, comparable, pdf_text
from conftest import make_student
from schools.models import Classroom, Grade, HomeroomAssignment
from schools.selectors import term_code
from schools.tests.factories import ClassroomFactory
from screening.models import FormLink, ScreeningWindow
from screening.slips import QR_BORDER, QR_MODULE_MM, qr_svg
from students.tests.test_documents import PUPILS, fill_classroom

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def room(world, term):
    """A ป.5 room of school A with five students aged 11 (parent form and self-report), taught
    by A's homeroom teacher."""
    classroom, students = fill_classroom(world)
    with scopes_disabled():
        HomeroomAssignment.objects.create(classroom=classroom, teacher=world.a.users["homeroom"])
        for student in students:
            student.birth_date = term.start.replace(year=term.start.year - 11)
            student.save(update_fields=["birth_date"])
    return classroom, students


def window(world, term):
    today = timezone.localdate()
    with scopes_disabled():
        return ScreeningWindow.objects.create(
            school=world.a.school,
            term=term,
            opens=today,
            closes=today + datetime.timedelta(days=14),
        )


def slips_url(world, classroom, name="classroom_slips"):
    return reverse(
        f"screening:{name}",
        kwargs={"school_code": world.a.school.code, "classroom_id": classroom.pk},
    )


def print_slips(client, world, classroom, term, capture) -> bytes:
    with capture(execute=True):
        response = client.post(slips_url(world, classroom), {"term": term_code(term)})
    assert response.status_code == 302, response.status_code
    with scopes_disabled():
        generated = GeneratedFile.objects.filter(kind="screening_slips").latest("created")
    assert generated.status == GeneratedFile.Status.DONE, generated.error
    download = client.get(reverse("generated_file_download", kwargs={"file_id": generated.pk}))
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def codes_of(classroom, term) -> dict[tuple[int, str], str]:
    with scopes_disabled():
        return {
            (link.student_id, link.rater): link.code
            for link in FormLink.objects.filter(student__enrolments__classroom=classroom, term=term)
        }


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- reading a QR code back from the paper -----------------------------------------------------
DPI = 300


def page_image(pdf: bytes, page: int = 1) -> Image.Image:
    png = subprocess.run(  # noqa: S603
        [
            _poppler("pdftoppm"),
            "-r",
            str(DPI),
            "-f",
            str(page),
            "-l",
            str(page),
            "-gray",
            "-png",
            "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def read_modules(region: Image.Image, size: int) -> list[list[bool]]:
    """The dark and light modules of the first QR code in ``region``: its top-left corner is
    the start of the first row with a dark run as long as five modules (the top of the finder
    pattern; no printed letter is that wide), then each module is sampled at its centre."""
    pixels = region.load()
    width, height = region.size
    module = QR_MODULE_MM / 25.4 * DPI
    corner = None
    for y in range(height):
        run = 0
        for x in range(width):
            run = run + 1 if pixels[x, y] < 128 else 0
            if run >= 5 * module:
                corner = (x - run + 1, y)
                break
        if corner:
            break
    assert corner, "no QR code found"
    x0, y0 = corner
    return [
        [
            pixels[int(x0 + (c + 0.5) * module), int(y0 + (r + 0.5) * module)] < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


class TestSlips:
    def test_the_slips_have_every_students_codes_names_room_and_dates(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, students = room
        dates = window(world, term)
        client = login(world.a.users["homeroom"])
        pdf = print_slips(client, world, classroom, term, django_capture_on_commit_callbacks)
        codes = codes_of(classroom, term)
        assert len(codes) == 2 * len(students)  # ป.5: the parent's and the student's slip
        text = pdf_text(pdf)
        printed = CODE.findall(text)
        assert sorted(printed) == sorted(display(c) for c in codes.values())
        flat = comparable(text)
        for _, first, last, prefix in PUPILS:
            assert comparable(f"{prefix}{first} {last}") in flat
        assert comparable(format_date(dates.opens, "short", "th")) in flat
        assert comparable(format_date(dates.closes, "short", "th")) in flat
        assert "testserver/f/" in text
        # Eight slips to a page: ten slips on two pages.
        assert len(CODE.findall(pdf_text(pdf, page=1))) == 8
        assert len(CODE.findall(pdf_text(pdf, page=2))) == 2

    def test_the_qr_code_on_paper_is_the_address_of_the_form(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, _ = room
        window(world, term)
        pdf = print_slips(
            login(world.a.users["homeroom"]),
            world,
            classroom,
            term,
            django_capture_on_commit_callbacks,
        )
        first_code = CODE.findall(pdf_text(pdf, page=1))[0].replace("-", "")
        expected = segno.make(f"http://testserver/f/{first_code}/", error="m")
        matrix = [[bool(v) for v in row] for row in expected.matrix]
        image = page_image(pdf)
        # The first slip: the top-left quarter of the page's left half.
        region = image.crop((0, 0, image.width // 2, image.height // 4))
        assert read_modules(region, len(matrix)) == matrix

    def test_the_qr_code_is_big_enough_for_a_phone_and_keeps_its_quiet_zone(self):
        svg, width = qr_svg("https://carecare.example.go.th/f/ABCDEFGH/")
        size = segno.make("https://carecare.example.go.th/f/ABCDEFGH/", error="m").symbol_size(
            border=0
        )[0]
        assert size * QR_MODULE_MM >= 25  # the symbol itself, without the quiet zone
        assert width == pytest.approx((size + 2 * QR_BORDER) * QR_MODULE_MM, abs=0.1)
        total = size + 2 * QR_BORDER
        assert f'viewBox="0 0 {total} {total}"' in svg
        assert svg.startswith(f'<svg style="width: {width}mm; height: {width}mm"')

    def test_printing_again_gives_the_same_codes(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, _ = room
        client = login(world.a.users["homeroom"])
        first = CODE.findall(
            pdf_text(
                print_slips(client, world, classroom, term, django_capture_on_commit_callbacks)
            )
        )
        codes = codes_of(classroom, term)
        coordinator = login(world.a.users["coordinator"])
        again = CODE.findall(
            pdf_text(
                print_slips(coordinator, world, classroom, term, django_capture_on_commit_callbacks)
            )
        )
        assert first == again
        assert codes_of(classroom, term) == codes

    def test_without_dates_the_slip_says_the_school_will_tell(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, _ = room
        pdf = print_slips(
            login(world.a.users["homeroom"]),
            world,
            classroom,
            term,
            django_capture_on_commit_callbacks,
        )
        assert "when the form opens" in pdf_text(pdf) or "แจ้ง" in pdf_text(pdf)

    def test_each_printed_student_is_in_the_audit_log(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, students = room
        print_slips(
            login(world.a.users["homeroom"]),
            world,
            classroom,
            term,
            django_capture_on_commit_callbacks,
        )
        with scopes_disabled():
            # One per student on the paper; the download itself is one more (the file's own).
            events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exclude(
                object_type="generatedfile"
            )
            assert sorted(events.values_list("student_id", flat=True)) == sorted(
                s.pk for s in students
            )
            assert {e.user_id for e in events} == {world.a.users["homeroom"].pk}

    def test_a_grade_with_only_the_teacher_form_has_no_slips(self, world, login, term):
        with scopes_disabled():
            p2 = ClassroomFactory(school=world.a.school, grade=Grade.P2, room=4)
            make_student(world.a.school, p2, 9401, 1)
        client = login(world.a.users["coordinator"])
        response = client.post(slips_url(world, p2), {"term": term_code(term)}, follow=True)
        assert response.status_code == 200
        assert 'id="links-problem"' in response.content.decode()
        with scopes_disabled():
            assert not GeneratedFile.objects.exists()
            assert not FormLink.objects.exists()

    def test_a_teacher_who_no_longer_teaches_the_room_loses_the_file(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, _ = room
        client = login(world.a.users["homeroom"])
        print_slips(client, world, classroom, term, django_capture_on_commit_callbacks)
        with scopes_disabled():
            generated = GeneratedFile.objects.get(kind="screening_slips")
            HomeroomAssignment.objects.filter(classroom=classroom).delete()
        url = reverse("generated_file_download", kwargs={"file_id": generated.pk})
        assert client.get(url).status_code == 404


class TestWhoMayPrint:
    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("homeroom_other", 403),
            ("counsellor", 403),
            ("director", 403),
            ("discipline", 403),
            ("district_admin", 403),
        ],
    )
    def test_only_the_rooms_teacher_and_the_coordinator(self, world, login, term, role, status):
        client = login(world.a.users[role])
        url = slips_url(world, world.a.classroom)
        assert client.post(url, {"term": term_code(term)}).status_code == status
        links = slips_url(world, world.a.classroom, "classroom_links")
        assert client.get(links).status_code == status
        with scopes_disabled():
            assert not FormLink.objects.exists()

    def test_another_schools_classroom_is_not_found(self, world, login, term):
        client = login(world.a.users["coordinator"])
        url = reverse(
            "screening:classroom_slips",
            kwargs={"school_code": world.a.school.code, "classroom_id": world.b.classroom.pk},
        )
        assert client.post(url, {"term": term_code(term)}).status_code == 404
        client = login(world.b.users["coordinator"])
        assert client.post(slips_url(world, world.a.classroom)).status_code == 404

    def test_printing_needs_a_post(self, world, login):
        client = login(world.a.users["homeroom"])
        assert client.get(slips_url(world, world.a.classroom)).status_code == 405


class TestCodesPage:
    def test_the_teacher_sees_the_codes_and_what_came_back(
        self, world, login, term, room, django_capture_on_commit_callbacks
    ):
        classroom, students = room
        window(world, term)
        client = login(world.a.users["homeroom"])
        url = slips_url(world, classroom, "classroom_links") + f"?term={term_code(term)}"
        before = client.get(url).content.decode()
        assert not CODE.findall(before)  # nothing made by looking
        print_slips(client, world, classroom, term, django_capture_on_commit_callbacks)
        parent_code = codes_of(classroom, term)[(students[0].pk, "parent")]
        anonymous = type(client)()
        anonymous.post(
            f"/f/{parent_code}/",
            {f"q{n}": "0" for n in range(1, 11)} | {"draft": "1"},
        )
        page = client.get(url).content.decode()
        assert display(parent_code) in page
        assert len(CODE.findall(page)) == 2 * len(students)
        assert students[0].full_name in page
        assert "text-bg-warning" in page  # the draft that came back

    def test_a_bounded_number_of_queries(
        self, world, login, term, room, django_assert_max_num_queries
    ):
        classroom, _ = room
        client = login(world.a.users["coordinator"])
        url = slips_url(world, classroom, "classroom_links") + f"?term={term_code(term)}"
        client.get(url)
        with scopes_disabled():
            extra = Classroom.objects.get(pk=classroom.pk)
            for i in range(10):
                make_student(world.a.school, extra, 9500 + i, 20 + i)
        # session, user, memberships, year, classroom, own rooms, term, terms, enrolments,
        # links, responses, window, audit (+ a few for the request's setup)
        with django_assert_max_num_queries(18):
            assert client.get(url).status_code == 200
