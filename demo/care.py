"""Demo care (steps 3 and 4) for every term of the year that has started: homeroom sessions and
classroom parent meetings for each room (some children absent), talent development for the
special group, prevention activities for most students at risk, care plans with follow-ups for
most students with problems, and support (scholarships, lunch, uniforms, transport).

Rooms differ in how thorough their teachers are, so coverage is high overall (about 95%, as in
the district's figures) and uneven between classrooms. Teacher1's room always keeps at least one
student with problems without a care plan (the browser journey opens one for them).

Everything goes in with bulk inserts: seed_demo stays fast.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from care.models import (
    ACTIVITY_CATEGORY,
    Activity,
    ActivityKind,
    ActivityParticipant,
    CarePlan,
    CarePlanAction,
    CarePlanFollowUp,
    ContactMethod,
    Support,
    SupportKind,
)
from demo.screening import group_override
from schools.models import HomeroomAssignment, Term
from screening.models import CareGroup
from students.models import Enrolment

BATCH = 2000
TEACHER1 = "teacher1"

HOMEROOM_TOPICS = [
    "การวางแผนการเรียนและการบ้าน",
    "มารยาทและการอยู่ร่วมกับผู้อื่น",
    "รู้ทันภัยยาเสพติดและบุหรี่ไฟฟ้า",
    "การใช้สื่อออนไลน์อย่างปลอดภัย",
    "การดูแลสุขภาพและสุขอนามัย",
    "การจัดการอารมณ์และความเครียด",
    "ความรับผิดชอบต่อหน้าที่ในห้องเรียน",
]
MEETING_ISSUES = [
    "นักเรียนบางคนมาสายบ่อย และการบ้านไม่ครบ",
    "ผู้ปกครองกังวลเรื่องการใช้โทรศัพท์มือถือนานเกินไป",
    "การเดินทางมาโรงเรียนช่วงฤดูฝน",
]
MEETING_AGREEMENTS = [
    "ผู้ปกครองช่วยตรวจการบ้านทุกวัน และแจ้งครูทางไลน์กลุ่มเมื่อมีปัญหา",
    "กำหนดเวลาใช้โทรศัพท์ไม่เกินวันละ 1 ชั่วโมง",
    "ครูแจ้งผลการเรียนรายเดือนผ่านไลน์กลุ่มห้อง",
]
TALENT_TOPICS = ["ฝึกซ้อมกีฬาฟุตบอลเพื่อแข่งขันระดับอำเภอ", "ชุมนุมดนตรีไทย", "ค่ายคณิตศาสตร์"]
PREVENTION = {
    ActivityKind.COUNSELLING: ["ให้คำปรึกษาเบื้องต้นเรื่องการปรับตัวกับเพื่อน", "พูดคุยเรื่องความเครียด"],
    ActivityKind.BUDDY: ["เพื่อนช่วยเพื่อนทบทวนบทเรียน"],
    ActivityKind.REMEDIAL: ["สอนซ่อมเสริมหลังเลิกเรียน"],
    ActivityKind.PARENT_CONTACT: ["โทรศัพท์แจ้งผู้ปกครองเรื่องการขาดเรียน", "เยี่ยมพบผู้ปกครอง"],
    ActivityKind.CLASS_ACTIVITY: ["กิจกรรมกลุ่มสัมพันธ์ในห้องเรียน"],
}
SUBJECTS = ["คณิตศาสตร์", "ภาษาไทย", "ภาษาอังกฤษ", "วิทยาศาสตร์"]
COUNSELLING_NOTES = [
    "นักเรียนเล่าว่าพ่อแม่ไปทำงานต่างจังหวัด อยู่กับยาย รู้สึกเหงา นัดพูดคุยอีกครั้งสัปดาห์หน้า",
    "นักเรียนมีเรื่องขัดแย้งกับเพื่อนในห้อง ได้ฝึกวิธีพูดคุยแก้ปัญหา",
]
PLAN_PROBLEMS = [
    ("ขาดเรียนบ่อย ผลการเรียนลดลง", "มาเรียนสม่ำเสมออย่างน้อยร้อยละ 90 ในภาคเรียนนี้"),
    ("มีพฤติกรรมก้าวร้าว ทะเลาะกับเพื่อนบ่อย", "ควบคุมอารมณ์ได้ ไม่มีเหตุทะเลาะวิวาทภายใน 2 เดือน"),
    ("อ่านเขียนไม่คล่อง เรียนไม่ทันเพื่อน", "อ่านออกเขียนได้ตามระดับชั้นภายในภาคเรียน"),
    ("ซึมเศร้า แยกตัวจากเพื่อน", "ร่วมกิจกรรมกับเพื่อนและพูดคุยกับครูสัปดาห์ละครั้ง"),
]
PLAN_ACTIONS = [
    ("ให้คำปรึกษารายบุคคลสัปดาห์ละครั้ง", "ครูประจำชั้น"),
    ("ประสานผู้ปกครองติดตามที่บ้าน", "ครูประจำชั้น"),
    ("จัดเพื่อนช่วยเพื่อน", "ครูประจำชั้น"),
    ("ส่งพบครูแนะแนว", "ครูแนะแนว"),
]
# Support by the student's draw (from 0 to 1): from, to, kind, source, the amounts (one drawn
# where there are several), given in term 1 only.
SUPPORT = [
    (
        0.0,
        0.08,
        SupportKind.EQUITY_SCHOLARSHIP,
        "กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.)",
        (1000, 1500),
        False,
    ),
    (0.08, 0.11, SupportKind.UNIFORM, "มูลนิธิเพื่อเด็กในชุมชน", (450, 600, 800), True),
    (0.11, 0.13, SupportKind.TRANSPORT, "กองทุนโรงเรียน", (500,), False),
]
FOLLOW_UPS = [
    ("พูดคุยกับนักเรียนและผู้ปกครอง นักเรียนมาเรียนสม่ำเสมอขึ้น", "partly"),
    ("ติดตามพฤติกรรมในห้องเรียน ยังมีปัญหาบ้าง", "not_improved"),
    ("นักเรียนมีพัฒนาการดีขึ้นชัดเจน", "improved"),
]


def _dates(term: Term, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return term.start, min(term.end, today)


@dataclass(frozen=True)
class _Place:
    """Where care is recorded: the school, the term and its days so far (``first`` to ``last``),
    and the teacher recorded as the one who held it."""

    school_id: int
    term: Term
    by: int | None
    first: datetime.date
    last: datetime.date

    def day(self, rng: random.Random) -> datetime.date:
        return _day(rng, self.first, self.last)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    span = max(0, (last - first).days)
    return first + datetime.timedelta(days=rng.randint(0, span))


def _group_of(groups: dict, student_id: int, term: Term):
    """The student's group for ``term``: of that term, else the latest earlier one of the year
    (the rule of care.coverage)."""
    for number in range(term.number, 0, -1):
        group = groups.get((student_id, number))
        if group is not None:
            return group
    return None


def seed_care(
    *,
    academic_year,
    rng: random.Random,
    recorders: dict[int, int],
    today: datetime.date | None = None,
) -> dict:
    """Seed care for ``academic_year``; ``recorders`` maps a classroom id to the id of one of
    its homeroom teachers, recorded as the one who held its activities and plans."""
    today = today or timezone.localdate()
    terms = [
        t
        for t in Term.objects.filter(academic_year=academic_year).order_by("number")
        if t.start <= today
    ] or list(Term.objects.filter(academic_year=academic_year, number=1))
    enrolments = list(
        Enrolment.objects.filter(academic_year=academic_year)
        .values_list("student_id", "classroom_id", "classroom__school_id")
        .order_by("classroom_id", "number")
    )
    rooms: dict[int, list[int]] = {}
    school_of_room: dict[int, int] = {}
    for student_id, classroom_id, school_id in enrolments:
        rooms.setdefault(classroom_id, []).append(student_id)
        school_of_room[classroom_id] = school_id
    groups = {
        (g.student_id, g.term.number): g
        for g in CareGroup.objects.filter(term__academic_year=academic_year).select_related("term")
    }
    teacher1_rooms = set(
        HomeroomAssignment.objects.filter(
            teacher__username=TEACHER1, classroom__academic_year=academic_year
        ).values_list("classroom_id", flat=True)
    )
    _ensure_problem_student(groups, rooms, teacher1_rooms, terms, recorders, rng)

    # How thorough each room is: homeroom sessions per term, how many children miss them, how
    # many of those who need prevention or a plan get it.
    habits = {}
    for room in rooms:
        careful = rng.random()
        habits[room] = {
            "sessions": 1 if careful < 0.6 else 2,
            "absent": 0.09 if careful < 0.08 else rng.uniform(0.0, 0.035),
            "prevention": rng.uniform(0.9, 1.0) if careful > 0.12 else rng.uniform(0.7, 0.9),
            "plans": rng.uniform(0.92, 1.0) if careful > 0.1 else rng.uniform(0.7, 0.9),
        }

    activities: list[Activity] = []
    members: list[list[tuple[int, str, int | None]]] = []  # per activity: (student, role, partner)

    def add(place: _Place, *, kind, date, topic, students, classroom_id=None, **extra):
        activities.append(
            Activity(
                school_id=place.school_id,
                term=place.term,
                classroom_id=classroom_id,
                kind=kind,
                category=ACTIVITY_CATEGORY[kind],
                date=date,
                topic=topic,
                recorded_by_id=place.by,
                **extra,
            )
        )
        members.append(students)

    def open_plan(place: _Place, student_id: int, *, follow: bool) -> None:
        plans.append(_plan(rng, place, student_id, follow=follow, today=today))
        planned.add(student_id)

    plans: list[tuple[CarePlan, list, list]] = []
    planned: set[int] = set()
    for term in terms:
        first, last = _dates(term, today)
        talent_by_school: dict[int, list[int]] = {}
        for room, student_ids in rooms.items():
            school_id, habit = school_of_room[room], habits[room]
            place = _Place(school_id, term, recorders.get(room), first, last)
            for n in range(habit["sessions"]):
                present = [s for s in student_ids if rng.random() > habit["absent"]]
                add(
                    place,
                    kind=ActivityKind.HOMEROOM,
                    date=place.day(rng),
                    topic=HOMEROOM_TOPICS[(room + n + term.number) % len(HOMEROOM_TOPICS)],
                    students=[(s, "participant", None) for s in present],
                    classroom_id=room,
                )
            if rng.random() < 0.5:
                present = [s for s in student_ids if rng.random() < 0.7]
                add(
                    place,
                    kind=ActivityKind.PARENT_MEETING,
                    date=place.day(rng),
                    topic="ประชุมผู้ปกครองชั้นเรียน",
                    students=[(s, "participant", None) for s in present],
                    classroom_id=room,
                    details={
                        "parents_present": len(present),
                        "issues": rng.choice(MEETING_ISSUES),
                        "agreements": rng.choice(MEETING_AGREEMENTS),
                    },
                )
            calm = []
            for s in student_ids:
                group = _group_of(groups, s, term)
                if group is None:
                    continue
                if group.special:
                    talent_by_school.setdefault(school_id, []).append(s)
                if group.level == "normal":
                    calm.append(s)
                elif group.level == "risk":
                    if rng.random() < 0.07 and s not in planned:
                        open_plan(place, s, follow=False)
                    if rng.random() < habit["prevention"]:
                        _prevention(rng, add, place, s, calm)
                elif group.level == "problem":
                    if rng.random() < 0.6:
                        _prevention(rng, add, place, s, [])
                    keep_free = room in teacher1_rooms and not any(
                        _group_of(groups, o, term) is not None
                        and _group_of(groups, o, term).level == "problem"
                        and o not in planned
                        and o < s
                        for o in student_ids
                    )
                    if s in planned or keep_free:
                        continue
                    if rng.random() < habit["plans"]:
                        open_plan(place, s, follow=True)
                    elif rng.random() < 0.5:
                        open_plan(place, s, follow=False)
        for school_id, talented in talent_by_school.items():
            place = _Place(school_id, term, None, first, last)
            add(
                place,
                kind=ActivityKind.TALENT,
                date=place.day(rng),
                topic=rng.choice(TALENT_TOPICS),
                students=[(s, "participant", None) for s in talented if rng.random() < 0.8],
            )
    # Plans opened in an earlier term get follow-ups in the later ones too.
    for plan, _actions, follow_ups in plans:
        for term in terms:
            if term.number > plan.term.number and rng.random() < 0.96:
                first, last = _dates(term, today)
                follow_ups.append(_follow_up(rng, plan, _day(rng, first, last)))

    Activity.objects.bulk_create(activities, batch_size=BATCH)
    rows = []
    for activity, students in zip(activities, members, strict=True):
        for student_id, role, partner in students:
            rows.append(
                ActivityParticipant(
                    activity=activity,
                    school_id=activity.school_id,
                    student_id=student_id,
                    role=role,
                    partner_id=partner,
                )
            )
    ActivityParticipant.objects.bulk_create(rows, batch_size=BATCH)
    CarePlan.objects.bulk_create([p for p, _a, _f in plans], batch_size=BATCH)
    CarePlanAction.objects.bulk_create(
        [a for p, actions, _f in plans for a in _bind(actions, p)], batch_size=BATCH
    )
    follow_rows = [f for p, _a, follow_ups in plans for f in _bind(follow_ups, p)]
    CarePlanFollowUp.objects.bulk_create(follow_rows, batch_size=BATCH)
    in_progress = [p.pk for p, _a, f in plans if f]
    CarePlan.objects.filter(pk__in=in_progress).update(status=CarePlan.Status.IN_PROGRESS)
    support = _support(rng, enrolments, school_of_room, terms, today, recorders)
    Support.objects.bulk_create(support, batch_size=BATCH)
    return {
        "activities": len(activities),
        "participants": len(rows),
        "plans": len(plans),
        "follow_ups": len(follow_rows),
        "support": len(support),
    }


def _bind(rows, plan):
    for row in rows:
        row.plan = plan
        yield row


def _prevention(rng, add, place: _Place, student_id, calm) -> None:
    kind = rng.choices(list(PREVENTION), weights=[30, 15 if calm else 0, 20, 25, 10])[0]
    extra: dict = {}
    students = [(student_id, "participant", None)]
    if kind == ActivityKind.BUDDY:
        helper = rng.choice(calm)
        students = [(helper, "helper", student_id), (student_id, "helped", helper)]
        extra["details"] = {"subject": rng.choice(SUBJECTS)}
    elif kind == ActivityKind.REMEDIAL:
        extra["details"] = {"subject": rng.choice(SUBJECTS)}
    elif kind == ActivityKind.PARENT_CONTACT:
        extra["details"] = {"method": rng.choice(ContactMethod.values)}
    elif kind == ActivityKind.COUNSELLING:
        extra["sensitive_notes"] = rng.choice(COUNSELLING_NOTES)
    add(
        place,
        kind=kind,
        date=place.day(rng),
        topic=rng.choice(PREVENTION[kind]),
        students=students,
        **extra,
    )


def _plan(rng, place: _Place, student_id, *, follow: bool, today):
    opened = place.day(rng)
    problem, goals = rng.choice(PLAN_PROBLEMS)
    # About one plan in ten is overdue for review; the others were reviewed and have their next
    # review ahead (a plan of term 1 still open in term 2 too).
    review = opened + datetime.timedelta(days=rng.choice([14, 30, 45]))
    if rng.random() < 0.1:
        review = max(opened, place.last - datetime.timedelta(days=3))
    elif review < today:
        review = today + datetime.timedelta(days=rng.choice([7, 14, 21, 30]))
    plan = CarePlan(
        school_id=place.school_id,
        student_id=student_id,
        term=place.term,
        opened_on=opened,
        problem=problem,
        goals=goals,
        next_review=review,
        opened_by_id=place.by,
    )
    actions = []
    for action, who in rng.sample(PLAN_ACTIONS, 2):
        due = opened + datetime.timedelta(days=rng.choice([7, 14, 30]))
        # Most actions whose date has passed are done; a few are late.
        done = rng.random() < (0.93 if due < today else 0.3)
        actions.append(
            CarePlanAction(school_id=place.school_id, action=action, who=who, due=due, done=done)
        )
    follow_ups = []
    if follow:
        for _n in range(rng.choice([1, 1, 2])):
            follow_ups.append(_follow_up(rng, plan, _day(rng, opened, place.last)))
    return plan, actions, follow_ups


def _follow_up(rng, plan, day):
    what, result = rng.choice(FOLLOW_UPS)
    return CarePlanFollowUp(
        school_id=plan.school_id,
        date=max(day, plan.opened_on),
        what_was_done=what,
        result=result,
        next_step="ติดตามต่อเนื่องทุกสองสัปดาห์",
        recorded_by_id=plan.opened_by_id,
    )


def _ensure_problem_student(groups, rooms, teacher1_rooms, terms, recorders, rng) -> None:
    """Teacher1's room needs a student with problems (the browser journey opens a plan for
    them): if screening gave it none, the teacher moves one student at risk (or any) up, with a
    reason, as a teacher may."""
    for room in teacher1_rooms:
        term = terms[0]
        in_room = [_group_of(groups, s, term) for s in rooms.get(room, [])]
        in_room = [g for g in in_room if g is not None]
        if not in_room or any(g.level == "problem" for g in in_room):
            continue
        group = next((g for g in in_room if g.level == "risk"), in_room[-1])
        reason = "ครูประจำชั้นสังเกตพฤติกรรมต่อเนื่อง พบว่าแยกตัวจากเพื่อนบ่อย ขอให้ติดตามใกล้ชิด"
        change = group_override(
            group, "problem", reason, by_id=recorders.get(room), at=timezone.now()
        )
        change.save()
        group.save()


def _support(rng, enrolments, school_of_room, terms, today, recorders) -> list[Support]:
    rows = []
    for student_id, classroom_id, school_id in enrolments:
        roll = rng.random()
        for term in terms:
            first, last = _dates(term, today)
            for low, high, kind, source, amounts, term1_only in SUPPORT:
                if not low <= roll < high or (term1_only and term.number != 1):
                    continue
                rows.append(
                    Support(
                        school_id=school_id,
                        student_id=student_id,
                        term=term,
                        kind=kind,
                        source=source,
                        amount=Decimal(amounts[0] if len(amounts) == 1 else rng.choice(amounts)),
                        date=_day(rng, first, last),
                        recorded_by_id=recorders.get(classroom_id),
                    )
                )
    return rows
