"""Demo self-assessment and evaluation (seed_demo): district1's rounds on a rubric of the five
steps and the system's management, five levels each.

- Last year's round, released: every school assessed itself, district1 and network1 scored
  them, the results went back, the award "สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน" given to
  the schools at ดีเยี่ยม (its certificates can be printed).
- This year's round, open since three weeks ago and closing in ten days: most schools have
  submitted, director1's school has a draft (two indicators left), district1 has scored some of
  the schools and network1 those of network 1 given to them.

Written through the services (the rules they enforce hold for the demo too). No student is
named."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from carecore.models import Membership, Role
from districts.assessments import selectors, services
from districts.assessments.models import AssessmentRound

RUBRIC = [
    (
        "การรู้จักนักเรียนเป็นรายบุคคล",
        [
            "ไม่มีข้อมูลนักเรียนรายบุคคล",
            "มีข้อมูลบางห้องเรียน",
            "มีข้อมูลครบทุกห้องเรียน",
            "มีข้อมูลครบและเป็นปัจจุบันทุกภาคเรียน",
            "มีข้อมูลครบ เป็นปัจจุบัน และนำไปใช้วางแผนช่วยเหลือ",
        ],
    ),
    (
        "การคัดกรองนักเรียน",
        [
            "ยังไม่ได้คัดกรอง",
            "คัดกรองบางชั้น",
            "คัดกรองครบทุกชั้นด้วยเครื่องมือมาตรฐาน",
            "คัดกรองครบและสรุปผลเป็นกลุ่ม",
            "คัดกรองครบ สรุปผล และใช้ผลจัดกิจกรรม",
        ],
    ),
    (
        "การส่งเสริมและพัฒนานักเรียน",
        [
            "ไม่มีกิจกรรม",
            "มีกิจกรรมบางชั้น",
            "จัดกิจกรรมโฮมรูมและประชุมผู้ปกครองทุกชั้น",
            "จัดกิจกรรมสม่ำเสมอและประเมินผล",
            "จัดกิจกรรมต่อเนื่อง ประเมินผล และปรับปรุง",
        ],
    ),
    (
        "การป้องกันและแก้ไขปัญหา",
        [
            "ไม่มีการช่วยเหลือ",
            "ช่วยเหลือเป็นครั้งคราว",
            "มีแผนช่วยเหลือนักเรียนกลุ่มเสี่ยง",
            "ช่วยเหลือตามแผนและบันทึกผล",
            "ช่วยเหลือตามแผน บันทึกผล และติดตามต่อเนื่อง",
        ],
    ),
    (
        "การส่งต่อนักเรียน",
        [
            "ไม่มีการส่งต่อ",
            "ส่งต่อโดยไม่มีบันทึก",
            "ส่งต่อภายในพร้อมบันทึก",
            "ส่งต่อภายในและภายนอกพร้อมบันทึก",
            "ส่งต่อ ติดตามผล และประสานภาคีเครือข่าย",
        ],
    ),
    (
        "การบริหารจัดการระบบการดูแลช่วยเหลือนักเรียน",
        [
            "ไม่มีคำสั่งและแผนงาน",
            "มีคำสั่งแต่งตั้งคณะทำงาน",
            "มีคำสั่งและแผนงานประจำปี",
            "มีแผนงาน นิเทศ ติดตาม และรายงานผล",
            "มีแผนงาน นิเทศ ติดตาม รายงานผล และเผยแพร่แนวปฏิบัติที่ดี",
        ],
    ),
]
NOTES = [
    "ครูที่ปรึกษาทุกห้องจัดทำระเบียนสะสมและแฟ้มข้อมูลนักเรียนรายบุคคล",
    "คัดกรองด้วยแบบ SDQ ครบทุกชั้น สรุปผลเป็นกลุ่มปกติ เสี่ยง มีปัญหา",
    "จัดกิจกรรมโฮมรูมสัปดาห์ละครั้ง ประชุมผู้ปกครองชั้นเรียนภาคเรียนละครั้ง",
    "จัดทำแผนช่วยเหลือนักเรียนกลุ่มเสี่ยงและบันทึกผลการช่วยเหลือ",
    "ส่งต่อครูแนะแนวและโรงพยาบาลส่งเสริมสุขภาพตำบล พร้อมแบบบันทึกการส่งต่อ",
    "มีคำสั่งแต่งตั้งคณะกรรมการและแผนงานประจำปี",
]
AWARD = "สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน"


def _user(district, role):
    m = (
        Membership.objects.filter(district=district, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return m.user if m else None


def _round(district, schools, *, title, year, opens_on, closes_on, user):
    round_ = services.round_create(
        district=district,
        title=title,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        schools=schools,
        description="ประเมินตนเองตามตัวชี้วัดระบบการดูแลช่วยเหลือนักเรียนของสำนักงานเขตพื้นที่ "
        "แนบหลักฐานหรือลิงก์ประกอบทุกตัวชี้วัด",
        signer_name="นายสมชาย ใจดี",
        signer_position=f"ผู้อำนวยการ{district.name}",
        user=user,
    )
    services.rubric_save(
        round_=round_,
        rows=[
            services.IndicatorRow(title=title, descriptors=levels, weight=2 if n == 5 else 1)
            for n, (title, levels) in enumerate(RUBRIC)
        ],
        revision=None,
    )
    return round_


def _submit(round_, school, user, rng, *, today, leave_out=0):
    indicators = list(round_.indicators.all())
    strength = rng.choice((3, 4, 4, 5))
    entries = {
        i.pk: services.EntryInput(
            level=None
            if n >= len(indicators) - leave_out
            else min(5, strength + rng.randint(-1, 1)),
            notes=NOTES[n],
            link="https://drive.google.com/" if n % 3 == 0 else "",
        )
        for n, i in enumerate(indicators)
    }
    return services.assessment_save(
        round_=round_,
        school=school,
        entries=entries,
        user=user,
        submit=not leave_out,
        today=today,
    )


def _score(assessment, rater, rng):
    own = {e.indicator_id: e.level for e in assessment.entries.all()}
    services.evaluation_save(
        assessment=assessment,
        rater=rater,
        scores={
            i: services.ScoreInput(
                level=max(1, min(5, level + rng.choice((-1, 0, 0)))),
                comment="ควรเพิ่มการติดตามผลหลังการช่วยเหลือ" if level <= 3 else "",
            )
            for i, level in own.items()
        },
        comment="ดำเนินงานเป็นระบบ มีหลักฐานชัดเจน",
        done=True,
    )


def seed_assessments(*, district, schools, rng: random.Random, today: datetime.date):
    supervisor = _user(district, Role.DISTRICT_SUPERVISOR)
    network_rater = (
        Membership.objects.filter(network__district=district, role=Role.NETWORK_SUPERVISOR)
        .select_related("user", "network")
        .order_by("user__username")
        .first()
    )
    directors = {
        m.school_id: m.user
        for m in Membership.objects.filter(school__in=schools, role=Role.DIRECTOR).select_related(
            "user"
        )
    }
    day = datetime.timedelta(days=1)
    be_year = today.year + 543

    # Last year's round: released, with its award.
    last = _round(
        district,
        schools,
        title=f"การประเมินระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา {be_year - 1}",
        year=be_year - 1,
        opens_on=today - 330 * day,
        closes_on=today - 300 * day,
        user=supervisor,
    )
    services.rater_set(round_=last, user=supervisor, schools=[])
    last = services.round_publish(round_=last)
    for school in schools:
        assessment = _submit(last, school, directors.get(school.pk), rng, today=last.opens_on)
        _score(assessment, supervisor, rng)
    last = services.round_release(round_=last)
    AssessmentRound.objects.filter(pk=last.pk).update(released_at=timezone.now() - 280 * day)
    rows = selectors.round_schools(last)
    category = services.category_create(round_=last, title=AWARD, min_mean=None)
    best = sorted(rows, key=lambda r: -(r.mean or 0))[:3]
    services.awards_set(
        category=category,
        schools=[r.school for r in best],
        levels={r.school.pk: r.band for r in best},
        user=supervisor,
    )

    # This year's round: open, most schools submitted, some scored.
    current = _round(
        district,
        schools,
        title=f"การประเมินระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา {be_year}",
        year=be_year,
        opens_on=today - 21 * day,
        closes_on=today + 10 * day,
        user=supervisor,
    )
    services.rater_set(round_=current, user=supervisor, schools=[])
    if network_rater is not None:
        services.rater_set(
            round_=current,
            user=network_rater.user,
            schools=[s for s in schools if s.network_id == network_rater.network_id],
        )
    current = services.round_publish(round_=current)
    for n, school in enumerate(schools):
        if n == 0:  # director1's school: a draft with two indicators left
            _submit(current, school, directors.get(school.pk), rng, today=today, leave_out=2)
            continue
        if n >= len(schools) - 2:
            continue  # two schools have not started
        assessment = _submit(current, school, directors.get(school.pk), rng, today=today)
        if n % 2:
            _score(assessment, supervisor, rng)
        if network_rater is not None and school.network_id == network_rater.network_id:
            _score(assessment, network_rater.user, rng)
    return current
