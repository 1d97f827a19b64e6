"""Rounds, self-assessments and scores of self-assessment for the tests."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from districts.assessments import services
from districts.assessments.models import AssessmentRound, SelfAssessment

DAY = datetime.timedelta(days=1)
INDICATORS = [
    "การรู้จักนักเรียนเป็นรายบุคคล",
    "การคัดกรองนักเรียน",
    "การส่งเสริมและพัฒนานักเรียน",
]


def make_round(side, *, schools=None, raters=("district_supervisor",), publish=True, weights=None):
    """A round of the side's district over ``schools`` (the side's school by default), open
    from a week ago to a week ahead, three indicators on five levels, ``raters`` (role keys)
    given every school."""
    today = timezone.localdate()
    with scopes_disabled():
        round_ = services.round_create(
            district=side.district,
            title="ประเมินระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา 2568",
            year=2568,
            opens_on=today - 7 * DAY,
            closes_on=today + 7 * DAY,
            schools=schools or [side.school],
            signer_name="นายสมชาย ใจดี",
            signer_position="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา",
            user=side.users["district_supervisor"],
        )
        services.rubric_save(
            round_=round_,
            rows=[
                services.IndicatorRow(
                    title=title,
                    descriptors=[f"ระดับ {n}" for n in range(1, 6)],
                    weight=(weights or {}).get(i, 1),
                )
                for i, title in enumerate(INDICATORS)
            ],
            revision=None,
        )
        for key in raters:
            services.rater_set(round_=round_, user=side.users[key], schools=[])
        if publish:
            round_ = services.round_publish(round_=round_)
    return round_


def submit(side, round_, *, school=None, levels=(4, 3, 5)) -> SelfAssessment:
    """The school's self-assessment, submitted."""
    school = school or side.school
    with scopes_disabled():
        indicators = list(round_.indicators.all())
        return services.assessment_save(
            round_=round_,
            school=school,
            entries={
                i.pk: services.EntryInput(level=level, notes="มีหลักฐานครบ")
                for i, level in zip(indicators, levels, strict=True)
            },
            user=side.users["director"],
            submit=True,
        )


def score(assessment, rater, levels=(4, 4, 4), *, done=True, comment=""):
    with scopes_disabled():
        indicators = list(assessment.round.indicators.all())
        return services.evaluation_save(
            assessment=assessment,
            rater=rater,
            scores={
                i.pk: services.ScoreInput(level=level, comment=comment)
                for i, level in zip(indicators, levels, strict=True)
            },
            done=done,
        )


def release(round_) -> AssessmentRound:
    with scopes_disabled():
        return services.round_release(round_=round_)
