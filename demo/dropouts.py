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
from dataclasses import dataclass, replace

from carecore.models import Notification, Role, User
from demo.people import school_members
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


DISTRICT1 = "district1"
ADMIN1 = "districtadmin1"
COORDINATOR = "coordinator"  # the coordinator of the student's school (else coordinator1)


@dataclass(frozen=True)
class _Case:
    """One case of the demo: reported ``ago`` days ago, about an enrolled student reported by
    their school (``student``: the index among the students picked, 0 being of coordinator1's
    school) or a child told by someone else (``child``: the reporter's kind and name, the index
    of the school concerned or None); worked ``by`` someone up to a step, owned by ``owner``."""

    ago: int
    situation: str
    causes: tuple[str, ...]  # with ``draw_cause``: the choices, one of them drawn
    description: str
    student: int | None = None
    child: tuple[str, str, int | None] | None = None
    # (the step reached, days from the report to the first move, days between the moves)
    walk: tuple[str, int, int] | None = None
    by: str = DISTRICT1
    observations: tuple[tuple[bool, str], ...] = ()  # (still in school, note), from the first
    close: tuple[str, int, str] | None = None  # (outcome, days ago, note)
    owner: str | None = DISTRICT1
    team: int = 0  # how many of TEAM
    draw_cause: bool = False


# Back in school, closed after three observations: a child told by the kamnan, a student.
KAMNAN = (ReporterKind.VILLAGE_HEAD, "กำนันตำบล")
_KAMNAN_TOLD = _Case(
    0,
    Situation.DROPPED_OUT,
    ("poverty", "migration"),
    "ไม่ได้เรียนต่อหลังย้ายกลับภูมิลำเนา",
    child=(*KAMNAN, 0),
    walk=(Step.BACK_IN_SCHOOL, 3, 8),
    observations=((True, ""),) * 3,
    team=2,
    draw_cause=True,
)
_LEFT_SCHOOL = replace(
    _KAMNAN_TOLD,
    causes=("poverty", "family", "work"),
    description="ออกกลางคันระหว่างภาคเรียน",
    child=None,
    student=4,
)
CASES = [
    # 1. Report, just in: a child not in any school, told by a village head (district1).
    _Case(
        1,
        Situation.DROPPED_OUT,
        ("poverty", "work"),
        "ไม่ได้ไปโรงเรียนตั้งแต่เปิดเทอม ช่วยพ่อแม่รับจ้างตัดอ้อย",
        child=(ReporterKind.VILLAGE_HEAD, "นายสมชาย ใจดี ผู้ใหญ่บ้าน", None),
    ),
    # 2. Report, late and without an owner: a school's student at risk.
    _Case(
        6,
        Situation.AT_RISK,
        ("family",),
        "ขาดเรียนบ่อย อยู่กับยาย พ่อแม่ไปทำงานต่างจังหวัด",
        student=1,
        owner=None,
    ),
    # 3. Coordinate: a student who dropped out (district1).
    _Case(
        5,
        Situation.DROPPED_OUT,
        ("migration",),
        "ครอบครัวย้ายไปทำงานในเมือง ไม่ได้ย้ายโรงเรียน",
        student=2,
        walk=(Step.COORDINATE, 2, 1),
        team=1,
    ),
    # 4. Coordinate, round 2 and late: back in school, then found out of school (admin).
    _Case(
        150,
        Situation.NEVER_ENROLLED,
        ("health", "poverty"),
        "เด็กอายุเกณฑ์ไม่ได้เข้าเรียน ผู้ปกครองไม่มีเอกสาร",
        child=(ReporterKind.HEALTH, "รพ.สต. บ้านโคกสี", 1),
        walk=(Step.BACK_IN_SCHOOL, 4, 12),
        by=ADMIN1,
        observations=((True, ""), (False, "ย้ายตามผู้ปกครองไปต่างอำเภอ")),
        owner=ADMIN1,
        team=3,
    ),
    # 5. Field visit: a child who left school, told by a parent (district1).
    _Case(
        9,
        Situation.DROPPED_OUT,
        ("behaviour",),
        "ไม่ยอมไปโรงเรียน ติดเกม ออกจากบ้านกลางคืน",
        child=(ReporterKind.PARENT, "ป้าของเด็ก", 2),
        walk=(Step.VISIT, 2, 3),
        team=2,
    ),
    # 6. Meeting: a school's student at risk, owned by the school's coordinator.
    _Case(
        20,
        Situation.AT_RISK,
        ("poverty", "family"),
        "ไม่มีค่าเดินทางมาโรงเรียน ขาดเรียนเกือบทุกวันศุกร์",
        student=0,
        walk=(Step.MEETING, 3, 5),
        owner=COORDINATOR,
        team=2,
    ),
    # 7. Refer help, late: a child told by a hospital (district1).
    _Case(
        70,
        Situation.DROPPED_OUT,
        ("pregnancy",),
        "ตั้งครรภ์ ออกจากโรงเรียนกลางภาคเรียน",
        child=(ReporterKind.HEALTH, "โรงพยาบาลพระยืน", None),
        walk=(Step.REFER_HELP, 4, 7),
        team=3,
    ),
    # 8. Back in school, one observation recorded, the next in the future (district1).
    _Case(
        75,
        Situation.DROPPED_OUT,
        ("work",),
        "หยุดเรียนไปช่วยงานร้านอาหารของญาติ",
        student=3,
        walk=(Step.BACK_IN_SCHOOL, 3, 4),
        observations=((True, ""),),
        team=2,
    ),
    # 9. Back in school, one observation recorded, the next overdue (admin): late.
    _Case(
        110,
        Situation.DROPPED_OUT,
        ("family", "poverty"),
        "พ่อแม่แยกทาง เด็กไม่ได้ไปโรงเรียน",
        child=(ReporterKind.COMMUNITY, "อบต. บ้านเม็ง", 3),
        walk=(Step.BACK_IN_SCHOOL, 5, 5),
        by=ADMIN1,
        observations=((True, ""),),
        owner=ADMIN1,
        team=1,
    ),
    # 10-13. Closed, back in school after three observations (one cause drawn for each).
    replace(_KAMNAN_TOLD, ago=260),
    replace(_LEFT_SCHOOL, ago=230),
    replace(_KAMNAN_TOLD, ago=200, child=(*KAMNAN, 2)),
    replace(_LEFT_SCHOOL, ago=170, student=5, owner=ADMIN1),
    # 14. Closed: in non-formal education.
    _Case(
        140,
        Situation.DROPPED_OUT,
        ("work",),
        "อายุเกินชั้น ไม่ต้องการกลับโรงเรียนเดิม",
        child=(ReporterKind.COMMUNITY, "สกร. อำเภอ", None),
        walk=(Step.REFER_HELP, 5, 10),
        close=(Outcome.NON_FORMAL, 80, "เรียนต่อ กศน. ภาคเรียนนี้"),
        team=1,
    ),
    # 15. Closed: contact lost after a failed observation.
    _Case(
        240,
        Situation.DROPPED_OUT,
        ("migration",),
        "ครอบครัวย้ายตามฤดูเก็บเกี่ยว",
        student=6,
        walk=(Step.BACK_IN_SCHOOL, 4, 6),
        by=ADMIN1,
        observations=((False, "ครอบครัวย้ายออกจากหมู่บ้าน"),),
        close=(Outcome.LOST_CONTACT, 150, "ติดต่อผู้ปกครองไม่ได้ เบอร์โทรศัพท์ยกเลิก"),
        owner=ADMIN1,
    ),
]
# Cases about enrolled students (the others are children not in any school).
STUDENT_CASES = sum(1 for case in CASES if case.child is None)


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
        u.username: u for u in User.objects.filter(username__in=[DISTRICT1, ADMIN1, "coordinator1"])
    }
    district1, admin1 = users.get(DISTRICT1), users.get(ADMIN1)
    coordinator1 = users.get("coordinator1")
    if district1 is None or admin1 is None:
        return 0
    coordinators = school_members(schools, Role.COORDINATOR)
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

    def student_case(spec: _Case, causes: list[str]):
        student = picked[spec.student]
        by = coordinators.get(student.school_id)
        return build.open(
            ago=spec.ago,
            by=by,
            school=student.school,
            student=student,
            situation=spec.situation,
            reporter_kind=ReporterKind.SCHOOL,
            reporter_name=by.display_name if by else "",
            description=spec.description,
            causes=causes,
            reported_by_school=True,
        )

    def child_case(spec: _Case, causes: list[str]):
        reporter_kind, reporter_name, school = spec.child
        prefix, first, last, village = children.pop()
        return build.open(
            ago=spec.ago,
            by=district1,
            school=None if school is None else schools[school % len(schools)],
            prefix=prefix,
            first_name=first,
            last_name=last,
            birth_date=today - datetime.timedelta(days=rng.randint(9 * 365, 14 * 365)),
            village=village,
            address=f"{rng.randint(1, 180)} หมู่ {rng.randint(1, 12)} ต.{village[3:]}",
            guardian_name=f"นาง{rng.choice(['สมศรี', 'บุญเรือน', 'ทองใบ'])} {last}",
            guardian_phone=f"08{rng.randint(10000000, 99999999)}",
            situation=spec.situation,
            reporter_kind=reporter_kind,
            reporter_name=reporter_name,
            reporter_contact=f"09{rng.randint(10000000, 99999999)}",
            description=spec.description,
            causes=causes,
        )

    for spec in CASES:
        causes = [rng.choice(spec.causes)] if spec.draw_cause else list(spec.causes)
        if spec.child is None:
            case, log = student_case(spec, causes)
        else:
            case, log = child_case(spec, causes)
        by = users[spec.by]
        if spec.walk is not None:
            to, after, every = spec.walk
            build.walk(case, log, to=to, start_ago=spec.ago - after, every=every, by=by)
        for index, (still, note) in enumerate(spec.observations):
            build.observe(case, log, index=index, still=still, by=by, note=note)
        if spec.close is not None:
            outcome, ago, note = spec.close
            build.close(case, log, outcome=outcome, ago=ago, note=note, by=by)
        if spec.owner == COORDINATOR:
            owner = coordinators.get(case.student.school_id) or coordinator1
        else:
            owner = users.get(spec.owner)
        build.finish(case, log, owner=owner, team=spec.team)

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
    return len(CASES)
