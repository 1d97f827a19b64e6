"""The library's pages: a school writes and sends, the district reviews, the whole district
reads what is published and nobody else; what each page shows and refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carecore.models import Membership, Role
from conftest import make_user, th
from districts.practices.forms import NO_CHILD_NOTE
from districts.practices.models import Practice
from districts.practices.tests.factories import jpeg, practice_make, second_school

pytestmark = pytest.mark.django_db
Status = Practice.Status


def school_url(school, rest: str = "") -> str:
    return f"/s/{school.code}/practices/{rest}"


def district_url(district, rest: str = "") -> str:
    return f"/d/{district.code}/practices/{rest}"


def director_of(school):
    user = make_user(f"director_{school.code}")
    Membership.objects.create(user=user, role=Role.DIRECTOR, school=school)
    return user


def _published(world, **fields):
    a = world.a
    return practice_make(
        a.school,
        a.users["coordinator"],
        status=Status.PUBLISHED,
        reviewer=a.users["district_supervisor"],
        **fields,
    )


FORM = {
    "title": "โครงการป้องกันยาเสพติดในสถานศึกษา",
    "step": "prevent",
    "owners": "นางสาวสุดา ใจงาม",
    "summary": "แกนนำนักเรียนชวนเพื่อนห่างไกลบุหรี่ไฟฟ้า",
    "steps_taken": "1. คัดกรอง\n2. อบรมแกนนำ",
    "results": "ร้อยละ 80 เลิกสูบ",
}


def test_a_school_writes_adds_a_photo_and_sends_its_practice(world, login):
    a = world.a
    client = login(a.users["homeroom"])
    page = client.get(school_url(a.school, "new/"))
    assert 'id="no-child-note"' in page.content.decode()
    assert page.context["no_child_note"] == NO_CHILD_NOTE
    response = client.post(school_url(a.school, "new/"), FORM)
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == school_url(a.school, f"{practice.pk}/")
    assert practice.status == Status.DRAFT and practice.created_by == a.users["homeroom"]

    response = client.post(school_url(a.school, f"{practice.pk}/files/"), {"file": jpeg()})
    assert response.status_code == 302
    photo = practice.files.get()
    assert client.get(school_url(a.school, f"{practice.pk}/files/{photo.pk}/"))["Content-Type"] == (
        "image/jpeg"
    )
    # A file that is neither a photo nor a document the school may attach.
    bad = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    response = client.post(school_url(a.school, f"{practice.pk}/files/"), {"file": bad})
    assert response.status_code == 200 and practice.files.count() == 1

    # Sending needs the tick that no child is named or recognisable.
    response = client.post(school_url(a.school, f"{practice.pk}/submit/"), {})
    assert response.status_code == 200
    assert th("Check the practice, then tick this box.") in response.content.decode()
    response = client.post(school_url(a.school, f"{practice.pk}/submit/"), {"no_child": "on"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.SUBMITTED
    # Now it is the district's: the school can no longer change it.
    response = client.get(school_url(a.school, f"{practice.pk}/edit/"))
    assert response.status_code == 302
    assert 'id="practice-file-form"' not in client.get(response["Location"]).content.decode()


def test_the_district_sends_back_with_a_comment_then_publishes(world, login):
    a = world.a
    practice = practice_make(a.school, a.users["coordinator"], status=Status.SUBMITTED)
    client = login(a.users["district_supervisor"])
    queue = client.get(district_url(a.district, "review/")).content.decode()
    assert f'data-practice="{practice.pk}"' in queue
    review = district_url(a.district, f"{practice.pk}/review/")
    # Sending back needs a comment; publishing needs the reviewer's check.
    response = client.post(review, {"decision": "send_back", "comment": ""})
    assert response.status_code == 200
    assert th("Write what the school should change.") in response.content.decode()
    response = client.post(review, {"decision": "publish"})
    assert th("Check the texts and photos before publishing.") in response.content.decode()
    response = client.post(review, {"decision": "send_back", "comment": "ตัดชื่อนักเรียนออก"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.SENT_BACK

    # The school reads the comment, changes the text and sends it again.
    school = login(a.users["coordinator"])
    detail = school.get(school_url(a.school, f"{practice.pk}/")).content.decode()
    assert "ตัดชื่อนักเรียนออก" in detail and 'id="sent-back-note"' in detail
    edit = school.get(school_url(a.school, f"{practice.pk}/edit/"))
    revision = edit.context["form"].initial["revision"]
    school.post(school_url(a.school, f"{practice.pk}/edit/"), FORM | {"revision": revision})
    school.post(school_url(a.school, f"{practice.pk}/submit/"), {"no_child": "on"})

    client = login(a.users["district_supervisor"])
    response = client.post(review, {"decision": "publish", "checked": "on"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.PUBLISHED and practice.title == FORM["title"]


def test_a_stale_edit_keeps_what_was_typed_and_says_so(world, login):
    a = world.a
    practice = practice_make(a.school, a.users["coordinator"])
    client = login(a.users["homeroom"])
    url = school_url(a.school, f"{practice.pk}/edit/")
    client.post(url, FORM | {"revision": practice.revision, "results": "ของครูคนแรก"})
    response = client.post(url, FORM | {"revision": practice.revision, "results": "ของฉัน"})
    assert response.status_code == 200
    assert 'id="stale-note"' in response.content.decode()
    assert response.context["form"]["results"].value() == "ของฉัน"
    practice.refresh_from_db()
    assert practice.results == "ของครูคนแรก"


def test_another_school_of_the_district_finds_a_published_practice_by_a_thai_word(world, login):
    a = world.a
    _published(world, summary="โครงการป้องกันยาเสพติดในสถานศึกษาของเรา")
    other = second_school(world)
    client = login(director_of(other))
    response = client.get(school_url(other, "?q=ยาเสพติด"))
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 1
    assert "<mark>ยาเสพติด</mark>" in html
    practice = response.context["page_obj"].object_list[0]
    assert client.get(school_url(other, f"{practice.pk}/")).status_code == 200
    # Another school reads it, never changes it, and does not see the review.
    assert client.get(school_url(other, f"{practice.pk}/edit/")).status_code == 404
    assert (
        'id="practice-events"'
        not in client.get(school_url(other, f"{practice.pk}/")).content.decode()
    )
    assert client.get(school_url(other, "?q=ฟุตซอล")).context["page_obj"].paginator.count == 0
    assert a.school.name in html


def test_what_is_not_published_stays_with_the_school_and_the_reviewers(world, login):
    a = world.a
    writer = a.users["coordinator"]
    draft = practice_make(a.school, writer, title="ร่าง")
    sent = practice_make(a.school, writer, title="ส่งแล้ว", status=Status.SUBMITTED)
    other_school = second_school(world)
    other = login(director_of(other_school))
    for practice in (draft, sent):
        assert other.get(school_url(other_school, f"{practice.pk}/")).status_code == 404
    # School A's own pages are not the other director's at all.
    assert other.get(school_url(a.school, f"{draft.pk}/")).status_code == 404
    own = login(a.users["nurse"])
    assert own.get(school_url(a.school, f"{draft.pk}/")).status_code == 200
    network = login(a.users["network"])
    assert network.get(school_url(a.school, f"{sent.pk}/")).status_code == 404
    reviewer = login(a.users["district_supervisor"])
    assert reviewer.get(district_url(a.district, f"{draft.pk}/")).status_code == 404
    assert reviewer.get(district_url(a.district, f"{sent.pk}/")).status_code == 200


def test_another_district_finds_nothing(world, login):
    _published(world)
    b = world.b
    client = login(b.users["director"])
    assert client.get(school_url(b.school, "?q=ยาเสพติด")).context["page_obj"].paginator.count == 0
    client = login(b.users["district_supervisor"])
    response = client.get(district_url(b.district, "?q=ยาเสพติด"))
    assert response.context["page_obj"].paginator.count == 0


def test_the_network_and_the_district_browse_the_library(world, login):
    a = world.a
    practice = _published(world, step="know")
    response = login(a.users["network"]).get(f"/n/{a.network.pk}/practices/?step=know")
    assert [p.pk for p in response.context["page_obj"].object_list] == [practice.pk]
    response = login(a.users["district_admin"]).get(district_url(a.district, "?step=screen"))
    assert response.context["page_obj"].paginator.count == 0
    html = login(a.users["district_admin"]).get(district_url(a.district)).content.decode()
    assert 'id="review-queue"' in html


def test_a_document_downloads_under_its_own_name(world, login):
    a = world.a
    practice = practice_make(a.school, a.users["coordinator"])
    client = login(a.users["coordinator"])
    pdf = SimpleUploadedFile("แผนงาน.pdf", b"%PDF-1.7 plan", "application/pdf")
    client.post(school_url(a.school, f"{practice.pk}/files/"), {"file": pdf, "caption": "แผน"})
    document = practice.files.get()
    response = client.get(school_url(a.school, f"{practice.pk}/files/{document.pk}/"))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    # Removing it, then deleting the draft.
    client.post(school_url(a.school, f"{practice.pk}/files/{document.pk}/delete/"))
    assert not practice.files.exists()
    response = client.post(school_url(a.school, f"{practice.pk}/delete/"))
    assert response["Location"] == school_url(a.school, "ours/")
    assert not Practice.objects.exists()


def test_the_take_down_needs_a_reason(world, login):
    a = world.a
    practice = _published(world)
    client = login(a.users["district_admin"])
    url = district_url(a.district, f"{practice.pk}/take-down/")
    assert client.post(url, {"comment": ""}).status_code == 200
    assert client.post(url, {"comment": "เห็นหน้านักเรียน"}).status_code == 302
    practice.refresh_from_db()
    assert practice.status == Status.SENT_BACK
