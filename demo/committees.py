"""Demo committees (seed_demo): the district office's committee for the student care system,
network 1's team and a committee at most schools (director1's with its meetings), as the seeds
describe the teams at district, network and school level (000 "T - Team"). Members in and out
of the system, appointment orders numbered and dated, meetings with the usual agenda, minutes
and resolutions: one done, one in progress, one overdue, one due. No student is named.

Written through the services, as the pages would write them."""

from __future__ import annotations

import datetime

from carecore.models import Membership, Role
from districts.committees import services
from districts.committees.models import Committee, Member

DAY = datetime.timedelta(days=1)
DRAFTED = "ร่างแบบบันทึกแล้ว รอเสนอที่ประชุมครู"

DISTRICT_DUTIES = """กำหนดนโยบายและแนวทางการดำเนินงานระบบการดูแลช่วยเหลือนักเรียนของเขตพื้นที่การศึกษา
ส่งเสริม สนับสนุน และประสานภาคีเครือข่ายทั้งภายในและภายนอก
กำกับ ติดตาม นิเทศ และประเมินผลการดำเนินงานของโรงเรียนในสังกัด
สรุปและรายงานผลการดำเนินงานต่อสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน"""
SCHOOL_DUTIES = """วางแผนและดำเนินงานระบบการดูแลช่วยเหลือนักเรียนครบทั้ง 5 ขั้นตอน
ประสานความร่วมมือกับผู้ปกครอง ชุมชน และหน่วยงานภาคีเครือข่าย
ติดตาม ประเมินผล และรายงานผลการดำเนินงานต่อผู้บริหารสถานศึกษา"""
NETWORK_DUTIES = """ติดตาม ชี้แนะ และให้ความช่วยเหลือโรงเรียนในกลุ่มเครือข่าย
จัดเวทีแลกเปลี่ยนเรียนรู้การดำเนินงานระบบการดูแลช่วยเหลือนักเรียน"""


def _users(**where):
    return [
        m.user
        for m in Membership.objects.filter(**where)
        .select_related("user")
        .order_by("user__username")
    ]


def _committee(*, district, title, duties, number, date, signer, user, members, **place):
    committee = services.committee_create(
        district=district,
        title=title,
        duties=duties,
        order_number=str(number),
        order_date=date,
        signer_name=signer[0],
        signer_position=signer[1],
        user=user,
        **place,
    )
    for role, person, position, organisation in members:
        someone, name = (None, person) if isinstance(person, str) else (person, "")
        details = services.MemberDetails(role, someone, name, position, organisation)
        services.member_add(committee=committee, details=details)
    return committee


def _meeting(committee, *, held_on, user, minutes, resolutions, absent=0):
    meeting = services.meeting_create(
        committee=committee,
        held_on=held_on,
        starts_at=datetime.time(13, 30),
        place="ห้องประชุม",
        user=user,
    )
    members = list(committee.members.order_by("-pk"))
    agenda = [
        services.AgendaEntry(item.title, "", minutes.get(item.number, "รับทราบ"))
        for item in meeting.agenda.all()
    ]
    services.meeting_save(
        meeting=meeting,
        held_on=held_on,
        starts_at=meeting.starts_at,
        place=meeting.place,
        guests="",
        attendance={m.pk: "excused" for m in members[:absent]},
        agenda=agenda,
        revision=meeting.revision,
    )
    for text, owner, due_on, follow_ups in resolutions:
        resolution = services.resolution_add(
            meeting=meeting, text=text, owner=owner, due_on=due_on, agenda_number=4, user=user
        )
        for on, status, note in follow_ups:
            resolution.refresh_from_db()
            services.resolution_follow_up(
                resolution=resolution,
                status=status,
                note=note,
                on=on,
                user=user,
                revision=resolution.revision,
            )
    return meeting


def seed_committees(*, district, networks, schools, today: datetime.date) -> list[Committee]:
    supervisor = _users(district=district, role=Role.DISTRICT_SUPERVISOR)[0]
    admins = _users(district=district, role=Role.DISTRICT_ADMIN)
    directors = {m.school_id: m.user for m in Membership.objects.filter(
        school__in=schools, role=Role.DIRECTOR).select_related("user")}  # fmt: skip
    coordinators = {m.school_id: m.user for m in Membership.objects.filter(
        school__in=schools, role=Role.COORDINATOR).select_related("user")}  # fmt: skip
    term_start = today - 120 * DAY
    year = term_start
    made = []
    # The district office's committee.
    members = [
        (Member.Role.CHAIR, "นายวิชัย ศรีสุข", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", ""),
        (Member.Role.VICE_CHAIR, "นางสุนันทา แก้วมณี", "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", ""),
        (Member.Role.MEMBER, "นายแพทย์ธนา ใจเย็น", "จิตแพทย์", "โรงพยาบาลประจำจังหวัด"),
        (Member.Role.MEMBER, "พ.ต.ท.สมศักดิ์ มั่นคง", "สารวัตรป้องกันปราบปราม", "สถานีตำรวจภูธรอำเภอเมือง"),
        *[
            (Member.Role.MEMBER, d, "ผู้อำนวยการโรงเรียน", "ผู้แทนผู้บริหารสถานศึกษา")
            for d in list(directors.values())[:2]
        ],  # fmt: skip
        *[(Member.Role.MEMBER, a, "", "") for a in admins[:1]],
        (Member.Role.SECRETARY, supervisor, "ศึกษานิเทศก์", ""),
    ]
    district_committee = _committee(
        district=district,
        title="คณะกรรมการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน ระดับเขตพื้นที่การศึกษา",
        duties=DISTRICT_DUTIES,
        number=245,
        date=year,
        signer=("นายวิชัย ศรีสุข", f"ผู้อำนวยการ{district.name}"),
        user=supervisor,
        members=members,
    )
    made.append(district_committee)
    _meeting(
        district_committee,
        held_on=today - 60 * DAY,
        user=supervisor,
        absent=1,
        minutes={
            1: "ประธานแจ้งนโยบายการดูแลช่วยเหลือนักเรียนของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
            4: "ที่ประชุมพิจารณาแผนการนิเทศ ติดตามโรงเรียนภาคเรียนที่ 1",
        },
        resolutions=[
            ("จัดอบรมครูที่ปรึกษาเรื่องการคัดกรองนักเรียนด้วยแบบ SDQ ทุกโรงเรียน", "กลุ่มส่งเสริมการจัดการศึกษา",
             today - 30 * DAY, [(today - 45 * DAY, "in_progress", "ติดต่อวิทยากรและกำหนดวันอบรมแล้ว"),
                                (today - 28 * DAY, "done", "อบรมครูที่ปรึกษาครบทุกโรงเรียน")]),
            ("นิเทศ ติดตามโรงเรียนทุกแห่งภายในภาคเรียนที่ 1", "ศึกษานิเทศก์",
             today + 20 * DAY, [(today - 20 * DAY, "in_progress", "นิเทศแล้วครึ่งหนึ่งของโรงเรียน")]),
        ],
    )  # fmt: skip
    _meeting(
        district_committee,
        held_on=today - 7 * DAY,
        user=supervisor,
        minutes={3: "ติดตามการนิเทศโรงเรียน ดำเนินการไปแล้วร้อยละ 60"},
        resolutions=[
            ("สรุปผลการคัดกรองนักเรียนรายโรงเรียนเสนอที่ประชุมครั้งต่อไป", "กลุ่มนิเทศ ติดตาม และประเมินผล",
             today - 2 * DAY, []),
            ("ประสานโรงพยาบาลจัดช่องทางส่งต่อนักเรียนที่มีปัญหาสุขภาพจิต", "นายแพทย์ธนา ใจเย็น",
             today + 30 * DAY, []),
        ],
    )  # fmt: skip
    # Network 1's team.
    network = networks[0]
    network_supervisor = next(iter(_users(network=network)), supervisor)
    network_schools = [s for s in schools if s.network_id == network.pk]
    made.append(
        _committee(
            district=district,
            network=network,
            title=f"คณะทำงานติดตาม ชี้แนะ และให้ความช่วยเหลือ {network.name}",
            duties=NETWORK_DUTIES,
            number=12,
            date=year + 10 * DAY,
            signer=("", f"ประธาน{network.name}"),
            user=network_supervisor,
            members=[(Member.Role.CHAIR, network_supervisor, "ศึกษานิเทศก์", "")]
            + [
                (Member.Role.MEMBER, directors[s.pk], "ผู้อำนวยการโรงเรียน", s.name)
                for s in network_schools
                if s.pk in directors
            ],
        )
    )
    # A committee at most schools (every third has not recorded one yet); director1's first.
    for i, school in enumerate(schools):
        if i % 3 == 2 or school.pk not in directors:
            continue
        director = directors[school.pk]
        members = [(Member.Role.CHAIR, director, "ผู้อำนวยการโรงเรียน", "")]
        members += [
            (Member.Role.MEMBER, m.user, "ครู", "")
            for m in Membership.objects.filter(school=school, role__in=[Role.COUNSELLOR])
            .select_related("user")
            .order_by("user__username")[:1]
        ]
        members += [
            (Member.Role.MEMBER, "นางสมใจ รักเด็ก", "ผู้แทนเครือข่ายผู้ปกครอง", ""),
            (Member.Role.MEMBER, "นายบุญมี ทองดี", "ผู้ใหญ่บ้าน", "ชุมชนรอบโรงเรียน"),
        ]
        if school.pk in coordinators:
            position = "ครูผู้ประสานงานระบบการดูแลช่วยเหลือนักเรียน"
            members.append((Member.Role.SECRETARY, coordinators[school.pk], position, ""))
        committee = _committee(
            district=district,
            school=school,
            title="คณะกรรมการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
            duties=SCHOOL_DUTIES,
            number=30 + i,
            date=year + (i % 5) * DAY,
            signer=(director.display_name, f"ผู้อำนวยการ{school.name}"),
            user=director,
            members=members,
        )
        made.append(committee)
        if i == 0:
            _meeting(
                committee,
                held_on=today - 14 * DAY,
                user=director,
                minutes={1: "ผู้อำนวยการแจ้งผลการนิเทศจากสำนักงานเขตพื้นที่การศึกษา"},
                resolutions=[
                    ("จัดประชุมผู้ปกครองชั้นเรียนทุกห้องภายในเดือนนี้", "ครูที่ปรึกษาทุกห้อง",
                     today - 1 * DAY, []),
                    ("จัดทำแบบบันทึกการช่วยเหลือนักเรียนรายกรณีแบบเดียวกันทุกชั้น", "ครูแนะแนว",
                     today + 14 * DAY, [(today - 3 * DAY, "in_progress", DRAFTED)]),
                ],
            )  # fmt: skip
    return made
