"""Demo good practices (seed_demo): the district's library, as district1 and director1 find it.

- seven practices published over the past months, by schools across the district, one or more
  for each step of the care system and one for the whole of it; the first holds "ยาเสพติด"
  inside a longer run of Thai ("โครงการป้องกันยาเสพติดในสถานศึกษา"), as teachers write;
- one waiting for district1's review (the second school's);
- one the district sent back to the first school (director1's) with what to change;
- one draft coordinator1 is still writing.

No practice names a student. The rows are written directly (not through the services) so that
the dates lie in the past; their search text is made as the services make it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from carecore.models import Role
from demo.people import first_member, school_members
from districts.practices.models import Practice, PracticeEvent, Step
from districts.practices.search import search_text_of

Status = Practice.Status

# (school index, step, title, teachers, summary, how it was done, results, days since published)
PUBLISHED = [
    (
        2,
        Step.PREVENT,
        'โครงการป้องกันยาเสพติดในสถานศึกษา "ห้องเรียนสีขาว"',
        "นางสาวกาญจนา มีสุข, นายวิทยา ทองประเสริฐ",
        "นักเรียนชั้น ป.5–ป.6 บางส่วนเริ่มทดลองบุหรี่ไฟฟ้าที่ซื้อผ่านออนไลน์ โรงเรียนจึงจัดตั้งห้องเรียน"
        "สีขาวทุกห้อง มีแกนนำนักเรียน 4 ฝ่าย (ฝ่ายการเรียน ฝ่ายการงาน ฝ่ายสารวัตรนักเรียน "
        "ฝ่ายกิจกรรม) ดูแลเพื่อนในห้อง ร่วมกับผู้ปกครองและ รพ.สต.",
        "1. คัดกรองพฤติกรรมเสี่ยงด้วยแบบคัดกรองของโรงเรียนและ SDQ\n"
        "2. เลือกแกนนำห้องละ 4 คน อบรมร่วมกับเจ้าหน้าที่ รพ.สต. 1 วัน\n"
        "3. แกนนำจัดกิจกรรมโฮมรูมสัปดาห์ละครั้ง เรื่องพิษภัยบุหรี่ไฟฟ้าและการปฏิเสธเพื่อน\n"
        "4. ครูที่ปรึกษาติดตามกลุ่มเสี่ยงรายบุคคล แจ้งผู้ปกครองผ่านการเยี่ยมบ้าน\n"
        "5. สรุปผลทุกสิ้นภาคเรียนในที่ประชุมครู",
        "นักเรียนกลุ่มเสี่ยง 14 คน เลิกใช้บุหรี่ไฟฟ้าได้ 11 คน (ร้อยละ 78.6) ไม่พบนักเรียนรายใหม่ใน"
        "ภาคเรียนที่ 2 ห้องเรียนผ่านการประเมินห้องเรียนสีขาวครบทุกห้อง",
        12,
    ),
    (
        0,
        Step.KNOW,
        "เยี่ยมบ้านครบทุกหลังด้วยแผนที่ครอบครัว",
        "คณะครูที่ปรึกษาทุกชั้น",
        "ครูที่ปรึกษาวาดแผนที่ครอบครัวร่วมกับนักเรียนก่อนออกเยี่ยมบ้าน ทำให้รู้ว่าเด็กอยู่กับใคร "
        "ใครดูแลหลังเลิกเรียน และเส้นทางไปบ้าน จัดเยี่ยมเป็นสายตามหมู่บ้านในเดือนมิถุนายน",
        '1. กิจกรรมโฮมรูม "บ้านของฉัน" นักเรียนวาดแผนผังคนในบ้านและทางไปบ้าน\n'
        "2. จัดสายเยี่ยมบ้านตามหมู่บ้าน ครู 2 คนต่อสาย นัดผู้ปกครองล่วงหน้า\n"
        "3. บันทึกการเยี่ยมบ้านในระบบทันทีด้วยโทรศัพท์ พร้อมพิกัดบ้าน\n"
        "4. ประชุมครูสรุปปัญหาที่พบ ส่งต่อกรณีที่ต้องช่วยเหลือเร่งด่วน",
        "เยี่ยมบ้านครบร้อยละ 100 ภายในเดือนมิถุนายน พบครอบครัวที่ต้องการความช่วยเหลือ 23 ครอบครัว "
        "ได้รับทุนเสมอภาคเพิ่ม 9 คน",
        35,
    ),
    (
        4,
        Step.SCREEN,
        "คัดกรอง SDQ สามมุมมอง ครู ผู้ปกครอง นักเรียน",
        "นางพิมพ์ใจ ดวงแก้ว (ครูแนะแนว)",
        "โรงเรียนให้ผู้ปกครองประเมิน SDQ ผ่านลิงก์และใบแจ้งรหัส ร่วมกับการประเมินของครูและนักเรียน "
        "ทำให้เห็นปัญหาที่บ้านซึ่งครูมองไม่เห็นในห้องเรียน",
        "1. ชี้แจงผู้ปกครองในการประชุมผู้ปกครองชั้นเรียนต้นปี\n"
        "2. แจกใบแจ้งรหัสให้ผู้ปกครองกรอกแบบประเมินทางโทรศัพท์\n"
        "3. ครูแนะแนวเทียบผลสามฉบับ นัดคุยกับผู้ปกครองเมื่อผลต่างกันมาก",
        "ผู้ปกครองตอบแบบประเมินร้อยละ 87 พบนักเรียนกลุ่มเสี่ยงด้านอารมณ์ที่ครูไม่เคยสังเกตเห็น 6 คน",
        60,
    ),
    (
        1,
        Step.PROMOTE,
        "เพื่อนช่วยเพื่อน อ่านออกเขียนได้ ชั้น ป.1–ป.3",
        "นางสาวอรวรรณ ศรีประเสริฐ",
        "นักเรียนชั้น ป.5 ที่อ่านคล่องเป็นพี่เลี้ยงการอ่านให้น้อง ป.1–ป.3 วันละ 20 นาทีหลังอาหารกลางวัน "
        "ด้วยบัตรคำและนิทานภาพที่ครูเตรียมให้",
        "1. ทดสอบการอ่านของน้องทุกคนต้นภาคเรียน\n"
        "2. จับคู่พี่เลี้ยงกับน้องที่อ่านไม่คล่อง\n"
        "3. ครูฝึกพี่เลี้ยงวิธีสอนสะกดคำ 2 ครั้ง\n"
        "4. ทดสอบซ้ำทุกเดือน มอบเกียรติบัตรคู่ที่พัฒนาดี",
        "นักเรียนที่อ่านไม่คล่องลดลงจาก 31 คน เหลือ 9 คน ในหนึ่งภาคเรียน",
        80,
    ),
    (
        6,
        Step.PROMOTE,
        "ธนาคารความดี สะสมแต้มจิตอาสา",
        "นายสมศักดิ์ อินทร์แก้ว",
        "นักเรียนบันทึกความดีและงานจิตอาสาในสมุดธนาคารความดี ครูที่ปรึกษารับรอง "
        "แต้มสะสมใช้แลกของใช้จำเป็นที่ชุมชนบริจาค",
        "1. ประชุมผู้ปกครองและผู้นำชุมชน ขอรับบริจาคของใช้\n"
        "2. กำหนดกิจกรรมที่ได้แต้ม เช่น ช่วยงานวัด ดูแลแปลงผัก ช่วยครูประจำชั้น\n"
        "3. เปิดร้านแลกแต้มทุกวันศุกร์สิ้นเดือน",
        "นักเรียนร่วมกิจกรรมจิตอาสาร้อยละ 92 เหตุทะเลาะวิวาทลดลงครึ่งหนึ่งจากปีก่อน",
        101,
    ),
    (
        3,
        Step.REFER,
        "เครือข่ายโรงเรียน รพ.สต. อบต. ดูแลเด็กขาดเรียนเรื้อรัง",
        "นางสาวจันทร์เพ็ญ ภูมิสะอาด, ผู้อำนวยการโรงเรียน",
        "เมื่อนักเรียนขาดเรียนติดต่อกันเกิน 3 วัน ครูที่ปรึกษาแจ้งกลุ่มไลน์เครือข่าย ผู้ใหญ่บ้านและ "
        "อสม. ออกไปพบครอบครัวภายใน 2 วัน และส่งต่อ อบต. เมื่อครอบครัวต้องการความช่วยเหลือ",
        "1. ทำบันทึกข้อตกลงกับ รพ.สต. อบต. และผู้ใหญ่บ้าน 5 หมู่บ้าน\n"
        "2. ตั้งกลุ่มไลน์เครือข่าย แจ้งเฉพาะชั้นและหมู่บ้าน ไม่ลงชื่อนักเรียนในกลุ่ม\n"
        "3. ครูแนะแนวบันทึกการส่งต่อและผลการช่วยเหลือในระบบ\n"
        "4. ประชุมเครือข่ายทุก 2 เดือน",
        "นักเรียนขาดเรียนเรื้อรังกลับมาเรียนสม่ำเสมอ 12 จาก 15 คน ไม่มีนักเรียนออกกลางคันในปีนี้",
        130,
    ),
    (
        5,
        Step.WHOLE,
        "ระบบดูแลช่วยเหลือนักเรียนทั้งโรงเรียนด้วยวงจร PDCA",
        "คณะกรรมการระบบดูแลช่วยเหลือนักเรียน",
        "โรงเรียนขนาดเล็กครู 6 คน แบ่งงานระบบดูแลช่วยเหลือครบ 5 ขั้นตอน ทบทวนทุกภาคเรียน "
        "ด้วยวงจร PDCA และรายงานผลต่อคณะกรรมการสถานศึกษา",
        "1. แต่งตั้งคณะกรรมการ กำหนดผู้รับผิดชอบแต่ละขั้นตอน\n"
        "2. วางปฏิทินงาน: เยี่ยมบ้านมิถุนายน คัดกรองกรกฎาคม ประชุมรายกรณีทุกเดือน\n"
        "3. ตรวจสอบความครบถ้วนจากแดชบอร์ดของโรงเรียนทุกสิ้นเดือน\n"
        "4. สรุปผลและปรับปรุงในการประชุมครูปลายภาค",
        "ดำเนินการครบทุกขั้นตอนทุกภาคเรียน นักเรียนกลุ่มเสี่ยงและกลุ่มมีปัญหาได้รับการช่วยเหลือร้อยละ 96",
        160,
    ),
]
WAITING = (
    1,
    Step.PROMOTE,
    "โฮมรูมเช้าวันจันทร์ ฝึกทักษะชีวิต",
    "นางสาวอรวรรณ ศรีประเสริฐ",
    "ครูที่ปรึกษาใช้เวลาโฮมรูมเช้าวันจันทร์ 20 นาที ฝึกทักษะชีวิตตามหัวข้อที่นักเรียนเลือก",
    "1. สำรวจหัวข้อที่นักเรียนอยากรู้\n2. จัดกิจกรรมกลุ่มย่อยสัปดาห์ละหัวข้อ\n3. ประเมินด้วยแบบสังเกต",
    "นักเรียนร่วมกิจกรรมครบทุกสัปดาห์ ครูรู้จักนักเรียนรายบุคคลมากขึ้น",
)
SENT_BACK = (
    0,
    Step.PREVENT,
    "ลดการกลั่นแกล้งในโรงเรียนด้วยทูตสันติ",
    "นายประเสริฐ วงศ์สวัสดิ์",
    'แกนนำนักเรียน "ทูตสันติ" ช่วยไกล่เกลี่ยเมื่อเพื่อนมีเรื่องกัน และรายงานครูเมื่อเกินกำลัง',
    "1. คัดเลือกทูตสันติห้องละ 2 คน\n2. อบรมการไกล่เกลี่ย\n3. ตั้งจุดรับเรื่องหน้าห้องแนะแนว",
    "เหตุการณ์กลั่นแกล้งที่ครูต้องเข้าไปจัดการลดลง",
)
SENT_BACK_COMMENT = (
    "เนื้อหาดีมากครับ ขอให้เพิ่มตัวเลขจำนวนเหตุการณ์ก่อนและหลังทำโครงการในผลการดำเนินงาน "
    "และเพิ่มภาพกิจกรรมที่ไม่เห็นหน้านักเรียนสัก 2–3 ภาพ แล้วส่งใหม่"
)
DRAFT = (
    0,
    Step.PROMOTE,
    "ตู้ปันสุข อาหารเช้าสำหรับนักเรียน",
    "",
    "ร่วมกับชุมชนจัดอาหารเช้าให้นักเรียนที่มาโรงเรียนโดยไม่ได้กินข้าว",
    "",
    "",
)


def _people(district, schools) -> tuple[dict[int, object], object]:
    """Each school's coordinator (by school id) and the district's supervisor, district1."""
    coordinators = school_members(schools, Role.COORDINATOR)
    return coordinators, first_member(Role.DISTRICT_SUPERVISOR, district=district)


def _practice(row, schools, coordinators, *, status, when) -> Practice:
    index, step, title, owners, summary, steps_taken, results = row[:7]
    school = schools[index % len(schools)]
    return Practice(
        district_id=school.district_id,
        school=school,
        title=title,
        step=step,
        owners=owners,
        summary=summary,
        steps_taken=steps_taken,
        results=results,
        status=status,
        search_text=search_text_of(title, owners, summary, steps_taken, results),
        created_by=coordinators.get(school.pk),
        submitted_at=when if status != Status.DRAFT else None,
    )


def seed_practices(*, district, schools, today: datetime.date) -> int:
    """The demo district's good practices (see the module's docstring); how many were made."""
    coordinators, reviewer = _people(district, schools)
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    rows: list[tuple[Practice, list[tuple[str, str, datetime.datetime, object]]]] = []
    for row in PUBLISHED:
        published = noon - datetime.timedelta(days=row[7])
        sent = published - datetime.timedelta(days=5)
        practice = _practice(row, schools, coordinators, status=Status.PUBLISHED, when=sent)
        practice.published_at, practice.published_by = published, reviewer
        rows.append(
            (
                practice,
                [
                    ("submitted", "", sent, practice.created_by),
                    ("published", "", published, reviewer),
                ],
            )
        )
    sent = noon - datetime.timedelta(days=2)
    waiting = _practice(WAITING, schools, coordinators, status=Status.SUBMITTED, when=sent)
    rows.append((waiting, [("submitted", "", sent, waiting.created_by)]))
    sent = noon - datetime.timedelta(days=9)
    back = _practice(SENT_BACK, schools, coordinators, status=Status.SENT_BACK, when=sent)
    rows.append(
        (
            back,
            [
                ("submitted", "", sent, back.created_by),
                ("sent_back", SENT_BACK_COMMENT, sent + datetime.timedelta(days=3), reviewer),
            ],
        )
    )
    rows.append((_practice(DRAFT, schools, coordinators, status=Status.DRAFT, when=None), []))
    practices = Practice.objects.bulk_create([practice for practice, _ in rows])
    events = [
        PracticeEvent(practice=practice, action=action, comment=comment, by=by)
        for practice, (_, steps) in zip(practices, rows, strict=True)
        for action, comment, _at, by in steps
    ]
    PracticeEvent.objects.bulk_create(events)
    # The times of the review steps (auto_now_add sets "now" on insert).
    for event, at in zip(
        events, [at for _, steps in rows for _a, _c, at, _b in steps], strict=True
    ):
        event.at = at
    PracticeEvent.objects.bulk_update(events, ["at"])
    return len(practices)
