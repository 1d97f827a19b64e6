"""Demo satisfaction surveys (seed_demo; issue 21, part S):

- district1's parents' survey of the student care system, from the usual questions, open to
  anyone with its link and asking for the school, published three weeks ago, with about two
  hundred answers across the schools (each school a little more or less satisfied) and written
  answers;
- the district's community survey of last term, answered by slip codes, closed;
- director1's school's own survey of its teachers, published last week, a few answers;
- a draft students' survey of the district, for district1 to finish and publish.

The rows are written in bulk (no service per answer) so that the dates lie in the past and the
seed stays quick.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from carecore.models import User
from districts.surveys import services
from districts.surveys.models import (
    Answer,
    Section,
    Survey,
    SurveyResponse,
    SurveySlip,
    slip_code_hash,
)
from schools.models import AcademicYear
from students.family_models import slip_code_new

WRITTEN = [
    "ครูประจำชั้นดูแลลูกดีมาก โทรถามข่าวคราวเสมอ ขอบคุณค่ะ",
    "อยากให้โรงเรียนแจ้งข่าวทางไลน์กลุ่มผู้ปกครองบ่อยขึ้น",
    "ประทับใจที่ครูมาเยี่ยมบ้านถึงที่ ลูกดีใจมาก",
    "อยากให้มีกิจกรรมสอนซ่อมเสริมหลังเลิกเรียนเพิ่มขึ้น",
    "ขอให้โรงเรียนดูแลเรื่องการรังแกกันในห้องเรียน",
    "ครูใส่ใจเด็กที่มีปัญหาครอบครัว ช่วยเหลือเรื่องทุนการศึกษา",
    "อยากให้ประชุมผู้ปกครองช่วงเย็นหรือวันหยุด เพราะต้องทำงาน",
    "ลูกมีความสุขที่ได้มาโรงเรียน ขอบคุณคุณครูทุกท่าน",
    "ควรมีครูแนะแนวประจำโรงเรียนเพิ่ม",
]
TEACHER_WRITTEN = [
    "งานเอกสารยังมาก อยากให้ลดการรายงานซ้ำซ้อน",
    "แบบคัดกรองในระบบใช้ง่ายขึ้นมาก",
    "อยากได้การอบรมเรื่องการให้คำปรึกษาเบื้องต้น",
]


def _levels(rng: random.Random, lean: float, count: int) -> list[int]:
    """``count`` levels around 4 (``lean`` moves a school's answers up or down)."""
    weights = [0.02, 0.05, 0.18 - lean / 2, 0.42, 0.33 + lean]
    return [
        rng.choices([1, 2, 3, 4, 5], weights=[max(w, 0.01) for w in weights])[0]
        for _ in range(count)
    ]


def _answers(
    survey: Survey,
    *,
    schools: list,
    count: int,
    rng: random.Random,
    since: datetime.datetime,
    until: datetime.datetime,
    written: list[str],
    slips: list[SurveySlip] = (),
) -> int:
    """``count`` responses spread between ``since`` and ``until``, each school leaning its own
    way; about one in three writes something."""
    questions = list(survey.questions.select_related("section").order_by("position"))
    rating = [q for q in questions if q.section.kind == Section.Kind.RATING]
    open_ = [q for q in questions if q.section.kind == Section.Kind.OPEN]
    lean = {school.pk: rng.uniform(-0.12, 0.12) for school in schools}
    span = (until - since).total_seconds()
    responses = []
    for i in range(count):
        school = rng.choice(schools) if schools else None
        slip = slips[i] if i < len(slips) else None
        responses.append(
            SurveyResponse(
                survey=survey, school=school or (slip.school if slip else None), slip=slip
            )
        )
    responses = SurveyResponse.objects.bulk_create(responses)
    times = sorted(since + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in responses)
    for response, when in zip(responses, times, strict=True):
        response.submitted = when
    SurveyResponse.objects.bulk_update(responses, ["submitted"], batch_size=500)
    answers = []
    for response in responses:
        shift = lean.get(response.school_id, 0.0)
        for question, value in zip(rating, _levels(rng, shift, len(rating)), strict=True):
            answers.append(Answer(response=response, question=question, value=value))
        for question in open_:
            if rng.random() < 0.33:
                answers.append(
                    Answer(response=response, question=question, text=rng.choice(written))
                )
    Answer.objects.bulk_create(answers, batch_size=2000)
    if slips:
        used = slips[:count]
        for slip, response in zip(used, responses, strict=False):
            slip.used_at = response.submitted
        SurveySlip.objects.bulk_update(used, ["used_at"], batch_size=500)
    return len(responses)


def _published(survey: Survey, when: datetime.datetime, closed: datetime.datetime | None = None):
    survey.status = Survey.Status.CLOSED if closed else Survey.Status.OPEN
    survey.opened_at = when
    survey.closed_at = closed
    survey.save(update_fields=["status", "opened_at", "closed_at"])
    return survey


def seed_surveys(*, district, schools: list, rng: random.Random, today: datetime.date) -> int:
    """The demo district's surveys; returns how many answers were made."""
    if not schools:
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["district1", "director1"])}
    district1, director1 = users.get("district1"), users.get("director1")
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(16, 30)))
    made = 0

    parents = services.survey_create(
        district=district, audience="parents", mode=Survey.Mode.OPEN, user=district1
    )
    parents.title = f"{parents.title} ปีการศึกษา {AcademicYear.be_year_for(today)}"
    parents.save(update_fields=["title"])
    opened = now - datetime.timedelta(days=21)
    _published(parents, opened)
    made += _answers(
        parents,
        schools=schools,
        count=min(200, 18 * len(schools)),
        rng=rng,
        since=opened,
        until=now - datetime.timedelta(hours=2),
        written=WRITTEN,
    )

    community = services.survey_create(
        district=district, audience="community", mode=Survey.Mode.SLIPS, user=district1
    )
    ran = now - datetime.timedelta(days=150)
    _published(community, ran, closed=ran + datetime.timedelta(days=30))
    slips = SurveySlip.objects.bulk_create(
        [
            SurveySlip(
                survey=community,
                school=schools[i % len(schools)],
                code_hash=slip_code_hash(slip_code_new()),
                batch="demo",
            )
            for i in range(4 * len(schools))
        ]
    )
    made += _answers(
        community,
        schools=[],
        count=3 * len(schools),
        rng=rng,
        since=ran,
        until=ran + datetime.timedelta(days=28),
        written=WRITTEN[1:4],
        slips=slips,
    )

    teachers = services.survey_create(
        district=district,
        school=schools[0],
        audience="teachers",
        mode=Survey.Mode.OPEN,
        user=director1,
    )
    week = now - datetime.timedelta(days=7)
    _published(teachers, week)
    made += _answers(
        teachers,
        schools=[schools[0]],
        count=9,
        rng=rng,
        since=week,
        until=now,
        written=TEACHER_WRITTEN,
    )

    services.survey_create(
        district=district, audience="students", mode=Survey.Mode.OPEN, user=district1
    )
    return made
