"""Demo district plan and training (seed_demo; docs/district-work.md, "The district's plan" and
"Training"): district1's published plan of this academic year in the words of the seeds (the
4SPNT district's targets: every school runs the system, 90% run all of it, every school reports
on time, the care system judged effective, every teacher trained once a year, the parents'
satisfaction typed), three strategies with their projects, owners and budgets; a draft for next
year's started from it. Training: the district office's two courses of the year, attended by the
directors and coordinators of every school and a homeroom teacher of half of them; each school's
own course for some of its staff; director1's school has staff not trained yet. No student."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from carecore.models import SCHOOL_ROLES, Membership, Role
from districts.plans.models import Indicator, Measure, Plan, Project, Strategy
from districts.training.models import Attendee, Course

POLICY = (
    "สำนักงานเขตพื้นที่การศึกษาส่งเสริมให้ทุกสถานศึกษามีระบบการดูแลช่วยเหลือนักเรียนที่เข้มแข็งและมีประสิทธิภาพ "
    "ป้องกันเด็กออกจากระบบการศึกษา ให้นักเรียนทุกคนได้รับการดูแลช่วยเหลืออย่างทั่วถึงและตรงตามความต้องการ "
    "โดยการมีส่วนร่วมของครู ผู้ปกครอง ชุมชน และภาคีเครือข่าย"
)
STRATEGIES = [
    (
        "ทุกสถานศึกษามีระบบการคุ้มครองและช่วยเหลือนักเรียนที่มีประสิทธิภาพ",
        [
            (
                "ประชุมชี้แจงแนวทางการดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
                "กลุ่มส่งเสริมการจัดการศึกษา",
                "25000",
                5,
                6,
            ),
            (
                "นิเทศ ติดตามระบบการดูแลช่วยเหลือนักเรียนของสถานศึกษา",
                "กลุ่มนิเทศ ติดตามและประเมินผล",
                "48000",
                7,
                9,
            ),
        ],
    ),
    (
        "พัฒนาครูและบุคลากรให้มีความเชี่ยวชาญในการดูแลนักเรียน รวมถึงการเยี่ยมบ้านและการคัดกรอง",
        [
            (
                "อบรมครูที่ปรึกษาด้านการคัดกรองนักเรียนและการเยี่ยมบ้าน",
                "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
                "60000",
                6,
                6,
            ),
            ("อบรมครูแนะแนวด้านการให้คำปรึกษาเบื้องต้น", "กลุ่มส่งเสริมการจัดการศึกษา", "35000", 11, 11),
        ],
    ),
    (
        "ติดตามและประเมินผลการดำเนินงานอย่างต่อเนื่อง พร้อมรายงานผลอย่างเป็นระบบ",
        [
            ("ประเมินและคัดเลือกสถานศึกษาที่มีผลการปฏิบัติที่ดี", "กลุ่มนิเทศ ติดตามและประเมินผล", "30000", 1, 2),
        ],
    ),
]
INDICATORS = [
    (
        "ร้อยละ 100 ของสถานศึกษาได้รับการพัฒนาและดำเนินงานระบบการดูแลช่วยเหลือนักเรียน",
        Measure.RUNS_SYSTEM,
        "100",
    ),
    ("ร้อยละ 90 ของสถานศึกษาดำเนินกิจกรรมดูแลช่วยเหลือนักเรียนครบทุกขั้นตอน", Measure.RUNS_ALL, "90"),
    ("ร้อยละ 100 ของสถานศึกษารายงานผลการดำเนินงานตรงตามกำหนด", Measure.REPORTS_ON_TIME, "100"),
    (
        "ร้อยละ 95 ของสถานศึกษามีการบริการงานแนะแนวและระบบการดูแลช่วยเหลือที่มีประสิทธิภาพ",
        Measure.GUIDANCE_EFFECTIVE,
        "95",
    ),
    (
        "ร้อยละ 100 ของสถานศึกษามีครูได้รับการอบรมพัฒนาอย่างน้อยปีละ 1 ครั้งครบทุกคน",
        Measure.STAFF_TRAINED,
        "100",
    ),
    ("ร้อยละ 80 ของผู้ปกครองมีความพึงพอใจต่อระบบการดูแลช่วยเหลือนักเรียนในระดับมากขึ้นไป", Measure.TYPED, "80"),
]


def _month_day(year_start: datetime.date, month: int, day: int = 1) -> datetime.date:
    """A day of the academic year that starts at ``year_start`` (May): months 5-12 of its first
    calendar year, 1-4 of the next."""
    return datetime.date(year_start.year + (0 if month >= 5 else 1), month, day)


def seed_plans(*, district, academic_year, next_year=None, today: datetime.date) -> Plan:
    supervisor = (
        Membership.objects.filter(district=district, role=Role.DISTRICT_SUPERVISOR)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    user = supervisor.user if supervisor else None
    plan = Plan.objects.create(
        district=district,
        academic_year=academic_year,
        title=f"แผนปฏิบัติการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา {academic_year.year}",
        policy=POLICY,
        status=Plan.Status.PUBLISHED,
        published_at=timezone.make_aware(
            datetime.datetime.combine(academic_year.start, datetime.time(9))
        ),
        updated_by=user,
    )
    projects = []
    for number, (title, rows) in enumerate(STRATEGIES, start=1):
        strategy = Strategy.objects.create(plan=plan, number=number, title=title)
        for n, (name, owner, budget, month, end_month) in enumerate(rows, start=1):
            starts = _month_day(academic_year.start, month)
            ends = _month_day(academic_year.start, end_month, 28)
            projects.append(
                Project(
                    strategy=strategy, number=n, title=name, owner_name=owner,
                    owner=user if n == 1 else None, budget=Decimal(budget),
                    starts_on=starts, ends_on=max(ends, starts),
                )
            )  # fmt: skip
    Project.objects.bulk_create(projects)
    Indicator.objects.bulk_create(
        Indicator(
            plan=plan, number=n, title=title, measure=measure, unit=Indicator.Unit.PERCENT,
            target=Decimal(target), actual=Decimal("86.40") if measure == Measure.TYPED else None,
        )
        for n, (title, measure, target) in enumerate(INDICATORS, start=1)
    )  # fmt: skip
    if next_year is not None:
        Plan.objects.create(
            district=district,
            academic_year=next_year,
            title=f"แผนปฏิบัติการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา {next_year.year} (ร่าง)",
            policy=POLICY,
            updated_by=user,
        )
    return plan


def seed_training(
    *, district, academic_year, schools, rng: random.Random, today: datetime.date
) -> list[Course]:
    memberships = list(
        Membership.objects.filter(school__in=schools, role__in=SCHOOL_ROLES)
        .select_related("user")
        .order_by("school_id", "pk")
    )
    by_school: dict[int, list[Membership]] = {}
    for m in memberships:
        if all(x.user_id != m.user_id for x in by_school.get(m.school_id, [])):
            by_school.setdefault(m.school_id, []).append(m)
    first = schools[0] if schools else None  # director1's
    start = academic_year.start
    day1 = min(start + datetime.timedelta(days=30), today)
    day2 = min(start + datetime.timedelta(days=75), today)
    courses = [
        Course(
            district=district, title="ประชุมเชิงปฏิบัติการการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน",
            provider="สำนักงานเขตพื้นที่การศึกษา", starts_on=day1, ends_on=day1, hours=Decimal(6),
        ),
        Course(
            district=district, title="อบรมการคัดกรองนักเรียนด้วยแบบประเมิน SDQ และการเยี่ยมบ้าน",
            provider="สำนักงานเขตพื้นที่การศึกษา ร่วมกับโรงพยาบาลจังหวัด", starts_on=day2,
            ends_on=day2 + datetime.timedelta(days=1), hours=Decimal(12),
        ),
    ]  # fmt: skip
    own = []
    for i, school in enumerate(schools):
        if i % 3 != 2:
            day = min(start + datetime.timedelta(days=40 + i % 60), today)
            own.append(
                Course(
                    district=district, school=school, title="อบรมการให้คำปรึกษาเบื้องต้นสำหรับครูที่ปรึกษา",
                    provider="ครูแนะแนวของโรงเรียน", starts_on=day, ends_on=day, hours=Decimal(3),
                )
            )  # fmt: skip
    courses = Course.objects.bulk_create(courses + own)
    district_courses, school_courses = courses[:2], {c.school_id: c for c in courses[2:]}
    attendees = []
    for school in schools:
        staff = by_school.get(school.pk, [])
        leaders = [m for m in staff if m.role in (Role.DIRECTOR, Role.COORDINATOR)]
        others = [m for m in staff if m not in leaders]
        for m in leaders:
            attendees.append(
                Attendee(
                    course=district_courses[0],
                    school=school,
                    user=m.user,
                    name=m.user.get_full_name(),
                )
            )
        if others and rng.random() < 0.5:
            m = others[0]
            attendees.append(
                Attendee(
                    course=district_courses[1],
                    school=school,
                    user=m.user,
                    name=m.user.get_full_name(),
                )
            )
        course = school_courses.get(school.pk)
        if course is not None:
            # every other school trains all of its staff; director1's school leaves some out
            keep = (
                others if school is not first and rng.random() < 0.6 else others[: len(others) // 2]
            )
            attendees += [
                Attendee(course=course, school=school, user=m.user, name=m.user.get_full_name())
                for m in keep
            ]
            attendees.append(Attendee(course=course, school=school, name="ครูอัตราจ้าง (ไม่มีบัญชี)"))
    Attendee.objects.bulk_create(attendees, ignore_conflicts=True)
    return courses
