"""The services of the good-practice library: the way a practice goes between the school and the
district, its files, and what each step refuses."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from districts.practices import services
from districts.practices.models import Practice, PracticeEvent, PracticeFile
from districts.practices.tests.factories import jpeg, practice_make

pytestmark = pytest.mark.django_db
Status = Practice.Status


def _values(practice, **changes) -> dict:
    fields = ("title", "step", "owners", "summary", "steps_taken", "results")
    return {name: getattr(practice, name) for name in fields} | changes


def test_a_new_practice_is_a_draft_of_the_school_and_its_district(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"], title="  ห้องเรียน\u200bสีขาว ")
    assert practice.status == Status.DRAFT
    assert practice.district_id == a.district.pk
    assert practice.title == "ห้องเรียนสีขาว"
    assert practice.search_text.startswith("ห้องเรียนสีขาว\n")
    assert "ร้อยละ 80" in practice.search_text


def test_an_edit_over_a_colleagues_save_is_refused_and_writes_nothing(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    opened = practice.revision
    services.practice_update(
        practice=practice,
        user=a.users["coordinator"],
        revision=opened,
        **_values(practice, results="ผลใหม่"),
    )
    with pytest.raises(services.StalePractice):
        services.practice_update(
            practice=practice,
            user=a.users["homeroom"],
            revision=opened,
            **_values(practice, results="ผลของฉัน"),
        )
    practice.refresh_from_db()
    assert practice.results == "ผลใหม่"
    assert "ผลใหม่" in practice.search_text


def test_sent_it_can_no_longer_be_changed_until_the_district_sends_it_back(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"], status=Status.SUBMITTED)
    assert practice.submitted_at is not None
    with pytest.raises(ValidationError):
        services.practice_update(practice=practice, user=a.users["homeroom"], **_values(practice))
    with pytest.raises(ValidationError):
        services.practice_file_add(
            practice=practice, upload=jpeg(), kind="photo", user=a.users["homeroom"]
        )
    with pytest.raises(ValidationError):
        services.practice_delete(practice=practice)
    with pytest.raises(ValidationError, match="comment"):
        services.practice_send_back(
            practice=practice, user=a.users["district_supervisor"], comment=" "
        )
    services.practice_send_back(
        practice=practice, user=a.users["district_supervisor"], comment="ตัดชื่อนักเรียนออก"
    )
    practice.refresh_from_db()
    assert practice.status == Status.SENT_BACK and practice.editable
    services.practice_update(practice=practice, user=a.users["homeroom"], **_values(practice))
    services.practice_submit(practice=practice, user=a.users["homeroom"])
    actions = list(PracticeEvent.objects.filter(practice=practice).values_list("action", "comment"))
    assert actions == [
        ("submitted", ""),
        ("sent_back", "ตัดชื่อนักเรียนออก"),
        ("submitted", ""),
    ]


def test_only_a_practice_waiting_for_review_is_published(world):
    a = world.a
    reviewer = a.users["district_supervisor"]
    draft = practice_make(a.school, a.users["homeroom"])
    with pytest.raises(ValidationError):
        services.practice_publish(practice=draft, user=reviewer)
    with pytest.raises(ValidationError):
        services.practice_send_back(practice=draft, user=reviewer, comment="ยังไม่ได้ส่ง")
    sent = services.practice_submit(practice=draft, user=a.users["homeroom"])
    published = services.practice_publish(practice=sent, user=reviewer, comment="ดีมาก")
    assert published.status == Status.PUBLISHED
    assert published.published_by == reviewer and published.published_at is not None
    with pytest.raises(ValidationError):
        services.practice_publish(practice=published, user=reviewer)


def test_taking_a_published_practice_down_sends_it_back_out_of_the_library(world):
    a = world.a
    practice = practice_make(
        a.school, a.users["homeroom"], status=Status.PUBLISHED, reviewer=a.users["district_admin"]
    )
    services.practice_send_back(
        practice=practice, user=a.users["district_admin"], comment="ภาพเห็นหน้านักเรียน"
    )
    practice.refresh_from_db()
    assert practice.status == Status.SENT_BACK
    assert practice.published_at is None and practice.published_by is None


def test_a_photo_is_re_encoded_without_its_metadata(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: EXIF that must not survive (as GPS would not)
    row = services.practice_file_add(
        practice=practice,
        upload=jpeg(2400, 1800, exif=exif.tobytes()),
        kind="photo",
        caption="กิจกรรม\u200bแกนนำ",
        user=a.users["homeroom"],
    )
    assert row.kind == PracticeFile.Kind.PHOTO and row.name == "activity.jpg"
    assert row.caption == "กิจกรรมแกนนำ"
    with row.file.open("rb") as handle, Image.open(handle) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()


def test_a_file_that_is_not_a_photo_is_refused_as_one(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    fake = SimpleUploadedFile("photo.jpg", b"not a picture", "image/jpeg")
    with pytest.raises(ValidationError):
        services.practice_file_add(practice=practice, upload=fake, kind="photo", user=None)
    assert not practice.files.exists()


def test_at_most_ten_photos_and_five_documents(world):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    for _ in range(services.MAX_PHOTOS):
        services.practice_file_add(practice=practice, upload=jpeg(), kind="photo", user=None)
    with pytest.raises(ValidationError, match="10"):
        services.practice_file_add(practice=practice, upload=jpeg(), kind="photo", user=None)
    for n in range(services.MAX_DOCUMENTS):
        pdf = SimpleUploadedFile(f"plan{n}.pdf", b"%PDF-1.7 plan", "application/pdf")
        services.practice_file_add(practice=practice, upload=pdf, kind="document", user=None)
    pdf = SimpleUploadedFile("one-more.pdf", b"%PDF-1.7", "application/pdf")
    with pytest.raises(ValidationError, match="5"):
        services.practice_file_add(practice=practice, upload=pdf, kind="document", user=None)


def test_deleting_a_draft_deletes_its_files(world, django_capture_on_commit_callbacks):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    row = services.practice_file_add(practice=practice, upload=jpeg(), kind="photo", user=None)
    storage, name = row.file.storage, row.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_delete(practice=practice)
    assert not Practice.objects.filter(pk=practice.pk).exists()
    assert not storage.exists(name)


def test_removing_a_file_deletes_it_from_storage(world, django_capture_on_commit_callbacks):
    a = world.a
    practice = practice_make(a.school, a.users["homeroom"])
    pdf = io.BytesIO(b"%PDF-1.7 plan")
    upload = SimpleUploadedFile("plan.pdf", pdf.getvalue(), "application/pdf")
    row = services.practice_file_add(practice=practice, upload=upload, kind="document", user=None)
    assert row.name == "plan.pdf" and row.size == len(pdf.getvalue())
    storage, name = row.file.storage, row.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.practice_file_delete(file=row)
    assert not storage.exists(name) and not practice.files.exists()
