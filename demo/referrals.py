"""Demo referrals (step 5): the district's directory of partner agencies in Khon Kaen, and
referrals in every state for the demo schools.

- ``seed_agencies(district)``: a dozen agencies (hospitals, the psychiatric hospital, รพ.สต.,
  police, the provincial social development office, the children's home, a foundation, the local
  government), most with an MOU, one no longer in use. The agencies are real kinds of places;
  the contact people and every phone number are invented.
- ``seed_referrals(...)``: mostly students of the problem group (some at risk), referred
  internally (to the counsellor, the discipline office, the nurse) or to an agency with the
  guardian's consent; sent, accepted, in progress and closed, some overdue, external ones with the
  agency's result and follow-ups. Teacher1's room has at least one referral still waiting for an
  answer and one closed, both sent by teacher1; counsellor1 has referrals waiting in the inbox.

The demo schools have no discipline office or nurse accounts, so two homeroom teachers of each
school (never teacher1 or teacher2) take those roles too, as teachers do in small schools.

Everything goes in with bulk inserts: seed_demo stays fast.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from care.models import CarePlan
from carecore.models import Membership, Notification, Role
from referrals.models import ANSWER_DAYS, Agency, AgencyKind, Referral, ReferralUpdate
from schools.models import HomeroomAssignment, School, Term
from screening.models import CareGroup
from students.models import Enrolment, Guardian

BATCH = 2000
TEACHER1 = "teacher1"
COUNSELLOR1 = "counsellor1"
KEEP_ACCOUNTS = {"teacher1", "teacher2"}

Status = Referral.Status

# name, kind, phone, address, contact people, services, MOU signed (years ago), in use
AGENCIES = [
    (
        "โรงพยาบาลขอนแก่น",
        AgencyKind.HOSPITAL,
        "043-241-580, 1669",
        "54 ถนนศรีจันทร์ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวพิมพ์ชนก ศรีสวัสดิ์, นักสังคมสงเคราะห์, 081-555-0142\n"
        "นายแพทย์ธนากร วงศ์ใหญ่, กุมารแพทย์, 043-241-581",
        "ตรวจรักษาโรคทั่วไปและโรคเรื้อรัง กุมารเวชกรรม ทันตกรรม",
        3,
        True,
    ),
    (
        "ศูนย์พึ่งได้ (OSCC) โรงพยาบาลขอนแก่น",
        AgencyKind.HOSPITAL,
        "043-241-599, 1300",
        "54 ถนนศรีจันทร์ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางวิไลวรรณ คำมูล, พยาบาลวิชาชีพ, 089-555-0178",
        "ช่วยเหลือเด็กและสตรีที่ถูกกระทำรุนแรง ตรวจร่างกาย ให้คำปรึกษา ประสานตำรวจและพม.",
        3,
        True,
    ),
    (
        "โรงพยาบาลจิตเวชขอนแก่นราชนครินทร์",
        AgencyKind.PSYCHIATRY,
        "043-209-990, 1323",
        "169 ถนนชาตะผดุง ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวกนกวรรณ ทองดี, นักจิตวิทยาคลินิก, 086-555-0119\n"
        "นายสมพงษ์ แก้วประเสริฐ, พยาบาลจิตเวชเด็กและวัยรุ่น, 043-209-991",
        "ประเมินและบำบัดภาวะซึมเศร้า สมาธิสั้น ปัญหาพฤติกรรม การใช้สารเสพติด",
        2,
        True,
    ),
    (
        "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านค้อ",
        AgencyKind.HEALTH_PROMOTING_HOSPITAL,
        "043-555-214",
        "หมู่ 3 ตำบลบ้านค้อ อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางอรุณี พลเยี่ยม, พยาบาลวิชาชีพ, 088-555-0163",
        "ตรวจสุขภาพ ฉีดวัคซีน ติดตามภาวะโภชนาการ เยี่ยมบ้าน",
        1,
        True,
    ),
    (
        "โรงพยาบาลส่งเสริมสุขภาพตำบลโนนท่อน",
        AgencyKind.HEALTH_PROMOTING_HOSPITAL,
        "043-555-327",
        "หมู่ 7 ตำบลโนนท่อน อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นายวีระพงษ์ ศรีบุญเรือง, นักวิชาการสาธารณสุข, 087-555-0125",
        "ตรวจสุขภาพ ติดตามภาวะโภชนาการ ให้ความรู้เรื่องยาเสพติด",
        1,
        True,
    ),
    (
        "โรงพยาบาลส่งเสริมสุขภาพตำบลบ้านหว้า",
        AgencyKind.HEALTH_PROMOTING_HOSPITAL,
        "043-555-408",
        "หมู่ 1 ตำบลบ้านหว้า อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวศิริพร บุญมา, พยาบาลวิชาชีพ, 092-555-0137",
        "ตรวจสุขภาพ เยี่ยมบ้านผู้ป่วยและเด็กที่มีภาวะเสี่ยง",
        None,
        True,
    ),
    (
        "สถานีตำรวจภูธรเมืองขอนแก่น",
        AgencyKind.POLICE,
        "043-555-191, 191",
        "ถนนกลางเมือง ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "พ.ต.ท.หญิง สุนันทา ชัยมงคล, สารวัตรสอบสวน (คดีเด็กและเยาวชน), 081-555-0190",
        "คดีเด็กและเยาวชน การกระทำรุนแรงในครอบครัว ยาเสพติด",
        2,
        True,
    ),
    (
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดขอนแก่น",
        AgencyKind.SOCIAL_DEVELOPMENT,
        "043-555-030, 1300",
        "ศาลากลางจังหวัดขอนแก่น ถนนศูนย์ราชการ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวจิราพร แสนสุข, นักพัฒนาสังคม, 084-555-0151\nนายณัฐพล มณีวงศ์, นักสังคมสงเคราะห์, 043-555-031",
        "เงินสงเคราะห์ครอบครัวยากจน คุ้มครองเด็ก ประสานที่พักชั่วคราว",
        3,
        True,
    ),
    (
        "บ้านพักเด็กและครอบครัวจังหวัดขอนแก่น",
        AgencyKind.CHILDRENS_HOME,
        "043-555-266",
        "ถนนมิตรภาพ ตำบลศิลา อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวรัตนาภรณ์ ภูมิวงศ์, นักสังคมสงเคราะห์, 085-555-0184",
        "ที่พักชั่วคราวสำหรับเด็กที่ถูกทอดทิ้งหรือถูกกระทำรุนแรง ฟื้นฟูจิตใจ",
        2,
        True,
    ),
    (
        "มูลนิธิพัฒนาเด็กและเยาวชนอีสาน",
        AgencyKind.FOUNDATION,
        "043-555-772",
        "123/4 ถนนหน้าเมือง ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นายอนุชา สายทอง, ผู้ประสานงานโครงการ, 093-555-0117",
        "ทุนการศึกษา ชุดนักเรียน อุปกรณ์การเรียน ค่ายพัฒนาทักษะชีวิต",
        1,
        True,
    ),
    (
        "องค์การบริหารส่วนตำบลบ้านเป็ด",
        AgencyKind.LOCAL_GOVERNMENT,
        "043-555-845",
        "หมู่ 2 ตำบลบ้านเป็ด อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "นางสาวปวีณา ทองสุข, นักพัฒนาชุมชน, 061-555-0148",
        "เบี้ยยังชีพ ซ่อมแซมบ้านผู้ยากไร้ ประสานงานชุมชน",
        None,
        True,
    ),
    (
        "คลินิกสุขภาพจิตเด็กเอกชน (ปิดให้บริการแล้ว)",
        AgencyKind.PSYCHIATRY,
        "043-555-909",
        "ถนนประชาสโมสร ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000",
        "",
        "ให้คำปรึกษาครอบครัว",
        None,
        False,
    ),
]

# What the sender writes, by recipient: (reason, help given, what is asked).
INTERNAL_TEXTS = {
    Role.COUNSELLOR: [
        (
            "นักเรียนแยกตัวจากเพื่อน ไม่ค่อยพูด ร้องไห้ในห้องเรียนหลายครั้งในเดือนนี้",
            "ครูประจำชั้นพูดคุยเบื้องต้น 2 ครั้ง และโทรแจ้งผู้ปกครอง",
            "ขอให้ครูแนะแนวให้คำปรึกษาและประเมินความเครียด",
        ),
        (
            "ผลการเรียนลดลงมาก ไม่ส่งงานหลายวิชา บอกว่าไม่อยากมาโรงเรียน",
            "จัดเพื่อนช่วยเพื่อนและสอนซ่อมเสริม",
            "ขอให้ให้คำปรึกษาเรื่องแรงจูงใจในการเรียนและวางแผนร่วมกับผู้ปกครอง",
        ),
        (
            "พ่อแม่แยกทางกัน นักเรียนย้ายมาอยู่กับยาย ปรับตัวไม่ได้ ทะเลาะกับเพื่อนบ่อย",
            "เยี่ยมบ้านและพูดคุยกับยาย",
            "ขอให้ให้คำปรึกษารายบุคคลและติดตามร่วมกับครูประจำชั้น",
        ),
    ],
    Role.DISCIPLINE: [
        (
            "ขาดเรียนบ่อย มาสายเกือบทุกวันในสองสัปดาห์ที่ผ่านมา",
            "ตักเตือนและแจ้งผู้ปกครองทางโทรศัพท์",
            "ขอให้ฝ่ายปกครองติดตามการมาเรียนและเชิญผู้ปกครองมาพบ",
        ),
        (
            "ทะเลาะวิวาทกับเพื่อนต่างห้อง มีการทำร้ายร่างกาย",
            "แยกคู่กรณีและพูดคุยเบื้องต้น",
            "ขอให้ดำเนินการตามระเบียบและจัดกิจกรรมปรับพฤติกรรม",
        ),
    ],
    Role.NURSE: [
        (
            "ปวดท้องบ่อย หน้าซีด ไม่ค่อยรับประทานอาหารกลางวัน",
            "ให้พักที่ห้องพยาบาลและแจ้งผู้ปกครอง",
            "ขอให้ตรวจสุขภาพเบื้องต้นและติดตามภาวะโภชนาการ",
        ),
        (
            "มองกระดานไม่ชัด ต้องเดินมาดูใกล้ ๆ",
            "ให้นั่งแถวหน้า",
            "ขอให้ตรวจสายตาและประสานการตัดแว่น",
        ),
    ],
}
EXTERNAL_TEXTS = {
    AgencyKind.PSYCHIATRY: (
        "มีภาวะซึมเศร้า แยกตัว นอนไม่หลับ ผลคัดกรอง SDQ ด้านอารมณ์อยู่ในกลุ่มมีปัญหา",
        "ครูแนะแนวให้คำปรึกษา 4 ครั้ง เยี่ยมบ้าน และจัดเพื่อนช่วยเพื่อน",
        "ขอให้ประเมินภาวะซึมเศร้าและให้การบำบัด พร้อมคำแนะนำในการดูแลที่โรงเรียน",
    ),
    AgencyKind.HOSPITAL: (
        "น้ำหนักต่ำกว่าเกณฑ์มาก อ่อนเพลีย เป็นลมที่โรงเรียน 2 ครั้ง",
        "ครูอนามัยตรวจเบื้องต้นและจัดอาหารเสริม",
        "ขอให้ตรวจร่างกายและรักษาตามความเหมาะสม",
    ),
    AgencyKind.HEALTH_PROMOTING_HOSPITAL: (
        "ภาวะทุพโภชนาการ เหาและโรคผิวหนัง",
        "ให้ความรู้เรื่องสุขอนามัยและแจ้งผู้ปกครอง",
        "ขอให้ตรวจรักษาและเยี่ยมบ้านติดตามภาวะโภชนาการ",
    ),
    AgencyKind.POLICE: (
        "นักเรียนถูกกลุ่มวัยรุ่นนอกโรงเรียนข่มขู่และรีดไถเงินระหว่างทางกลับบ้าน",
        "ครูพาส่งบ้านและแจ้งผู้ปกครอง",
        "ขอให้ตรวจตราเส้นทางและดำเนินการตามกฎหมาย",
    ),
    AgencyKind.SOCIAL_DEVELOPMENT: (
        "ครอบครัวยากจนมาก ผู้ปกครองตกงาน นักเรียนไม่มีค่าเดินทางมาโรงเรียน",
        "ได้รับทุนเสมอภาคและอาหารกลางวัน",
        "ขอให้พิจารณาเงินสงเคราะห์ครอบครัวและประสานความช่วยเหลือ",
    ),
    AgencyKind.CHILDRENS_HOME: (
        "นักเรียนถูกทอดทิ้งให้อยู่ลำพัง ไม่มีผู้ดูแล",
        "ครูประสานญาติและผู้นำชุมชน",
        "ขอให้จัดที่พักชั่วคราวและคุ้มครองสวัสดิภาพ",
    ),
    AgencyKind.FOUNDATION: (
        "ขาดแคลนชุดนักเรียนและอุปกรณ์การเรียน ครอบครัวมีรายได้ต่ำ",
        "โรงเรียนช่วยเหลือชุดนักเรียน 1 ชุด",
        "ขอรับทุนการศึกษาและอุปกรณ์การเรียน",
    ),
    AgencyKind.LOCAL_GOVERNMENT: (
        "บ้านชำรุดทรุดโทรม หลังคารั่ว ไม่ปลอดภัย",
        "เยี่ยมบ้านและบันทึกภาพ",
        "ขอให้พิจารณาซ่อมแซมบ้านและให้ความช่วยเหลือครอบครัว",
    ),
}
SENSITIVE = [
    "นักเรียนเล่าว่าบิดาดื่มสุราแล้วทำร้ายมารดาบ่อยครั้ง",
    "นักเรียนเคยพูดว่าไม่อยากมีชีวิตอยู่",
    "มีร่องรอยฟกช้ำที่แขน นักเรียนไม่ยอมเล่าสาเหตุ",
]
PROGRESS = [
    "นัดพบนักเรียนครั้งแรกแล้ว นักเรียนยอมพูดคุย",
    "พูดคุยกับผู้ปกครองทางโทรศัพท์ ผู้ปกครองให้ความร่วมมือดี",
    "ติดตามในห้องเรียน นักเรียนมีแนวโน้มดีขึ้น",
]
# The result written back, by outcome (the text agrees with the outcome shown beside it).
INTERNAL_RESULTS = {
    "improved": [
        "ให้คำปรึกษา 3 ครั้ง นักเรียนเข้าใจปัญหาและกลับมาร่วมกิจกรรมกับเพื่อน",
        "เชิญผู้ปกครองมาพบ ทำข้อตกลงร่วมกัน นักเรียนมาเรียนสม่ำเสมอขึ้น",
    ],
    "partly": [
        "ให้คำปรึกษา 2 ครั้ง นักเรียนพูดคุยมากขึ้นแต่ยังขาดเรียนบางวัน",
        "ผู้ปกครองรับปากดูแลใกล้ชิด นักเรียนมาเรียนดีขึ้นบ้าง ยังต้องติดตามต่อ",
    ],
    "not_improved": [
        "นัดพบ 3 ครั้ง นักเรียนมาเพียงครั้งเดียว พฤติกรรมยังไม่เปลี่ยน",
    ],
    "referred_on": [
        "ตรวจแล้ว ส่งต่อให้ผู้ปกครองพาไปพบแพทย์ ได้รับการรักษาแล้ว",
        "เกินกำลังของโรงเรียน ส่งต่อโรงพยาบาลจิตเวชเพื่อประเมินเพิ่มเติม",
    ],
    "other": [
        "นักเรียนย้ายไปอยู่กับญาติต่างจังหวัดระหว่างการช่วยเหลือ",
    ],
}
AGENCY_RESULTS = {
    AgencyKind.PSYCHIATRY: (
        "ประเมินแล้วพบภาวะซึมเศร้าระดับปานกลาง บำบัดด้วยการพูดคุย 4 ครั้ง นัดติดตามทุก 2 สัปดาห์",
        "ครูควรพูดคุยกับนักเรียนสัปดาห์ละครั้ง ผู้ปกครองควรพามาตามนัด",
    ),
    AgencyKind.HOSPITAL: (
        "ตรวจพบภาวะโลหิตจาง ให้ยาเสริมธาตุเหล็กและนัดตรวจซ้ำ 1 เดือน",
        "ให้นักเรียนรับประทานอาหารกลางวันครบทุกวัน",
    ),
    AgencyKind.HEALTH_PROMOTING_HOSPITAL: (
        "ตรวจรักษาโรคผิวหนังแล้ว เยี่ยมบ้านแนะนำเรื่องอาหาร 2 ครั้ง",
        "ติดตามน้ำหนักทุกเดือน",
    ),
    AgencyKind.POLICE: (
        "จัดสายตรวจช่วงเวลาเลิกเรียน และเรียกผู้ปกครองของกลุ่มวัยรุ่นมาตักเตือน",
        "ให้นักเรียนกลับบ้านพร้อมเพื่อนหรือผู้ปกครอง",
    ),
    AgencyKind.SOCIAL_DEVELOPMENT: (
        "อนุมัติเงินสงเคราะห์ครอบครัว 3,000 บาท และขึ้นทะเบียนติดตาม",
        "โรงเรียนแจ้งหากครอบครัวมีปัญหาเพิ่มเติม",
    ),
    AgencyKind.CHILDRENS_HOME: (
        "รับเข้าพักชั่วคราว 2 สัปดาห์ แล้วส่งกลับให้ญาติดูแลพร้อมติดตามเยี่ยมบ้าน",
        "ครูประจำชั้นติดตามการมาเรียนทุกวัน",
    ),
    AgencyKind.FOUNDATION: (
        "มอบทุนการศึกษา 2,000 บาท และชุดนักเรียน 2 ชุด",
        "",
    ),
    AgencyKind.LOCAL_GOVERNMENT: (
        "ซ่อมแซมหลังคาบ้านเรียบร้อยแล้ว",
        "",
    ),
}
FOLLOW_UP_TEXTS = [
    "โทรคุยกับผู้ปกครอง นักเรียนไปตามนัดของหน่วยงาน",
    "ติดตามในห้องเรียน นักเรียนมาเรียนสม่ำเสมอขึ้น",
    "เยี่ยมบ้าน ครอบครัวได้รับความช่วยเหลือแล้ว",
]
AGENCY_PEOPLE = [
    "นางสาวกนกวรรณ ทองดี นักจิตวิทยาคลินิก",
    "นางสาวพิมพ์ชนก ศรีสวัสดิ์ นักสังคมสงเคราะห์",
    "นางอรุณี พลเยี่ยม พยาบาลวิชาชีพ",
]
# The guardian who consents, as the school writes it: name (relation).
RELATIONS_TH = {
    "father": "บิดา",
    "mother": "มารดา",
    "grandfather": "ปู่",
    "grandmother": "ย่า",
    "uncle": "ลุง",
    "aunt": "ป้า",
    "sibling": "พี่",
    "foster": "ผู้ปกครองบุญธรรม",
    "other": "ญาติ",
}
NOT_ASKED_REASON = "เหตุเร่งด่วน ติดต่อผู้ปกครองไม่ได้ นักเรียนอยู่ในความดูแลของญาติ"
STATUSES = [Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS, Status.CLOSED]
STATUS_WEIGHTS = [20, 15, 25, 40]
OUTCOME_WEIGHTS = [50, 25, 10, 10, 5]  # improved, partly, not improved, referred on, other
LEVEL_ORDER = {"problem": 0, "risk": 1}
ONE_DAY = datetime.timedelta(days=1)


def seed_agencies(district, *, today: datetime.date | None = None) -> list[Agency]:
    """The district's directory: a dozen agencies of Khon Kaen (contacts and phones invented)."""
    today = today or timezone.localdate()
    rows = [
        Agency(
            district=district,
            name=name,
            kind=kind,
            phone=phone,
            address=address,
            contact_people=contacts,
            services=services,
            mou_signed=mou is not None,
            mou_date=today.replace(year=today.year - mou, month=6, day=1) if mou else None,
            active=active,
        )
        for name, kind, phone, address, contacts, services, mou, active in AGENCIES
    ]
    return Agency.objects.bulk_create(rows)


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _latest_groups(academic_year, today) -> dict[int, str]:
    """Each student's group of the latest term of the year that has begun."""
    terms = [
        t.pk
        for t in Term.objects.filter(academic_year=academic_year).order_by("-number")
        if t.start <= today
    ] or list(Term.objects.filter(academic_year=academic_year).values_list("pk", flat=True))
    levels: dict[int, str] = {}
    for student_id, level in (
        CareGroup.objects.filter(term_id__in=terms)
        .values_list("student_id", "level")
        .order_by("-term__number")
    ):
        levels.setdefault(student_id, level)
    return levels


def _give_specialist_roles(schools, homerooms: dict[int, list[int]], usernames) -> dict:
    """Two homeroom teachers of each school also act as the discipline office and the nurse."""
    memberships = []
    holders: dict[tuple[int, str], int] = {}
    for school in schools:
        teachers = [
            u for u in homerooms.get(school.pk, []) if usernames.get(u) not in KEEP_ACCOUNTS
        ]
        for role, user_id in zip((Role.DISCIPLINE, Role.NURSE), teachers[-2:], strict=False):
            memberships.append(Membership(user_id=user_id, role=role, school=school))
            holders[(school.pk, role)] = user_id
    Membership.objects.bulk_create(memberships)
    return holders


def seed_referrals(
    *,
    academic_year,
    rng: random.Random,
    agencies: list[Agency] | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Referrals of ``academic_year`` for every school with students enrolled that year."""
    today = today or timezone.localdate()
    start = academic_year.start
    now = timezone.now()
    enrolments = list(
        Enrolment.objects.filter(academic_year=academic_year)
        .values_list("student_id", "classroom_id", "classroom__school_id")
        .order_by("classroom_id", "number")
    )
    school_ids = sorted({s for _st, _c, s in enrolments})
    schools = {s.pk: s for s in School.objects.filter(pk__in=school_ids).select_related("district")}
    assignments = list(
        HomeroomAssignment.objects.filter(classroom__academic_year=academic_year)
        .order_by("classroom_id", "pk")
        .values_list("classroom_id", "teacher_id", "teacher__username", "classroom__school_id")
    )
    teacher_of: dict[int, int] = {}
    homerooms: dict[int, list[int]] = {}
    usernames: dict[int, str] = {}
    for classroom_id, teacher_id, username, school_id in assignments:
        teacher_of.setdefault(classroom_id, teacher_id)
        usernames[teacher_id] = username
        if teacher_id not in homerooms.setdefault(school_id, []):
            homerooms[school_id].append(teacher_id)
    staff: dict[tuple[int, str], list[int]] = {}
    for user_id, role, school_id, username in (
        Membership.objects.filter(
            school_id__in=school_ids, role__in=[Role.COUNSELLOR, Role.DIRECTOR, Role.COORDINATOR]
        )
        .order_by("pk")
        .values_list("user_id", "role", "school_id", "user__username")
    ):
        staff.setdefault((school_id, role), []).append(user_id)
        usernames[user_id] = username
    specialists = _give_specialist_roles([schools[s] for s in school_ids], homerooms, usernames)
    for (school_id, role), user_id in specialists.items():
        staff.setdefault((school_id, role), []).append(user_id)

    if agencies is None:
        agencies = list(Agency.objects.filter(district__schools__in=school_ids).distinct())
    by_district: dict[int, list[Agency]] = {}
    for agency in agencies:
        by_district.setdefault(agency.district_id, []).append(agency)
    levels = _latest_groups(academic_year, today)
    guardians = {
        student_id: f"{prefix}{first} {last} ({RELATIONS_TH.get(relation, 'ญาติ')})"
        for student_id, prefix, first, last, relation in Guardian.objects.filter(
            student_id__in=[e[0] for e in enrolments], is_primary=True
        ).values_list("student_id", "prefix", "first_name", "last_name", "relation")
    }
    open_plans = {
        student_id: plan_id
        for plan_id, student_id in CarePlan.objects.exclude(status=CarePlan.Status.CLOSED)
        .filter(student_id__in=[e[0] for e in enrolments])
        .order_by("pk")  # the latest open plan wins
        .values_list("pk", "student_id")
    }

    referrals: list[Referral] = []
    logs: list[list[ReferralUpdate]] = []
    externals = [0]  # external referrals made so far

    def holder(school_id, role):
        return (staff.get((school_id, role)) or [None])[0]

    def make(
        pupil: tuple[int, int, int],
        *,
        status,
        kind=Referral.Kind.INTERNAL,
        overdue=False,
        sender=None,
        to_role="",
        agency=None,
    ) -> Referral:
        """A referral of ``pupil`` (student, classroom and school ids) in ``status``."""
        student_id, classroom_id, school_id = pupil
        school = schools[school_id]
        sender = sender or teacher_of.get(classroom_id)
        pool = [a for a in by_district.get(school.district_id, []) if a.active]
        if kind == Referral.Kind.EXTERNAL and not pool:
            kind = Referral.Kind.INTERNAL
        if kind == Referral.Kind.EXTERNAL and rng.random() < 0.6:
            sender = holder(school_id, Role.COUNSELLOR) or sender  # counsellors often write them
        # When it was sent: recent and still answerable, long ago and overdue, or any time.
        days = ANSWER_DAYS[kind]
        if status == Status.SENT:
            back = rng.randint(days + 2, days + 30) if overdue else rng.randint(0, days - 1)
        else:
            back = rng.randint(days + 10, max(days + 11, (today - start).days))
        sent_on = max(start, today - datetime.timedelta(days=back))
        referral = Referral(
            school_id=school_id,
            student_id=student_id,
            kind=kind,
            sender_id=sender,
            sent_on=sent_on,
            answer_due=sent_on + datetime.timedelta(days=days),
            urgency=Referral.Urgency.URGENT if rng.random() < 0.15 else Referral.Urgency.NORMAL,
            care_plan_id=open_plans.get(student_id),
            status=status,
            sensitive_notes=rng.choice(SENSITIVE) if rng.random() < 0.3 else "",
        )
        receiver = None
        if kind == Referral.Kind.INTERNAL:
            if not to_role:
                # To the counsellor mostly; the discipline office and the nurse when someone
                # other than the sender holds the role.
                roles = [Role.COUNSELLOR] * 3 + [Role.DISCIPLINE, Role.NURSE]
                roles = [r for r in roles if holder(school_id, r) not in (None, sender)]
                to_role = rng.choice(roles or [Role.DIRECTOR])
            referral.to_role = to_role
            referral.reason, referral.help_given, referral.request = rng.choice(
                INTERNAL_TEXTS.get(to_role, INTERNAL_TEXTS[Role.COUNSELLOR])
            )
            receiver = holder(school_id, to_role)
        else:
            agency = agency or rng.choice(pool)
            referral.agency = agency
            referral.reason, referral.help_given, referral.request = EXTERNAL_TEXTS.get(
                agency.kind, EXTERNAL_TEXTS[AgencyKind.HOSPITAL]
            )
            externals[0] += 1
            # About one in ten goes without asking (an emergency); the second one always, so
            # the demo shows the case whatever the screening groups drew.
            asked = rng.random() < 0.9 and externals[0] != 2
            if asked:
                referral.consent = Referral.Consent.GIVEN
                referral.consent_by = guardians.get(student_id, "ผู้ปกครอง")
                referral.consent_on = max(
                    start, sent_on - datetime.timedelta(days=rng.randint(0, 3))
                )
            else:
                referral.consent = Referral.Consent.NOT_ASKED
                referral.consent_not_asked_reason = NOT_ASKED_REASON
        # Who records the steps: the recipient inside the school; for an agency, the sender
        # (the agency answers on paper).
        actor = receiver if kind == Referral.Kind.INTERNAL else sender
        log = [ReferralUpdate(kind=ReferralUpdate.Kind.SENT, by_id=sender, at=_aware(sent_on, 9))]
        day = sent_on
        if status != Status.SENT:
            day = min(today, sent_on + datetime.timedelta(days=rng.randint(1, days)))
            referral.accepted_at = _aware(day, 10)
            referral.accepted_by_id = actor
            referral.result_due = day + datetime.timedelta(days=rng.choice([14, 21, 30]))
            if status != Status.CLOSED:
                if overdue:  # accepted long ago, the result is late
                    referral.result_due = max(day, min(referral.result_due, today - ONE_DAY * 2))
                else:
                    referral.result_due = max(
                        referral.result_due, today + ONE_DAY * rng.randint(3, 21)
                    )
            log.append(
                ReferralUpdate(kind=ReferralUpdate.Kind.ACCEPTED, by_id=actor, at=_aware(day, 10))
            )
        if status in (Status.IN_PROGRESS, Status.CLOSED):
            day = min(today, day + datetime.timedelta(days=rng.randint(2, 10)))
            if kind == Referral.Kind.INTERNAL:
                entry = ReferralUpdate(kind=ReferralUpdate.Kind.PROGRESS, text=rng.choice(PROGRESS))
            else:
                help_text, advice = AGENCY_RESULTS.get(
                    referral.agency.kind, AGENCY_RESULTS[AgencyKind.HOSPITAL]
                )
                referral.result_received_on = day
                referral.agency_person = rng.choice(AGENCY_PEOPLE)
                referral.agency_result = help_text
                referral.agency_recommendations = advice
                entry = ReferralUpdate(kind=ReferralUpdate.Kind.AGENCY_RESULT, text=help_text)
            entry.by_id, entry.at = actor, _aware(day, 11)
            log.append(entry)
            if status == Status.CLOSED or rng.random() < 0.5:
                day = min(today, day + datetime.timedelta(days=rng.randint(3, 14)))
                log.append(
                    ReferralUpdate(
                        kind=ReferralUpdate.Kind.FOLLOW_UP,
                        by_id=sender,
                        at=_aware(day, 14),
                        date=day,
                        text=rng.choice(FOLLOW_UP_TEXTS),
                    )
                )
        if status == Status.CLOSED:
            day = min(today, day + datetime.timedelta(days=rng.randint(1, 7)))
            referral.outcome = rng.choices(Referral.Outcome.values, weights=OUTCOME_WEIGHTS)[0]
            referral.closed_by_id = actor
            referral.closed_at = _aware(day, 15)
            if kind == Referral.Kind.INTERNAL:
                referral.result = rng.choice(INTERNAL_RESULTS[referral.outcome])
                log.append(
                    ReferralUpdate(
                        kind=ReferralUpdate.Kind.RESULT,
                        by_id=actor,
                        at=_aware(day, 15),
                        text=referral.result,
                    )
                )
            log.append(
                ReferralUpdate(kind=ReferralUpdate.Kind.CLOSED, by_id=actor, at=_aware(day, 15))
            )
        for entry in log:
            entry.school_id = school_id
            entry.at = min(entry.at, now)
        referrals.append(referral)
        logs.append(log)
        return referral

    by_room: dict[int, list[tuple[int, int]]] = {}
    for student_id, classroom_id, school_id in enrolments:
        by_room.setdefault(classroom_id, []).append((student_id, school_id))
    for classroom_id, students in by_room.items():
        for student_id, school_id in students:
            chance = {"problem": 0.4, "risk": 0.04}.get(levels.get(student_id), 0.0)
            if rng.random() >= chance:
                continue
            status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
            make(
                (student_id, classroom_id, school_id),
                status=status,
                kind=Referral.Kind.EXTERNAL if rng.random() < 0.4 else Referral.Kind.INTERNAL,
                overdue=status != Status.CLOSED and rng.random() < 0.3,
            )

    # Every state of both kinds, on time and overdue, whatever the dice said (a small demo).
    in_need = [
        (student_id, classroom_id, school_id)
        for student_id, classroom_id, school_id in enrolments
        if levels.get(student_id) in ("problem", "risk")
    ] or enrolments
    wanted = [
        (kind, status, overdue)
        for kind in Referral.Kind.values
        for status in STATUSES
        for overdue in ((False, True) if status in (Status.SENT, Status.IN_PROGRESS) else (False,))
    ]
    have = {(r.kind, r.status, r.is_overdue(today)) for r in referrals}
    for i, (kind, status, overdue) in enumerate(w for w in wanted if w not in have):
        make(in_need[(i * 7) % len(in_need)], status=status, kind=kind, overdue=overdue)

    roles_seen = {r.to_role for r in referrals}
    for role in (Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE):
        if role in roles_seen:
            continue
        for pupil in in_need:
            _student_id, classroom_id, school_id = pupil
            if holder(school_id, role) not in (None, teacher_of.get(classroom_id)):
                make(pupil, status=Status.CLOSED, to_role=role)
                break

    # An agency no longer in use stays on the old referrals that named it.
    retired = [a for a in agencies if not a.active]
    if retired and by_room:
        room = sorted(by_room)[0]
        student_id, school_id = by_room[room][-1]
        if schools[school_id].district_id == retired[0].district_id:
            make(
                (student_id, room, school_id),
                status=Status.CLOSED,
                kind=Referral.Kind.EXTERNAL,
                agency=retired[0],
            )

    # Teacher1's room: one referral still waiting for an answer and one closed, sent by
    # teacher1 to the counsellor, for the students of the room most in need.
    teacher1 = next((u for u, name in usernames.items() if name == TEACHER1), None)
    for room in sorted(c for c, _t, name, _s in assignments if name == TEACHER1)[:1]:
        students = sorted(
            by_room.get(room, []),
            key=lambda row: LEVEL_ORDER.get(levels.get(row[0]), 9),
        )
        have = {
            r.status for r in referrals if r.sender_id == teacher1 and r.school_id == students[0][1]
        }
        for i, status in enumerate((Status.SENT, Status.CLOSED)):
            if status not in have and len(students) > i:
                student_id, school_id = students[i]
                make(
                    (student_id, room, school_id),
                    status=status,
                    sender=teacher1,
                    to_role=Role.COUNSELLOR,
                )
    # Counsellor1's inbox: at least two referrals waiting for an answer, one of them overdue.
    counsellor1 = next((u for u, name in usernames.items() if name == COUNSELLOR1), None)
    c1_school = next(
        (s for (s, role), ids in staff.items() if role == Role.COUNSELLOR and counsellor1 in ids),
        None,
    )
    if c1_school is not None:
        waiting = [
            r
            for r in referrals
            if r.school_id == c1_school and r.status == Status.SENT and r.to_role == Role.COUNSELLOR
        ]
        rooms = sorted(room for room, rows in by_room.items() if rows[0][1] == c1_school)
        needed = [
            overdue
            for overdue in (True, False)
            if not any(r.is_overdue(today) == overdue for r in waiting)
        ]
        for i, overdue in enumerate(needed):
            room = rooms[(i * 3 + 1) % len(rooms)]
            student_id, school_id = by_room[room][-1]
            make(
                (student_id, room, school_id),
                status=Status.SENT,
                overdue=overdue,
                to_role=Role.COUNSELLOR,
            )

    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    rows = []
    for referral, log in zip(referrals, logs, strict=True):
        for entry in log:
            entry.referral = referral
            rows.append(entry)
    ReferralUpdate.objects.bulk_create(rows, batch_size=BATCH)
    notifications = _notifications(referrals, staff, schools, now)
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    counts = {status: 0 for status in Status.values}
    for referral in referrals:
        counts[referral.status] += 1
    return {"referrals": len(referrals), "updates": len(rows), "by_status": counts}


def _notifications(referrals, staff, schools, now) -> list[Notification]:
    """What waits for people: referrals sent to them (unread), results of theirs (read)."""
    from referrals.services import referral_url

    rows = []
    for referral in referrals:
        place = schools[referral.school_id].name
        url = referral_url(referral)
        if referral.status == Status.SENT and referral.kind == Referral.Kind.INTERNAL:
            for user_id in staff.get((referral.school_id, referral.to_role), []):
                rows.append(
                    Notification(
                        user_id=user_id,
                        kind=Notification.Kind.REFERRAL_RECEIVED,
                        url=url,
                        place=place,
                        emailed=now,
                    )
                )
        elif referral.status == Status.CLOSED and referral.sender_id:
            rows.append(
                Notification(
                    user_id=referral.sender_id,
                    kind=Notification.Kind.REFERRAL_RESULT,
                    url=url,
                    place=place,
                    emailed=now,
                    read=now,
                )
            )
    return rows
