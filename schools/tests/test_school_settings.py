"""The coordinator's school settings page (emblem, Thai digits) and the emblem view.

Texts are compared in Thai (the default UI language) through the catalogue."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from conftest import STAFF_ROLE_KEYS, th

EXIF_MAKE, EXIF_ORIENTATION = 0x010F, 0x0112


def settings_url(side) -> str:
    return reverse("schools:school_settings", kwargs={"school_code": side.school.code})


def emblem_url(side) -> str:
    return reverse("schools:school_emblem", kwargs={"school_code": side.school.code})


def image_upload(
    fmt="JPEG", size=(1200, 800), name="emblem.jpg", exif=True, orientation=1
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (20, 60, 160))
    image.paste((230, 180, 40), (0, 0, size[0] // 2, size[1]))  # left half yellow
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[EXIF_MAKE] = "PhoneMaker"
        data[EXIF_ORIENTATION] = orientation
        extra["exif"] = data.tobytes()
    image.save(out, fmt, **extra)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def close(color, expected, tolerance=6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected, strict=True))


def emblem_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "emblems"
    return sorted(folder.iterdir()) if folder.exists() else []


def post(client, side, **data):
    data.setdefault("document_thai_digits", "")
    return client.post(settings_url(side), data)


class TestSchoolSettings:
    def test_coordinator_sees_the_form(self, world, login):
        response = login(world.a.users["coordinator"]).get(settings_url(world.a))
        assert response.status_code == 200
        assertContains(response, 'enctype="multipart/form-data"')
        assertContains(response, th("Use Thai digits on documents"))
        # {% translate %} output is not escaped.
        with translation.override("th"):
            assertContains(
                response, gettext("No emblem yet: documents show the school's name only.")
            )

    def test_upload_is_resized_stored_as_png_without_exif(self, world, login):
        client = login(world.a.users["coordinator"])
        response = post(client, world.a, emblem=image_upload(), document_thai_digits="on")
        assertRedirects(response, settings_url(world.a))
        school = world.a.school
        school.refresh_from_db()
        assert school.document_thai_digits
        assert school.emblem.name.startswith("emblems/") and school.emblem.name.endswith(".png")
        with Image.open(school.emblem.path) as stored:
            assert stored.format == "PNG"
            assert stored.size == (600, 400)
            assert "exif" not in stored.info
            assert not stored.getexif()
            # The picture is the same one, shrunk: left half yellow, right half blue (JPEG colours
            # are approximate).
            rgb = stored.convert("RGB")
            assert close(rgb.getpixel((100, 200)), (230, 180, 40))
            assert close(rgb.getpixel((500, 200)), (20, 60, 160))
        page = client.get(settings_url(world.a))
        assertContains(page, emblem_url(world.a))
        assertContains(page, th("Remove the emblem"))

    def test_a_phone_photo_taken_sideways_is_stored_upright(self, world, login):
        # EXIF orientation 6: the camera was turned; viewers rotate the picture 90° clockwise.
        post(login(world.a.users["coordinator"]), world.a, emblem=image_upload(orientation=6))
        world.a.school.refresh_from_db()
        with Image.open(world.a.school.emblem.path) as stored:
            assert stored.size == (400, 600)
            assert not stored.getexif()

    def test_a_small_png_keeps_its_size_and_transparency(self, world, login):
        image = Image.new("RGBA", (120, 90), (0, 0, 0, 0))
        out = io.BytesIO()
        image.save(out, "PNG")
        upload = SimpleUploadedFile("e.png", out.getvalue(), content_type="image/png")
        post(login(world.a.users["coordinator"]), world.a, emblem=upload)
        world.a.school.refresh_from_db()
        with Image.open(world.a.school.emblem.path) as stored:
            assert stored.size == (120, 90)
            assert stored.mode == "RGBA"

    @pytest.mark.parametrize(
        "upload",
        [
            SimpleUploadedFile("emblem.png", b"not an image at all", content_type="image/png"),
            image_upload("GIF", name="emblem.gif", exif=False),
        ],
        ids=["text-named-png", "gif"],
    )
    def test_a_file_that_is_not_png_or_jpeg_is_refused_and_nothing_saved(
        self, world, login, upload
    ):
        upload.seek(0)
        response = post(login(world.a.users["coordinator"]), world.a, emblem=upload)
        assert response.status_code == 200
        assertContains(
            response, th("This file is not a PNG or JPEG image. Choose a picture of the emblem.")
        )
        world.a.school.refresh_from_db()
        assert not world.a.school.emblem
        assert emblem_files() == []

    def test_a_file_over_2_mb_is_refused(self, world, login):
        big = SimpleUploadedFile(
            "big.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024 + 1), content_type="image/jpeg"
        )
        response = post(login(world.a.users["coordinator"]), world.a, emblem=big)
        assert response.status_code == 200
        assertContains(
            response,
            th("This file is too large (%(size)s MB). An emblem may be at most 2 MB.", size="2.0"),
        )
        assert emblem_files() == []

    def test_replacing_and_removing_delete_the_old_file(
        self, world, login, django_capture_on_commit_callbacks
    ):
        client = login(world.a.users["coordinator"])
        with django_capture_on_commit_callbacks(execute=True):
            post(client, world.a, emblem=image_upload())
        first = emblem_files()
        with django_capture_on_commit_callbacks(execute=True):
            post(client, world.a, emblem=image_upload("PNG", name="new.png"))
        second = emblem_files()
        assert len(first) == len(second) == 1 and first != second
        with django_capture_on_commit_callbacks(execute=True):
            post(client, world.a, remove_emblem="on")
        world.a.school.refresh_from_db()
        assert not world.a.school.emblem
        assert emblem_files() == []

    @pytest.mark.parametrize("role", [k for k in STAFF_ROLE_KEYS if k != "coordinator"])
    def test_other_roles_are_refused(self, world, login, role):
        # Supervisors and the director see the school page, not its settings.
        client = login(world.a.users[role])
        assert client.get(settings_url(world.a)).status_code == 403
        assert post(client, world.a, emblem=image_upload()).status_code == 403
        world.a.school.refresh_from_db()
        assert not world.a.school.emblem

    def test_coordinator_of_another_school_gets_404(self, world, login):
        client = login(world.b.users["coordinator"])
        assert client.get(settings_url(world.a)).status_code == 404
        assert post(client, world.a, emblem=image_upload()).status_code == 404

    def test_school_page_links_to_the_settings_for_the_coordinator_only(self, world, login):
        school_url = reverse("schools:school_detail", kwargs={"school_code": world.a.school.code})
        link = f'href="{settings_url(world.a)}"'
        assertContains(login(world.a.users["coordinator"]).get(school_url), link)
        assertNotContains(login(world.a.users["director"]).get(school_url), link)


class TestSchoolEmblem:
    def test_every_member_of_the_school_sees_the_uploaded_emblem(self, world, login, client):
        post(login(world.a.users["coordinator"]), world.a, emblem=image_upload())
        world.a.school.refresh_from_db()
        stored = Path(world.a.school.emblem.path).read_bytes()
        for role in STAFF_ROLE_KEYS:
            response = login(world.a.users[role]).get(emblem_url(world.a))
            assert response.status_code == 200, role
            assert response["Content-Type"] == "image/png"
            assert "private" in response["Cache-Control"]
            assert b"".join(response.streaming_content) == stored
            # The same role at school B may not.
            assert login(world.b.users[role]).get(emblem_url(world.a)).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, world, client):
        response = client.get(emblem_url(world.a))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_no_emblem_is_404(self, world, login):
        assert login(world.a.users["homeroom"]).get(emblem_url(world.a)).status_code == 404
