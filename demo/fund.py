"""Demo district fund (seed_demo): district1's fund for students in need of this academic year,
published with its criteria, its nomination window open (it opened three weeks ago and closes in
ten days). Every school but director1's has nominated students whose records show a need (the
screening groups, care plans and home visits seeded before); the committee has selected some
(a few already paid) and declined one with its reason; the others wait. Director1's school has
nominated one student, and more students to nominate wait on its page.

The nominations go through the services (the evidence copied from the records, the audit
events written), as the schools and the committee would make them."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from carecore.models import Membership, Role
from districts.fund import selectors, services
from districts.fund.models import Fund

CRITERIA = "\n".join(
    [
        "นักเรียนจากครอบครัวที่มีรายได้เฉลี่ยต่ำกว่า 3,000 บาทต่อคนต่อเดือน หรือได้รับการเยี่ยมบ้านแล้วพบปัญหาความยากจน",
        "นักเรียนกลุ่มเสี่ยงหรือกลุ่มมีปัญหาจากการคัดกรอง ที่มีแผนช่วยเหลือรายบุคคล",
        "นักเรียนที่มีความเสี่ยงออกกลางคันจากปัญหาเศรษฐกิจ",
        "ยังไม่ได้รับทุนเสมอภาคหรือทุนอื่นในภาคเรียนเดียวกัน (พิจารณาเป็นลำดับแรก)",
        "โรงเรียนละไม่เกิน 5 คน โดยคณะกรรมการกองทุนของสำนักงานเขตพิจารณาตามหลักฐาน",
    ]
)
REASONS = [
    "บิดามารดาแยกทางกัน อาศัยอยู่กับยายซึ่งรับจ้างทั่วไป รายได้ไม่แน่นอน",
    "ครอบครัวมีรายได้น้อย ผู้ปกครองว่างงาน นักเรียนขาดเรียนบ่อยเพราะไม่มีค่าเดินทาง",
    "บ้านชำรุด ครอบครัวมีสมาชิกหลายคน ต้องช่วยทำงานหลังเลิกเรียน",
    "ผลการคัดกรองอยู่ในกลุ่มเสี่ยง มีแผนช่วยเหลือรายบุคคล ครอบครัวขาดรายได้",
]
DECLINED = "หลักฐานยังไม่ชัดเจนว่าครอบครัวมีรายได้ต่ำกว่าเกณฑ์ ขอให้โรงเรียนเยี่ยมบ้านเพิ่มเติมแล้วเสนอในรอบถัดไป"


def seed_fund(*, district, schools, academic_year, rng: random.Random, today: datetime.date):
    supervisor = (
        Membership.objects.filter(district=district, role=Role.DISTRICT_SUPERVISOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    committee = supervisor.user if supervisor else None
    directors = {
        m.school_id: m.user
        for m in Membership.objects.filter(school__in=schools, role=Role.DIRECTOR).select_related(
            "user"
        )
    }
    fund = services.fund_create(
        district=district,
        academic_year=academic_year,
        user=committee,
        data={
            "title": f"กองทุนช่วยเหลือนักเรียนยากจน ปีการศึกษา {academic_year.year}",
            "budget": Decimal("150000"),
            "amount_per_student": Decimal("2000"),
            "criteria": CRITERIA,
            "opens_on": today - datetime.timedelta(days=21),
            "closes_on": today + datetime.timedelta(days=10),
        },
    )
    Fund.objects.filter(pk=fund.pk).update(published_at=fund.created - datetime.timedelta(days=22))
    fund.refresh_from_db()
    for i, school in enumerate(schools):
        evidence = selectors.support_evidence(school=school, academic_year=academic_year)
        needy = sorted(sid for sid, items in evidence.items() if selectors.has_need(items))
        rng.shuffle(needy)
        count = 1 if i == 0 else rng.randint(2, 5)
        students = {s.pk: s for s in school.students.filter(pk__in=needy[:count])}
        for n, student_id in enumerate(needy[:count]):
            nomination = services.nomination_create(
                fund=fund,
                school=school,
                student=students[student_id],
                reason=rng.choice(REASONS),
                user=directors.get(school.pk),
                today=today,
            )
            if i == 0 or n == count - 1:
                continue  # waits for the committee
            if i % 4 == 3 and n == 0:
                services.nomination_decide(
                    nomination=nomination, selected=False, reason=DECLINED, user=committee,
                    revision=None,
                )  # fmt: skip
                continue
            services.nomination_decide(
                nomination=nomination, selected=True, reason="", user=committee, revision=None
            )
            if i % 2:
                services.payment_record(
                    nomination=nomination,
                    paid_on=today - datetime.timedelta(days=rng.randint(1, 5)),
                    amount=fund.amount_per_student,
                    reference=f"KTB-{rng.randint(100000, 999999)}",
                    user=committee,
                )
    return fund
