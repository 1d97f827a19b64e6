"""Committees, members, meetings and resolutions for the tests, made through the services."""

import datetime

from django.utils import timezone

from districts.committees import services
from districts.committees.models import Member
from districts.committees.services import MemberDetails

DAY = datetime.timedelta(days=1)


def make_committee(side, *, level="school", title="คณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน"):
    """A committee of the side's school, network or district, with a chair, a member from
    outside the system and a secretary."""
    place = {
        "school": {"school": side.school},
        "network": {"network": side.network},
        "district": {},
    }[level]
    committee = services.committee_create(
        district=side.district,
        user=side.users["district_supervisor"],
        title=title,
        duties="วางแผนการดำเนินงาน\nกำกับ ติดตาม และประเมินผล",
        order_number="125",
        order_date=timezone.localdate() - 30 * DAY,
        signer_name="นายสมชาย ใจดี",
        signer_position="ผู้อำนวยการ",
        **place,
    )
    for details in (
        MemberDetails(Member.Role.CHAIR, side.users["director"], position="ผู้อำนวยการ"),
        MemberDetails(
            Member.Role.MEMBER,
            name="นางสาวมาลี ชุมชนดี",
            position="ผู้แทนผู้ปกครอง",
            organisation="ชุมชนบ้านหนองบัว",
        ),
        MemberDetails(Member.Role.SECRETARY, side.users["coordinator"], position="ครูผู้ประสานงาน"),
    ):
        services.member_add(committee=committee, details=details)
    return committee


def make_meeting(side, committee, *, held_on=None):
    return services.meeting_create(
        committee=committee,
        held_on=held_on or timezone.localdate() - 7 * DAY,
        place="ห้องประชุม",
        user=side.users["district_supervisor"],
    )


def make_resolution(side, meeting, *, text="จัดอบรมครูที่ปรึกษา", due_on=None, agenda_number=4):
    return services.resolution_add(
        meeting=meeting,
        text=text,
        owner="ฝ่ายแนะแนว",
        due_on=due_on,
        agenda_number=agenda_number,
        user=side.users["district_supervisor"],
    )
