"""Demo supervision (seed_demo): one finished round of the district office's team over every
school of the demo district, last month: each school visited, rated on the default form (the
second and fifth steps weaker in one network, so the summary shows where to help), its
findings and recommendations sent, and each school's answer. No student is named.

The rows are written directly (bulk, in the past) as the services would write them."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from carecore.models import Role
from demo.people import first_member, school_members
from districts.supervision.defaults import DEFAULT_STEPS
from districts.supervision.models import Round, Visit, VisitStep

FINDINGS = [
    "มีข้อมูลนักเรียนรายบุคคลครบ แต่บางห้องยังไม่เป็นปัจจุบัน",
    "คัดกรองครบทุกคน แต่เกณฑ์กลุ่มเสี่ยงของแต่ละชั้นไม่ตรงกัน",
    "จัดกิจกรรมโฮมรูมสม่ำเสมอ ประชุมผู้ปกครองชั้นเรียนปีละครั้ง",
    "ให้คำปรึกษาเบื้องต้นได้ดี แต่บันทึกการช่วยเหลือรายกรณียังไม่ครบ",
    "ส่งต่อภายในได้ แต่ยังไม่ติดตามผลหลังส่งต่อภายนอก",
]
RECOMMENDATIONS = [
    "ปรับปรุงข้อมูลนักเรียนทุกภาคเรียน",
    "ประชุมครูกำหนดเกณฑ์การคัดกรองร่วมกันทั้งโรงเรียน",
    "",
    "ใช้แบบบันทึกการช่วยเหลือเดียวกันทุกชั้น",
    "กำหนดผู้รับผิดชอบติดตามผลการส่งต่อภายนอกทุกกรณี",
]
ACTIONS = [
    "มอบหมายครูที่ปรึกษาปรับปรุงข้อมูลภายในสัปดาห์แรกของภาคเรียน",
    "ประชุมครูวันที่ 15 ของเดือนหน้าเพื่อกำหนดเกณฑ์",
    "",
    "ฝ่ายแนะแนวจัดทำแบบบันทึกกลางและชี้แจงในที่ประชุมครู",
    "มอบหมายครูแนะแนวติดตามผลและรายงานผู้บริหารทุกเดือน",
]


def seed_supervision(*, district, schools, rng: random.Random, today: datetime.date) -> Round:
    supervisor = first_member(Role.DISTRICT_SUPERVISOR, district=district)
    directors = school_members(schools, Role.DIRECTOR)
    starts = today - datetime.timedelta(days=40)
    round_ = Round.objects.create(
        district=district,
        title="นิเทศ ติดตามระบบการดูแลช่วยเหลือนักเรียน ภาคเรียนที่ 1",
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=14),
        supervisors="นายสมชาย ใจดี รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา\n"
        "นางสาวศศิธร แก้วมณี ศึกษานิเทศก์\nนายธีระ บุญมา ศึกษานิเทศก์",
        form=DEFAULT_STEPS,
        created_by=supervisor,
    )
    round_.schools.set(schools)
    noon = timezone.make_aware(datetime.datetime.combine(starts, datetime.time(12)))
    visits = []
    for i, school in enumerate(schools):
        day = noon + datetime.timedelta(days=i % 14)
        visits.append(
            Visit(
                round=round_,
                school=school,
                visited_on=day.date(),
                status=Visit.Status.ANSWERED,
                overall="โรงเรียนดำเนินงานครบทุกขั้นตอน ผู้บริหารให้ความสำคัญ",
                recorded_by=supervisor,
                sent_at=day,
                answered_by=directors.get(school.pk),
                answered_at=day + datetime.timedelta(days=5),
            )
        )
    visits = Visit.objects.bulk_create(visits)
    steps = []
    for visit in visits:
        weak = (visit.school.network_id or 0) % 2 == 0
        for n, step in enumerate(DEFAULT_STEPS, start=1):
            low = weak and n in (2, 5)
            level = rng.randint(1, 2) if low else rng.randint(3, 4)
            steps.append(
                VisitStep(
                    visit=visit,
                    number=n,
                    level=level,
                    ticks=[rng.random() < (0.4 if low else 0.85) for _ in step["items"]],
                    findings=FINDINGS[n - 1],
                    recommendations=RECOMMENDATIONS[n - 1],
                    actions=ACTIONS[n - 1],
                )
            )
    VisitStep.objects.bulk_create(steps)
    return round_
