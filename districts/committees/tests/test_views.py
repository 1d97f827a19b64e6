"""The committee pages at the three places: a school's director builds a committee, its members
(a user and an outsider), a meeting with attendance, minutes and resolutions, and follows a
resolution up; readers read and may not change; another place's committee is 404; stale and
junk posts keep what was typed; the pages keep their queries at 20 and 200 schools."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from conftest import th
from districts.committees.models import Committee, Meeting, Member, Resolution
from districts.committees.tests.factories import make_committee, make_meeting, make_resolution
from districts.deadlines.tests.test_views import add_schools  # n schools in two networks

NAMESPACE = {
    "school": "committees",
    "network": "committees_network",
    "district": "committees_district",
}


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def url(side, name="committee_list", *, level="school", **kwargs) -> str:
    place = {
        "school": {"school_code": side.school.code},
        "network": {"network_id": side.network.pk},
        "district": {"district_code": side.district.code},
    }[level]
    prefix = {"school": "", "network": "network_", "district": "district_"}[level]
    kwargs = {f"{prefix}{key}": value for key, value in kwargs.items()}
    return reverse(f"{NAMESPACE[level]}:{name}", kwargs={**place, **kwargs})


@pytest.mark.django_db
def test_a_director_builds_a_committee_and_holds_a_meeting(world, login):
    a = world.a
    client = login(a.users["director"])
    response = client.post(
        url(a, "committee_create"),
        {
            "title": "คณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
            "duties": "วางแผน\nติดตาม",
            "order_number": "12",
            "order_date": be(timezone.localdate()),
            "signer_name": "นายผู้อำนวยการ ดี",
            "signer_position": "ผู้อำนวยการโรงเรียน",
        },
    )
    committee = Committee.objects.get()
    assert committee.school == a.school and committee.created_by == a.users["director"]
    assert response["Location"] == url(a, "committee_detail", committee_id=committee.pk)
    # A user of the system, then a person outside it.
    client.post(
        url(a, "member_add", committee_id=committee.pk),
        {"user": a.users["coordinator"].pk, "role": "secretary", "position": "ครู"},
    )
    client.post(
        url(a, "member_add", committee_id=committee.pk),
        {"name": "นายกำนัน ใจดี", "position": "กำนัน", "organisation": "ตำบลหนองบัว", "role": "member"},
    )
    # A user of another school is not offered (a made-up choice is refused, what was typed kept).
    page = client.post(
        url(a, "member_add", committee_id=committee.pk),
        {"user": world.b.users["coordinator"].pk, "name": "คนอื่น", "role": "member"},
    )
    assert page.status_code == 200
    assertContains(page, "คนอื่น")
    assert committee.members.count() == 2
    page = client.get(url(a, "committee_detail", committee_id=committee.pk))
    assertContains(page, "นายกำนัน ใจดี")
    assertContains(page, th("Member and secretary"))
    # A meeting: the usual agenda, then attendance, minutes and a guest.
    response = client.post(
        url(a, "meeting_create", committee_id=committee.pk),
        {"held_on": be(timezone.localdate()), "starts_at": "13:30", "place": "ห้องประชุม"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == url(
        a, "meeting_edit", committee_id=committee.pk, meeting_id=meeting.pk
    )
    outsider = committee.members.get(user=None)
    form = client.get(response["Location"]).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["held_on"] = be(meeting.held_on)
    data["starts_at"] = "13:30"
    data[f"attendance_{outsider.pk}"] = "excused"
    data["minutes_1"] = "ประธานแจ้งนโยบายของเขตพื้นที่"
    data["title_6"] = "เรื่องเพิ่มเติม"
    data["guests"] = "นางพยาบาล รพ.สต."
    response = client.post(
        url(a, "meeting_edit", committee_id=committee.pk, meeting_id=meeting.pk), data
    )
    assert response.status_code == 302
    assert meeting.agenda.count() == 6
    assert meeting.attendance.get(member=outsider).status == "excused"
    # A resolution under item 4, then its follow-up.
    client.post(
        url(a, "resolution_add", committee_id=committee.pk, meeting_id=meeting.pk),
        {"agenda_number": "4", "text": "จัดอบรมครูที่ปรึกษา", "owner": "ฝ่ายแนะแนว",
         "due_on": be(timezone.localdate() + datetime.timedelta(days=30))},
    )  # fmt: skip
    resolution = Resolution.objects.get()
    minutes = client.get(url(a, "meeting_detail", committee_id=committee.pk, meeting_id=meeting.pk))
    for text in ("ประธานแจ้งนโยบายของเขตพื้นที่", "นางพยาบาล รพ.สต.", "จัดอบรมครูที่ปรึกษา", "เรื่องเพิ่มเติม"):
        assertContains(minutes, text)
    assertContains(client.get(url(a, "resolution_list")), "จัดอบรมครูที่ปรึกษา")
    detail = url(a, "resolution_detail", committee_id=committee.pk, resolution_id=resolution.pk)
    client.post(detail, {"on": be(timezone.localdate()), "status": "done", "note": "อบรมแล้ว",
                         "revision": resolution.revision})  # fmt: skip
    assert Resolution.objects.get().status == "done"
    assertNotContains(client.get(url(a, "resolution_list")), "จัดอบรมครูที่ปรึกษา")


@pytest.mark.django_db
def test_readers_read_and_change_nothing(world, login):
    a = world.a
    committee = make_committee(a)
    meeting = make_meeting(a, committee)
    resolution = make_resolution(a, meeting)
    client = login(a.users["homeroom"])
    assertContains(client.get(url(a)), committee.title)
    assertNotContains(client.get(url(a)), 'id="committee-new"')
    detail = url(a, "resolution_detail", committee_id=committee.pk, resolution_id=resolution.pk)
    assertNotContains(client.get(detail), "follow-up-form")
    assert (
        client.post(
            detail, {"on": be(timezone.localdate()), "status": "done", "note": "x"}
        ).status_code
        == 403
    )
    assert client.get(url(a, "committee_edit", committee_id=committee.pk)).status_code == 403
    assert Resolution.objects.get().status == "open"


@pytest.mark.django_db
def test_another_places_committee_is_not_found(world, login):
    a, b = world.a, world.b
    theirs = make_committee(b)
    district_committee = make_committee(a, level="district")
    client = login(a.users["director"])
    assert client.get(url(a, "committee_detail", committee_id=theirs.pk)).status_code == 404
    # The district's committee is not the school's, even for whoever reaches both.
    assert (
        client.get(url(a, "committee_detail", committee_id=district_committee.pk)).status_code
        == 404
    )
    staff = login(a.users["district_supervisor"])
    assert (
        staff.get(url(a, "committee_detail", committee_id=district_committee.pk)).status_code == 404
    )
    assert (
        staff.get(
            url(a, "committee_detail", level="district", committee_id=district_committee.pk)
        ).status_code
        == 200
    )
    assert (
        staff.get(url(a, "committee_detail", level="district", committee_id=10**20)).status_code
        == 404
    )


@pytest.mark.django_db
def test_stale_and_junk_posts_keep_what_was_typed(world, login):
    a = world.a
    committee = make_committee(a)
    meeting = make_meeting(a, committee)
    client = login(a.users["coordinator"])
    edit = url(a, "meeting_edit", committee_id=committee.pk, meeting_id=meeting.pk)
    form = client.get(edit).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["held_on"] = be(meeting.held_on)
    Meeting.objects.filter(pk=meeting.pk).update(revision=meeting.revision + 1)
    data["minutes_2"] = "รับรองโดยไม่มีแก้ไข"
    page = client.post(edit, data)
    assert page.status_code == 200
    assertContains(page, "รับรองโดยไม่มีแก้ไข")
    assertContains(
        page, th("Someone saved this meeting after you opened it. Check and save again.")
    )
    assertContains(page, f'name="revision" value="{meeting.revision + 1}"')
    # Junk: a status no one has, no agenda item, a made-up date.
    junk = data | {f"attendance_{committee.members.first().pk}": "asleep", "held_on": "31/02/2568"}
    junk |= {f"title_{n}": "" for n in range(1, 7)}
    page = client.post(edit, junk)
    assert page.status_code == 200
    assertContains(page, "รับรองโดยไม่มีแก้ไข")
    page = client.post(
        url(a, "committee_edit", committee_id=committee.pk), {"title": "ใหม่", "revision": "x"}
    )
    assert page.status_code == 200
    page = client.post(url(a, "resolution_add", committee_id=committee.pk, meeting_id=meeting.pk),
                       {"agenda_number": "99", "text": "มติ", "owner": "ครู"})  # fmt: skip
    assert page.status_code == 200
    assertContains(page, "มติ")
    assert not Resolution.objects.exists()


@pytest.mark.django_db
def test_the_network_supervisor_prints_the_order_and_only_they_fetch_it(
    world, login, django_capture_on_commit_callbacks
):
    from carecore.models import GeneratedFile

    a = world.a
    committee = make_committee(a, level="network")
    client = login(a.users["network"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(a, "committee_order", level="network", committee_id=committee.pk)
        )
    assert response.status_code == 302
    generated = GeneratedFile.objects.get()
    assert generated.status == "done", generated.error
    download = reverse("generated_file_download", kwargs={"file_id": generated.pk})
    assert client.get(download).status_code == 200
    # The school's director, who manages the school's committees, does not get the file.
    assert login(a.users["director"]).get(download).status_code == 404
    # A homeroom teacher reads the committee but does not print its order.
    teacher = login(a.users["homeroom"])
    assert teacher.post(url(a, "committee_order", committee_id=committee.pk)).status_code == 403


# session, user, the place, memberships, the scope's school ids, then the page's own: the list's
# committees with their counts (+ the schools per network at a network or the district).
LIST_QUERIES = {"school": 6, "network": 7, "district": 7}
# ... the committee, its members, its meetings with their counts.
DETAIL_QUERIES = 8
# ... the committee, the meeting, its agenda, attendance with members, resolutions.
MEETING_QUERIES = 10
# ... the open resolutions with their meeting and committee.
RESOLUTIONS_QUERIES = 6


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_pages_keep_their_queries_whatever_the_schools(
    world, login, n, django_assert_num_queries
):
    a = world.a
    added = add_schools(a, n - 1)
    for school in added[: n // 2]:
        committee = Committee.objects.create(
            district=a.district, school=school, title="ทีม", duties="x"
        )
        Member.objects.create(committee=committee, name="ครู")
    for level in ("school", "network", "district"):
        committee = make_committee(a, level=level)
        meeting = make_meeting(a, committee)
        make_resolution(a, meeting)
    client = login(a.users["district_supervisor"])
    for level in ("school", "network", "district"):
        committee = Committee.objects.get(
            **{
                "district": {"network": None, "school": None},
                "network": {"network": a.network},
                "school": {"school": a.school},
            }[level]
        )  # noqa: E501
        meeting = committee.meetings.get()
        with django_assert_num_queries(LIST_QUERIES[level]):
            page = client.get(url(a, level=level))
        assertContains(page, 'data-members="3"')
        if level == "district":
            assertContains(page, f'data-schools="{n}" data-with="{n // 2 + 1}"')
        with django_assert_num_queries(DETAIL_QUERIES):
            client.get(url(a, "committee_detail", level=level, committee_id=committee.pk))
        with django_assert_num_queries(MEETING_QUERIES):
            client.get(
                url(
                    a,
                    "meeting_detail",
                    level=level,
                    committee_id=committee.pk,
                    meeting_id=meeting.pk,
                )
            )
        with django_assert_num_queries(RESOLUTIONS_QUERIES):
            page = client.get(url(a, "resolution_list", level=level))
        assert page.content.decode().count('action resolution-row"') == 1
        assert a.student.first_name not in page.content.decode()
