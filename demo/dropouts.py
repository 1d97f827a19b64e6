"""Demo dropout cases (seed_demo): fifteen cases of the demo district in every step.

- open cases at each working step, a few of them late; one went round again after a child back
  in school was found out of school at an observation;
- two children back in school under observation, each with one observation recorded (one of
  them with the next observation overdue);
- closed cases, mostly back in school (the district reports about 88% brought back), one in
  non-formal education, one with contact lost;
- some opened by schools for their enrolled students, some children not in any school reported
  by a village head, a health centre or a parent; district1 owns several, one school case is
  owned by the school's coordinator (coordinator1).

The rows are written directly (not through the services) so that the dates can lie in the past
and no e-mail goes out while seeding; the log reads as if the staff had done the work.
"""

from __future__ import annotations

import datetime
import random

from carecore.models import Membership, Notification, Role, User
from dropouts.models import (
    DEFAULT_OBSERVATION_OFFSETS,
    DEFAULT_STEP_DAYS,
    STEP_ORDER,
    CaseLogEntry,
    CaseObservation,
    CaseTeamMember,
    DropoutCase,
    Outcome,
    ReporterKind,
    Situation,
    Step,
)
from dropouts.services import case_url
from students.models import Student

STEP_NOTES = {
    Step.REPORT: "รับแจ้งและบันทึกข้อมูลเบื้องต้น ตรวจสอบรายชื่อกับทะเบียนนักเรียน",
    Step.COORDINATE: "ประสานโรงเรียน ผู้ใหญ่บ้าน และ รพ.สต. นัดลงพื้นที่ร่วมกัน",
    Step.VISIT: "ลงพื้นที่เยี่ยมบ้าน พบผู้ปกครอง เด็กช่วยงานในไร่และดูแลน้อง",
    Step.MEETING: "ประชุมร่วมกับโรงเรียน ผู้ปกครอง ผู้นำชุมชน ตกลงแผนช่วยเหลือ",
    Step.REFER_HELP: "ส่งต่อขอทุนเสมอภาค กสศ. และ พมจ. ช่วยค่าเดินทาง",
}
CHILD_NAMES = [
    ("ด.ช.", "ธนากร", "ศรีสุข", "บ้านโนนสวรรค์"),
    ("ด.ญ.", "พิมพ์ชนก", "แสงทอง", "บ้านหนองแวง"),
    ("ด.ช.", "อนุชา", "บุญมา", "บ้านโคกสี"),
    ("ด.ญ.", "กัญญาณัฐ", "ทองดี", "บ้านดอนหัน"),
    ("ด.ช.", "ศุภกร", "พลราช", "บ้านท่าพระ"),
    ("ด.ญ.", "อรอุมา", "คำภา", "บ้านหนองโก"),
    ("ด.ช.", "วีรภัทร", "ชัยมงคล", "บ้านเม็ง"),
    ("ด.ญ.", "ณัฐธิดา", "วงศ์ใหญ่", "บ้านโนนทัน"),
    ("ด.ช.", "ภูมิพัฒน์", "สิงห์คำ", "บ้านหนองกุง"),
]
TEAM = [
    ("นายสมชาย ใจดี", "ผู้ใหญ่บ้าน", "081-234-5678"),
    ("นางสาวมาลี ศรีวงศ์", "พยาบาล รพ.สต.", "089-765-4321"),
    ("นายประเสริฐ คำมี", "พมจ. ขอนแก่น", "043-236-000"),
]


# Cases about enrolled students (the others are children not in any school).
STUDENT_CASES = 7


class _Builder:
    """Writes one case and its log as the staff would have, on past dates."""

    def __init__(self, *, district, today, users):
        self.district = district
        self.today = today
        self.users = users

    def day(self, ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=ago)

    def open(self, *, ago: int, by: User, **fields) -> tuple[DropoutCase, list[CaseLogEntry]]:
        reported = self.day(ago)
        case = DropoutCase(
            district=self.district,
            reported_on=reported,
            step=Step.REPORT,
            step_started=reported,
            step_due=reported + datetime.timedelta(days=DEFAULT_STEP_DAYS[Step.REPORT]),
            opened_by=by,
            **fields,
        )
        case.save()
        log = [self._entry(case, CaseLogEntry.Kind.OPENED, reported, case.description, by)]
        return case, log

    def _entry(self, case, kind, date, text, by) -> CaseLogEntry:
        return CaseLogEntry(
            case=case,
            date=date,
            kind=kind,
            step=case.step,
            round=case.round,
            text=text or "เปิดเรื่อง",
            by=by,
            by_name=by.display_name if by else "",
        )

    def advance(self, case, log, *, to: str, ago: int, by: User):
        date = self.day(ago)
        log.append(self._entry(case, CaseLogEntry.Kind.ADVANCED, date, STEP_NOTES[case.step], by))
        case.step = to
        case.step_started = date
        case.step_due = (
            date + datetime.timedelta(days=DEFAULT_STEP_DAYS[to])
            if to in DEFAULT_STEP_DAYS
            else None
        )
        if to == Step.BACK_IN_SCHOOL:
            observations = [
                CaseObservation(
                    case=case, round=case.round, due_on=date + datetime.timedelta(days=days)
                )
                for days in DEFAULT_OBSERVATION_OFFSETS
            ]
            case.step_due = observations[0].due_on
            case._observations = observations

    def walk(self, case, log, *, to: str, start_ago: int, every: int, by: User):
        """Advance step by step until ``to``, ``every`` days apart from ``start_ago``."""
        ago = start_ago
        while case.step != to:
            self.advance(case, log, to=STEP_ORDER[STEP_ORDER.index(case.step) + 1], ago=ago, by=by)
            ago -= every

    def observe(self, case, log, *, index: int, still: bool, by: User, note: str = ""):
        observation = case._observations[index]
        observation.observed_on = min(observation.due_on, self.today)
        observation.still_in_school = still
        observation.note = note
        observation.by = by
        text = (
            f"ติดตามครั้งที่ {index + 1}: ยังมาเรียนสม่ำเสมอ"
            if still
            else f"ติดตามครั้งที่ {index + 1}: ไม่มาเรียนแล้ว {note}"
        )
        log.append(
            self._entry(case, CaseLogEntry.Kind.OBSERVATION, observation.observed_on, text, by)
        )
        following = case._observations[index + 1 :]
        if still:
            if following:
                case.step_due = following[0].due_on
            else:
                case.step = Step.CLOSED
                case.step_due = None
                case.outcome = Outcome.BACK_IN_SCHOOL
                case.closed_on = observation.observed_on
                log.append(
                    self._entry(
                        case,
                        CaseLogEntry.Kind.CLOSED,
                        case.closed_on,
                        "ยังมาเรียนในการติดตามครั้งสุดท้าย ปิดเรื่อง",
                        by,
                    )
                )
        else:
            case._observations = case._observations[: index + 1]
            case.round += 1
            case.step = Step.COORDINATE
            case.step_started = observation.observed_on
            case.step_due = observation.observed_on + datetime.timedelta(
                days=DEFAULT_STEP_DAYS[Step.COORDINATE]
            )
            log.append(
                self._entry(
                    case,
                    CaseLogEntry.Kind.REOPENED,
                    observation.observed_on,
                    f"ไม่พบเด็กที่โรงเรียน กลับไปประสานทีมสหวิชาชีพ รอบที่ {case.round}",
                    by,
                )
            )

    def close(self, case, log, *, outcome: str, ago: int, note: str, by: User):
        case.step = Step.CLOSED
        case.step_due = None
        case.outcome = outcome
        case.outcome_note = note
        case.closed_on = self.day(ago)
        log.append(self._entry(case, CaseLogEntry.Kind.CLOSED, case.closed_on, note, by))
        observations = getattr(case, "_observations", [])
        case._observations = [o for o in observations if o.observed_on]

    def finish(self, case, log, *, owner=None, team: int = 0):
        case.owner = owner
        if case.step != Step.CLOSED and case.step_due and case.step_due < self.today:
            case.late = True
            case.late_since = case.step_due + datetime.timedelta(days=1)
        case.save()
        CaseLogEntry.objects.bulk_create(log)
        CaseObservation.objects.bulk_create(getattr(case, "_observations", []))
        CaseTeamMember.objects.bulk_create(
            [
                CaseTeamMember(case=case, name=name, role=role, phone=phone, added_by=owner)
                for name, role, phone in TEAM[:team]
            ]
        )
        return case


def seed_dropouts(*, district, schools, rng: random.Random, today: datetime.date) -> int:
    """Fifteen cases in ``district``; returns how many."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["district1", "districtadmin1", "coordinator1"])
    }
    district1, admin1 = users.get("district1"), users.get("districtadmin1")
    coordinator1 = users.get("coordinator1")
    if district1 is None or admin1 is None:
        return 0
    coordinators = {
        m.school_id: m.user
        for m in Membership.objects.filter(
            school__in=schools, role=Role.COORDINATOR
        ).select_related("user")
    }
    # Among the oldest students of a few schools (the first school is coordinator1's).
    picked: list[Student] = []
    some = schools[:4]
    per_school = -(-STUDENT_CASES // len(some))
    for school in some:
        pool = list(Student.objects.filter(school=school).order_by("birth_date", "pk")[:60])
        picked += rng.sample(pool, min(per_school, len(pool)))
    children = list(CHILD_NAMES)
    rng.shuffle(children)
    build = _Builder(district=district, today=today, users=users)

    def student_case(student, *, situation, ago, causes, description, by_school=True):
        by = coordinators.get(student.school_id) if by_school else district1
        return build.open(
            ago=ago,
            by=by,
            school=student.school,
            student=student,
            situation=situation,
            reporter_kind=ReporterKind.SCHOOL,
            reporter_name=by.display_name if by else "",
            description=description,
            causes=causes,
            reported_by_school=by_school,
        )

    def child_case(*, situation, ago, reporter, reporter_name, causes, description, school=None):
        prefix, first, last, village = children.pop()
        return build.open(
            ago=ago,
            by=district1,
            school=school,
            prefix=prefix,
            first_name=first,
            last_name=last,
            birth_date=today - datetime.timedelta(days=rng.randint(9 * 365, 14 * 365)),
            village=village,
            address=f"{rng.randint(1, 180)} หมู่ {rng.randint(1, 12)} ต.{village[3:]}",
            guardian_name=f"นาง{rng.choice(['สมศรี', 'บุญเรือน', 'ทองใบ'])} {last}",
            guardian_phone=f"08{rng.randint(10000000, 99999999)}",
            situation=situation,
            reporter_kind=reporter,
            reporter_name=reporter_name,
            reporter_contact=f"09{rng.randint(10000000, 99999999)}",
            description=description,
            causes=causes,
        )

    count = 0
    s = iter(picked[1:])  # picked[0] is case 6's, owned by their school's coordinator

    # 1. Report, just in: a child not in any school, told by a village head (district1).
    case, log = child_case(
        situation=Situation.DROPPED_OUT,
        ago=1,
        reporter=ReporterKind.VILLAGE_HEAD,
        reporter_name="นายสมชาย ใจดี ผู้ใหญ่บ้าน",
        causes=["poverty", "work"],
        description="ไม่ได้ไปโรงเรียนตั้งแต่เปิดเทอม ช่วยพ่อแม่รับจ้างตัดอ้อย",
    )
    build.finish(case, log, owner=district1)
    count += 1
    # 2. Report, late and without an owner: a school's student at risk.
    case, log = student_case(
        next(s),
        situation=Situation.AT_RISK,
        ago=6,
        causes=["family"],
        description="ขาดเรียนบ่อย อยู่กับยาย พ่อแม่ไปทำงานต่างจังหวัด",
    )
    build.finish(case, log)
    count += 1
    # 3. Coordinate: a student who dropped out (district1).
    case, log = student_case(
        next(s),
        situation=Situation.DROPPED_OUT,
        ago=5,
        causes=["migration"],
        description="ครอบครัวย้ายไปทำงานในเมือง ไม่ได้ย้ายโรงเรียน",
    )
    build.walk(case, log, to=Step.COORDINATE, start_ago=3, every=1, by=district1)
    build.finish(case, log, owner=district1, team=1)
    count += 1
    # 4. Coordinate, round 2 and late: back in school, then found out of school (admin).
    case, log = child_case(
        situation=Situation.NEVER_ENROLLED,
        ago=150,
        reporter=ReporterKind.HEALTH,
        reporter_name="รพ.สต. บ้านโคกสี",
        causes=["health", "poverty"],
        description="เด็กอายุเกณฑ์ไม่ได้เข้าเรียน ผู้ปกครองไม่มีเอกสาร",
        school=schools[1 % len(schools)],
    )
    build.walk(case, log, to=Step.BACK_IN_SCHOOL, start_ago=146, every=12, by=admin1)
    build.observe(case, log, index=0, still=True, by=admin1)
    build.observe(case, log, index=1, still=False, by=admin1, note="ย้ายตามผู้ปกครองไปต่างอำเภอ")
    build.finish(case, log, owner=admin1, team=3)
    count += 1
    # 5. Field visit: a child who left school, told by a parent (district1).
    case, log = child_case(
        situation=Situation.DROPPED_OUT,
        ago=9,
        reporter=ReporterKind.PARENT,
        reporter_name="ป้าของเด็ก",
        causes=["behaviour"],
        description="ไม่ยอมไปโรงเรียน ติดเกม ออกจากบ้านกลางคืน",
        school=schools[2 % len(schools)],
    )
    build.walk(case, log, to=Step.VISIT, start_ago=7, every=3, by=district1)
    build.finish(case, log, owner=district1, team=2)
    count += 1
    # 6. Meeting: a school's student at risk, owned by the school's coordinator.
    student = picked[0]
    case, log = student_case(
        student,
        situation=Situation.AT_RISK,
        ago=20,
        causes=["poverty", "family"],
        description="ไม่มีค่าเดินทางมาโรงเรียน ขาดเรียนเกือบทุกวันศุกร์",
    )
    build.walk(case, log, to=Step.MEETING, start_ago=17, every=5, by=district1)
    build.finish(case, log, owner=coordinators.get(student.school_id) or coordinator1, team=2)
    count += 1
    # 7. Refer help, late: a child told by a hospital (district1).
    case, log = child_case(
        situation=Situation.DROPPED_OUT,
        ago=70,
        reporter=ReporterKind.HEALTH,
        reporter_name="โรงพยาบาลพระยืน",
        causes=["pregnancy"],
        description="ตั้งครรภ์ ออกจากโรงเรียนกลางภาคเรียน",
    )
    build.walk(case, log, to=Step.REFER_HELP, start_ago=66, every=7, by=district1)
    build.finish(case, log, owner=district1, team=3)
    count += 1
    # 8. Back in school, one observation recorded, the next in the future (district1).
    case, log = student_case(
        next(s),
        situation=Situation.DROPPED_OUT,
        ago=75,
        causes=["work"],
        description="หยุดเรียนไปช่วยงานร้านอาหารของญาติ",
    )
    build.walk(case, log, to=Step.BACK_IN_SCHOOL, start_ago=72, every=4, by=district1)
    build.observe(case, log, index=0, still=True, by=district1)
    build.finish(case, log, owner=district1, team=2)
    count += 1
    # 9. Back in school, one observation recorded, the next overdue (admin): late.
    case, log = child_case(
        situation=Situation.DROPPED_OUT,
        ago=110,
        reporter=ReporterKind.COMMUNITY,
        reporter_name="อบต. บ้านเม็ง",
        causes=["family", "poverty"],
        description="พ่อแม่แยกทาง เด็กไม่ได้ไปโรงเรียน",
        school=schools[3 % len(schools)],
    )
    build.walk(case, log, to=Step.BACK_IN_SCHOOL, start_ago=105, every=5, by=admin1)
    build.observe(case, log, index=0, still=True, by=admin1)
    build.finish(case, log, owner=admin1, team=1)
    count += 1
    # 10-13. Closed, back in school after three observations.
    for n, ago in enumerate((260, 230, 200, 170)):
        if n % 2:
            case, log = student_case(
                next(s),
                situation=Situation.DROPPED_OUT,
                ago=ago,
                causes=[rng.choice(["poverty", "family", "work"])],
                description="ออกกลางคันระหว่างภาคเรียน",
            )
        else:
            case, log = child_case(
                situation=Situation.DROPPED_OUT,
                ago=ago,
                reporter=ReporterKind.VILLAGE_HEAD,
                reporter_name="กำนันตำบล",
                causes=[rng.choice(["poverty", "migration"])],
                description="ไม่ได้เรียนต่อหลังย้ายกลับภูมิลำเนา",
                school=schools[n % len(schools)],
            )
        build.walk(case, log, to=Step.BACK_IN_SCHOOL, start_ago=ago - 3, every=8, by=district1)
        for index in range(3):
            build.observe(case, log, index=index, still=True, by=district1)
        build.finish(case, log, owner=district1 if n < 3 else admin1, team=2)
        count += 1
    # 14. Closed: in non-formal education.
    case, log = child_case(
        situation=Situation.DROPPED_OUT,
        ago=140,
        reporter=ReporterKind.COMMUNITY,
        reporter_name="สกร. อำเภอ",
        causes=["work"],
        description="อายุเกินชั้น ไม่ต้องการกลับโรงเรียนเดิม",
    )
    build.walk(case, log, to=Step.REFER_HELP, start_ago=135, every=10, by=district1)
    build.close(
        case, log, outcome=Outcome.NON_FORMAL, ago=80, note="เรียนต่อ กศน. ภาคเรียนนี้", by=district1
    )
    build.finish(case, log, owner=district1, team=1)
    count += 1
    # 15. Closed: contact lost after a failed observation.
    case, log = student_case(
        next(s),
        situation=Situation.DROPPED_OUT,
        ago=240,
        causes=["migration"],
        description="ครอบครัวย้ายตามฤดูเก็บเกี่ยว",
    )
    build.walk(case, log, to=Step.BACK_IN_SCHOOL, start_ago=236, every=6, by=admin1)
    build.observe(case, log, index=0, still=False, by=admin1, note="ครอบครัวย้ายออกจากหมู่บ้าน")
    build.close(
        case,
        log,
        outcome=Outcome.LOST_CONTACT,
        ago=150,
        note="ติดต่อผู้ปกครองไม่ได้ เบอร์โทรศัพท์ยกเลิก",
        by=admin1,
    )
    build.finish(case, log, owner=admin1)
    count += 1

    # What waits for district1 on their home page.
    late_case = DropoutCase.objects.filter(district=district, late=True, owner=district1).first()
    reported = DropoutCase.objects.filter(
        district=district, reported_by_school=True, owner__isnull=True
    ).first()
    rows = []
    if reported is not None:
        rows.append((Notification.Kind.CASE_REPORTED, reported, reported.school.name))
    if late_case is not None:
        rows.append((Notification.Kind.CASE_LATE, late_case, district.name))
    Notification.objects.bulk_create(
        [
            Notification(user=district1, kind=kind, url=case_url(c), place=place)
            for kind, c, place in rows
        ]
    )
    return count
