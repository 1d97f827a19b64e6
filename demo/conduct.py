"""Demo behaviour and conduct points (issue 20): every school's default categories, incidents of
the year so far (most students have none; late mornings and uniforms are the usual ones, a few
good deeds, a little fighting and smoking among the older ones), and in teacher1's room a
fight (sensitive: only the counsellor, the discipline office and the leaders see what it was)
whose student then did a behaviour-correction activity that gave points back.

Everything goes in with bulk inserts: seed_demo stays fast.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from behaviour.defaults import DEFAULT_CATEGORIES
from behaviour.models import Category, Correction, Incident
from schools.models import Grade, Term
from students.models import Enrolment

BATCH = 2000
EVERYDAY = ["มาสาย", "แต่งกายผิดระเบียบ", "ทรงผมผิดระเบียบ", "ไม่ส่งงานหรือไม่เข้าร่วมกิจกรรม"]
TOLD = ["พูดจาไม่สุภาพหรือไม่เคารพครู", "หนีเรียนหรือออกนอกบริเวณโรงเรียน"]
GOOD = ["จิตอาสา", "ช่วยเหลือผู้อื่น", "เก็บของได้แล้วส่งคืน"]
SENSITIVE_OLDER = ["ทะเลาะวิวาท", "สูบบุหรี่หรือบุหรี่ไฟฟ้า"]
NOTES = {
    "มาสาย": "มาถึงโรงเรียนหลังเคารพธงชาติ",
    "พูดจาไม่สุภาพหรือไม่เคารพครู": "พูดจาไม่สุภาพกับครูในชั่วโมงเรียน ได้ตักเตือนแล้ว",
    "จิตอาสา": "ช่วยทำความสะอาดบริเวณโรงเรียนหลังเลิกเรียน",
    "เก็บของได้แล้วส่งคืน": "เก็บกระเป๋าสตางค์ได้ที่โรงอาหาร นำส่งครูเวร",
    "ทะเลาะวิวาท": "มีปากเสียงและผลักกันกับเพื่อนต่างห้องที่สนามฟุตบอล ครูเวรแยกได้ทัน ไม่มีผู้บาดเจ็บ",
}
CORRECTION = "ช่วยงานห้องสมุดหลังเลิกเรียน 5 วัน และเขียนบันทึกความดี"


@dataclass
class ConductResult:
    incidents: int = 0
    sensitive_student_id: int | None = None


def _categories(school_ids: list[int]) -> dict[tuple[int, str], Category]:
    Category.objects.bulk_create(
        [
            Category(school_id=school_id, order=i, **default._asdict())
            for school_id in school_ids
            for i, default in enumerate(DEFAULT_CATEGORIES, start=1)
        ],
        batch_size=BATCH,
    )
    return {(c.school_id, c.name): c for c in Category.objects.filter(school_id__in=school_ids)}


def incident_row(
    *, category: Category, student_id, classroom_id, academic_year, term, day, by, note=""
) -> Incident:
    """An incident as the behaviour app records it: kind and points copied from the category."""
    return Incident(
        school_id=category.school_id,
        student_id=student_id,
        academic_year=academic_year,
        term=term,
        classroom_id=classroom_id,
        category=category,
        kind=category.kind,
        points=category.points,
        date=day,
        description=note,
        recorded_by_id=by,
    )


def _school_day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    day = first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))
    while day.weekday() >= 5 and day > first:
        day -= datetime.timedelta(days=1)
    return day


def seed_conduct(
    *,
    academic_year,
    school_ids: list[int],
    recorders: dict[int, int],
    rng: random.Random,
    today: datetime.date,
    teacher1_classroom_id: int | None,
    discipline_user_id: int | None,
    spare: set[int] = frozenset(),
) -> ConductResult:
    """Run inside scopes_disabled. ``spare``: students left without random incidents (the
    demo's parent's child gets their own, told to the parent, in demo/family.py)."""
    result = ConductResult()
    categories = _categories(school_ids)
    last = min(today - datetime.timedelta(days=1), academic_year.end)
    if last < academic_year.start:
        return result
    terms = list(Term.objects.filter(academic_year=academic_year))

    def term_of(day):
        return next((t for t in terms if t.start <= day <= t.end), None)

    def incident(school_id, student_id, classroom_id, name, day, by, note=""):
        return incident_row(
            category=categories[(school_id, name)],
            student_id=student_id,
            classroom_id=classroom_id,
            academic_year=academic_year,
            term=term_of(day),
            day=day,
            by=by,
            note=note or NOTES.get(name, ""),
        )

    rows: list[Incident] = []
    enrolments = Enrolment.objects.filter(
        academic_year=academic_year, classroom__school_id__in=school_ids
    ).values_list("student_id", "classroom_id", "classroom__school_id", "classroom__grade")
    sensitive_in_room: int | None = None
    for student_id, classroom_id, school_id, grade in enrolments.order_by("pk"):
        if student_id in spare:
            continue
        by = recorders.get(classroom_id)
        draw = rng.random()
        if draw < 0.12:
            for _ in range(rng.choice([1, 1, 2, 3])):
                name = rng.choice(EVERYDAY)
                rows.append(
                    incident(
                        school_id,
                        student_id,
                        classroom_id,
                        name,
                        _school_day(rng, academic_year.start, last),
                        by,
                    )
                )
        elif draw < 0.15:
            name = rng.choice(TOLD)
            day = _school_day(rng, academic_year.start, last)
            rows.append(incident(school_id, student_id, classroom_id, name, day, by))
        elif draw < 0.21:
            name = rng.choice(GOOD)
            day = _school_day(rng, academic_year.start, last)
            rows.append(incident(school_id, student_id, classroom_id, name, day, by))
        elif draw < 0.225 and grade >= Grade.P6:
            name = rng.choice(SENSITIVE_OLDER)
            day = _school_day(rng, academic_year.start, last)
            rows.append(
                incident(school_id, student_id, classroom_id, name, day, discipline_user_id)
            )
        if classroom_id == teacher1_classroom_id and sensitive_in_room is None and draw > 0.5:
            # The room's fight: recorded by the discipline office, told in person.
            sensitive_in_room = student_id
            day = _school_day(
                rng, max(academic_year.start, last - datetime.timedelta(days=40)), last
            )
            rows.append(
                incident(school_id, student_id, classroom_id, "ทะเลาะวิวาท", day, discipline_user_id)
            )
            rows.append(
                incident(
                    school_id,
                    student_id,
                    classroom_id,
                    "มาสาย",
                    day - datetime.timedelta(days=7),
                    by,
                )
            )
    Incident.objects.bulk_create(rows, batch_size=BATCH)
    result.incidents = len(rows)
    if sensitive_in_room is not None:
        fight = max(
            (r for r in rows if r.student_id == sensitive_in_room and r.category.sensitive),
            key=lambda r: r.date,
        )
        day = min(last, fight.date + datetime.timedelta(days=7))
        Correction.objects.create(
            school_id=fight.school_id,
            student_id=sensitive_in_room,
            academic_year=academic_year,
            term=term_of(day),
            date=day,
            activity=CORRECTION,
            hours=Decimal("10"),
            points=10,
            note="ทำครบตามที่ตกลง ขยันและตรงเวลา",
            approved_by_id=discipline_user_id,
        )
        result.sensitive_student_id = sensitive_in_room
    return result
