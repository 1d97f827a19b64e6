"""Demo data of the cumulative record: family, health, protection, abilities and last year's
grades for about 70% of the students, with the variety of a rural northeastern district.

Written with bulk inserts (and a revision per section, as a teacher's save leaves one) so that
the demo of 3,000 students seeds in seconds; bench/scale_seed.py reuses the value makers.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from schools.models import Grade
from students.models import RecordRevision, Student, TermResult
from students.record.sections import SECTIONS, stored

OCCUPATIONS = ["ทำนา", "รับจ้างทั่วไป", "ค้าขาย", "ทำไร่มันสำปะหลัง", "ทำไร่อ้อย", "ลูกจ้างโรงงาน"]
TALENTS = ["ร้องเพลง", "ฟุตบอล", "วาดภาพ", "วิ่ง", "รำไทย", "เล่นดนตรีพื้นบ้าน (พิณ แคน)", "คณิตคิดเร็ว"]
AWARDS = [
    "เหรียญทองการแข่งขันศิลปหัตถกรรมนักเรียน ระดับเขตพื้นที่",
    "รางวัลชนะเลิศวิ่ง 100 เมตร กีฬากลุ่มเครือข่าย",
    "นักเรียนดีเด่นด้านคุณธรรม",
]
SUBJECTS = ["คณิตศาสตร์", "ภาษาอังกฤษ", "วิทยาศาสตร์และเทคโนโลยี", "ภาษาไทย"]


def household_values(rng: random.Random) -> dict:
    """Family facts with the variety of a rural northeastern district."""
    kind = rng.choices(
        ["together", "grandparents_bangkok", "mother_only", "poor_together", "relatives"],
        weights=[45, 25, 12, 12, 6],
    )[0]
    if kind == "grandparents_bangkok":
        lives_with, status, away = "grandparents", "working_away", "กรุงเทพมหานคร"
        members = [
            {"relation": "ยาย", "age": rng.randint(58, 75), "occupation": "ทำนา"},
            {"relation": "ตา", "age": rng.randint(60, 78), "occupation": "ทำนา"},
        ]
        income = rng.choice([3000, 4000, 4500, 6000, 8000])
    elif kind == "mother_only":
        lives_with, status, away = "mother", "separated", ""
        members = [{"relation": "แม่", "age": rng.randint(28, 45), "occupation": "รับจ้างทั่วไป"}]
        income = rng.choice([4000, 5000, 6500, 9000])
    elif kind == "relatives":
        lives_with = "relatives"
        status = rng.choice(["father_deceased", "separated", "working_away"])
        away = "ชลบุรี" if status == "working_away" else ""
        members = [{"relation": "ป้า", "age": rng.randint(35, 55), "occupation": "ค้าขาย"}]
        income = rng.choice([5000, 7000, 9000])
    else:
        lives_with, status, away = "both_parents", "together", ""
        members = [
            {"relation": "พ่อ", "age": rng.randint(30, 48), "occupation": rng.choice(OCCUPATIONS)},
            {"relation": "แม่", "age": rng.randint(28, 45), "occupation": rng.choice(OCCUPATIONS)},
        ]
        income = (
            rng.choice([3500, 4500, 6000])
            if kind == "poor_together"
            else rng.choice([9000, 12000, 15000, 20000, 30000])
        )
    siblings = rng.choice([0, 1, 1, 2, 3])
    members += [
        {"relation": "พี่น้อง", "age": rng.randint(3, 17), "occupation": "นักเรียน"}
        for _ in range(siblings)
    ]
    size = len(members) + 1
    poor = income / size < 3000
    return {
        "lives_with": lives_with,
        "parents_status": status,
        "working_away_place": away,
        "household_size": size,
        "household_members": members,
        "income_per_month": income,
        "main_occupations": ", ".join(sorted({m["occupation"] for m in members[:2]})),
        "welfare_card": poor or rng.random() < 0.2,
        "equity_scholarship": (
            rng.choice(["receiving", "receiving", "applied"]) if poor else "none"
        ),
    }


def health_values(rng: random.Random, student: Student, today: datetime.date) -> dict:
    age = student.age_on(today) or 8
    # Heights and weights around Thai children's medians, with thin and heavy children.
    height = 80 + 6.2 * age + rng.gauss(0, 5)
    bmi = rng.choice([13.2, 15.0, 15.8, 16.5, 17.0, 18.5, 21.0, 24.0]) + 0.35 * max(0, age - 8)
    weight = bmi * (height / 100) ** 2
    disabilities = []
    if rng.random() < 0.04:
        disabilities = [rng.choice(["learning", "learning", "adhd", "speech", "autism"])]
    illness = rng.random() < 0.08
    return {
        "weight_kg": Decimal(str(round(weight, 1))),
        "height_cm": Decimal(str(round(height, 1))),
        "measured_on": today - datetime.timedelta(days=rng.randint(3, 40)),
        "eyesight": rng.choices(["normal", "glasses", "problem"], weights=[88, 9, 3])[0],
        "hearing": rng.choices(["normal", "problem"], weights=[97, 3])[0],
        "has_chronic_illness": illness,
        "chronic_illness": rng.choice(["หอบหืด", "ภูมิแพ้", "ธาลัสซีเมีย"]) if illness else "",
        "disabilities": disabilities,
        "mind_behaviour_notes": "",
    }


def protection_values(rng: random.Random, far: bool) -> dict:
    mode = rng.choice(
        ["school_van", "parents_motorbike", "bicycle", "bus"]
        if far
        else ["walk", "bicycle", "parents_motorbike"]
    )
    distance = round(rng.uniform(3, 15) if far else rng.uniform(0.3, 3), 1)
    risks = []
    if rng.random() < 0.08:
        risks = [rng.choice(["neglect", "violence", "substance"])]
    return {
        "risks": risks,
        "risk_note": "ผู้ปกครองดื่มสุราเป็นประจำ" if "substance" in risks else "",
        "travel_mode": mode,
        "travel_distance_km": Decimal(str(distance)),
        "travel_minutes": max(
            5, round(distance * {"walk": 13, "bicycle": 5}.get(mode, 2.5)) + rng.randint(0, 10)
        ),
        "travel_cost_baht": {"school_van": 20, "bus": 30}.get(mode, 0),
        "pocket_money_baht": rng.choice([20, 30, 40, 50, 60]),
        "other_notes": "",
    }


def records_fill(
    *,
    entries: Iterable[tuple[Student, int, object]],
    rng: random.Random,
    today: datetime.date,
    share: float = 0.7,
) -> int:
    """Fill the record of about ``share`` of the students (with bulk inserts, for the demo).

    ``entries``: (student, grade of their classroom, their homeroom teacher). A few records are
    left partly filled, as in a real school in June. Returns how many students got a record.
    """
    rows: dict[type, list] = {spec.model: [] for spec in SECTIONS.values()}
    rows[TermResult] = []
    revisions = []
    now = timezone.now()
    filled = 0
    year = today.year + 543 - (0 if today.month >= 5 else 1)
    for student, grade, teacher in entries:
        if rng.random() >= share:
            continue
        filled += 1
        name = teacher.display_name if teacher is not None else ""
        sections = {
            "family": household_values(rng),
            "health": health_values(rng, student, today),
            "protection": protection_values(rng, rng.random() < 0.4),
            "ability": {
                "talents": rng.choice(TALENTS) if rng.random() < 0.5 else "",
                "awards": rng.choice(AWARDS) if rng.random() < 0.1 else "",
                "learning_notes": "",
            },
        }
        if rng.random() < 0.15:  # started, not finished
            sections.pop(rng.choice(["health", "protection"]))
        for section, values in sections.items():
            model = SECTIONS[section].model
            rows[model].append(model(student=student, updated_by=teacher, **values))
            data = {k: stored(v) for k, v in values.items()}
            changes = {k: [None, v] for k, v in data.items() if v not in (None, "", [])}
            revisions.append(
                RecordRevision(
                    student=student,
                    section=section,
                    data=data,
                    changes=changes,
                    changed_by=teacher,
                    changed_by_name=name,
                    changed_at=now,
                )
            )
        if grade > Grade.P1:
            for back in (1, 2) if grade > Grade.P2 else (1,):
                # Term 2 of last year, then term 1 of last year.
                gpa = Decimal(str(round(min(4.0, max(0.8, rng.gauss(2.9, 0.6))), 2)))
                failed = [rng.choice(SUBJECTS)] if gpa < Decimal("1.5") else []
                rows[TermResult].append(
                    TermResult(
                        student=student,
                        year=year - 1,
                        term=3 - back,
                        gpa=gpa,
                        failed_subjects=failed,
                        updated_by=teacher,
                    )
                )
    for model, objs in rows.items():
        model.objects.bulk_create(objs, batch_size=2000)
    RecordRevision.objects.bulk_create(revisions, batch_size=2000)
    return filled
