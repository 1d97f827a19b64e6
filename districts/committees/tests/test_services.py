"""Committees' writes: the place a committee belongs to, members in and outside the system,
a meeting's numbering, usual agenda and attendance, the minutes saved over a colleague's refused,
resolutions and their follow-up."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from districts.committees import selectors, services
from districts.committees.models import Attendance, Committee, Member, Resolution
from districts.committees.tests.factories import (
    DAY,
    make_committee,
    make_meeting,
    make_resolution,
)


@pytest.mark.django_db
def test_a_committee_belongs_to_one_place_of_its_district(world):
    a, b = world.a, world.b
    assert make_committee(a).level == Committee.Level.SCHOOL
    assert make_committee(a, level="network").level == Committee.Level.NETWORK
    assert make_committee(a, level="district").level == Committee.Level.DISTRICT
    with pytest.raises(ValidationError):
        services.committee_create(
            district=a.district, school=b.school, user=None, title="x", duties="y"
        )
    with pytest.raises(ValidationError):
        services.committee_create(
            district=a.district,
            school=a.school,
            network=a.network,
            user=None,
            title="x",
            duties="y",
        )


@pytest.mark.django_db
def test_members_are_listed_as_the_order_lists_them(world):
    a = world.a
    committee = make_committee(a)
    advisor = services.MemberDetails(Member.Role.ADVISOR, name="ที่ปรึกษา ก")
    services.member_add(committee=committee, details=advisor)
    members = selectors.members_in_order(committee)
    assert [m.role for m in members] == ["advisor", "chair", "member", "secretary"]
    # A user's name comes from the system when none is typed; an outsider keeps theirs.
    assert members[1].name == a.users["director"].display_name
    assert members[2].user is None and members[2].organisation == "ชุมชนบ้านหนองบัว"
    with pytest.raises(ValidationError):
        nobody = services.MemberDetails(Member.Role.MEMBER, name=" ")
        services.member_add(committee=committee, details=nobody)


@pytest.mark.django_db
def test_a_meeting_gets_its_number_the_usual_agenda_and_everyone_present(world):
    a = world.a
    committee = make_committee(a)
    first = make_meeting(a, committee)
    second = make_meeting(a, committee)
    assert (first.number, second.number) == (1, 2)
    assert [i.title for i in first.agenda.all()] == services.DEFAULT_AGENDA
    assert set(first.attendance.values_list("status", flat=True)) == {"present"}
    assert first.attendance.count() == 3


@pytest.mark.django_db
def test_the_minutes_over_a_colleagues_are_refused(world):
    a = world.a
    committee = make_committee(a)
    meeting = make_meeting(a, committee)
    member = committee.members.get(role=Member.Role.MEMBER)
    agenda = [services.AgendaEntry("เรื่องแจ้ง", "", "ประธานแจ้ง"), services.AgendaEntry("")]
    saved = services.meeting_save(
        meeting=meeting,
        held_on=meeting.held_on,
        starts_at=None,
        place="ห้องประชุม 2",
        guests="นายแพทย์ ก",
        attendance={member.pk: Attendance.Status.EXCUSED},
        agenda=agenda,
        revision=meeting.revision,
    )
    assert saved.revision == meeting.revision + 1
    assert list(saved.agenda.values_list("title", flat=True)) == ["เรื่องแจ้ง"]
    assert saved.attendance.get(member=member).status == "excused"
    with pytest.raises(services.StaleMeeting):
        services.meeting_save(
            meeting=meeting, held_on=meeting.held_on, starts_at=None, place="", guests="",
            attendance={}, agenda=agenda, revision=meeting.revision,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.meeting_save(
            meeting=meeting, held_on=meeting.held_on, starts_at=None, place="", guests="",
            attendance={member.pk: "asleep"}, agenda=agenda, revision=saved.revision,
        )  # fmt: skip
    # A member recorded at a meeting stays in its minutes.
    with pytest.raises(ValidationError):
        services.member_remove(member=member)


@pytest.mark.django_db
def test_a_resolution_is_followed_up_until_done(world):
    a = world.a
    meeting = make_meeting(a, make_committee(a))
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        make_resolution(a, meeting, agenda_number=9)
    with pytest.raises(ValidationError):
        make_resolution(a, meeting, due_on=meeting.held_on - DAY)
    late = make_resolution(a, meeting, due_on=today - DAY)
    later = make_resolution(a, meeting, text="ติดตามผล", due_on=today + 5 * DAY)
    assert [r.pk for r in selectors.open_resolutions({"school": a.school})] == [late.pk, later.pk]
    services.resolution_follow_up(
        resolution=late, status="in_progress", note="ติดต่อวิทยากรแล้ว", on=today, user=None,
        revision=late.revision,
    )  # fmt: skip
    with pytest.raises(services.StaleResolution):
        services.resolution_follow_up(
            resolution=late, status="done", note="x", on=today, user=None, revision=late.revision
        )
    late.refresh_from_db()
    services.resolution_follow_up(
        resolution=late, status="done", note="อบรมแล้ว", on=today, user=None, revision=late.revision
    )
    assert Resolution.objects.get(pk=late.pk).status == "done"
    assert [r.pk for r in selectors.open_resolutions({"school": a.school})] == [later.pk]
    assert late.updates.count() == 2
