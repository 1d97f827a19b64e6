"""Building, publishing and closing a survey; slips; saving an answer."""

import pytest
from django.core.exceptions import ValidationError

from districts.surveys import services
from districts.surveys.models import (
    Answer,
    Question,
    Section,
    Survey,
    SurveyResponse,
    SurveySlip,
    slip_code_hash,
)
from districts.surveys.starters import STARTERS
from districts.surveys.tests.factories import answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("audience", ["parents", "students", "teachers", "community"])
def test_a_survey_starts_from_the_usual_questions(world, audience):
    survey = services.survey_create(
        district=world.a.district, audience=audience, mode=Survey.Mode.OPEN
    )
    starter = STARTERS[audience]
    assert survey.is_draft and survey.title == starter.title and survey.intro == starter.intro
    sections = list(survey.sections.order_by("position"))
    assert [s.title for s in sections] == [s.title for s in starter.sections]
    assert sections[-1].kind == Section.Kind.OPEN
    texts = list(survey.questions.order_by("position").values_list("text", flat=True))
    assert texts == [q for s in starter.sections for q in s.questions]
    # Numbered through the survey, as on paper.
    assert list(survey.questions.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(texts) + 1)
    )


def test_a_school_survey_never_asks_for_the_school(world):
    survey = services.survey_create(
        district=world.a.district,
        school=world.a.school,
        audience="other",
        mode="open",
        from_starter=False,
        ask_school=True,
    )
    assert not survey.ask_school and not survey.asks_school
    assert not survey.questions.exists()


def test_a_draft_takes_new_questions_a_published_survey_keeps_them(world):
    survey = make_survey(world.a.district, publish=False)
    services.survey_update(
        survey=survey,
        data={"title": "ใหม่", "intro": "", "mode": "slips", "audience": "students"},
        sections=[
            services.SectionRow("ก", Section.Kind.RATING, ["ข้อหนึ่ง"]),
            services.SectionRow("ว่าง", Section.Kind.RATING, []),  # left out
            services.SectionRow("ข", Section.Kind.OPEN, ["ข้อสอง"]),
        ],
    )
    survey.refresh_from_db()
    assert (survey.title, survey.mode, survey.audience) == ("ใหม่", "slips", "students")
    assert list(survey.sections.values_list("title", "position")) == [("ก", 1), ("ข", 2)]

    services.survey_publish(survey=survey)
    question_ids = set(Question.objects.filter(survey=survey).values_list("pk", flat=True))
    services.survey_update(
        survey=survey,
        data={"title": "แก้คำผิด", "intro": "สวัสดี", "mode": "open", "audience": "parents"},
        sections=[services.SectionRow("ค", Section.Kind.RATING, ["อื่น"])],
    )
    survey.refresh_from_db()
    assert (survey.title, survey.intro, survey.mode) == ("แก้คำผิด", "สวัสดี", "slips")
    assert set(Question.objects.filter(survey=survey).values_list("pk", flat=True)) == question_ids


def test_publishing_needs_a_question_closing_and_reopening(world):
    empty = services.survey_create(
        district=world.a.district, audience="other", mode="open", from_starter=False
    )
    with pytest.raises(ValidationError):
        services.survey_publish(survey=empty)
    survey = make_survey(world.a.district)
    assert survey.is_open and survey.opened_at
    closed = services.survey_close(survey=survey)
    assert closed.status == Survey.Status.CLOSED and closed.closed_at
    again = services.survey_close(survey=closed, reopen=True)
    assert again.is_open and again.closed_at is None


def test_only_a_draft_is_deleted(world):
    survey = make_survey(world.a.district)
    with pytest.raises(ValidationError):
        services.survey_delete(survey=survey)
    draft = make_survey(world.a.district, publish=False)
    services.survey_delete(survey=draft)
    assert not Survey.objects.filter(pk=draft.pk).exists()


def test_slips_keep_only_the_hash_and_a_retried_batch_replaces_its_unused_slips(world):
    survey = make_survey(world.a.district, mode="slips")
    codes = services.slips_issue(survey=survey, count=3, school=world.a.school, batch="job-1")
    assert len(set(codes)) == 3 and all(len(c) == 10 for c in codes)
    stored = set(SurveySlip.objects.values_list("code_hash", flat=True))
    assert stored == {slip_code_hash(c) for c in codes}
    used = SurveySlip.objects.get(code_hash=slip_code_hash(codes[0]))
    answer(survey, [5, 5], slip=used)
    again = services.slips_issue(survey=survey, count=2, batch="job-1")
    assert SurveySlip.objects.filter(survey=survey).count() == 3  # the used one and two new
    assert SurveySlip.objects.filter(code_hash=slip_code_hash(codes[1])).count() == 0
    assert len(again) == 2
    assert services.slips_issue(survey=survey, count=5000) and (
        SurveySlip.objects.count() == 3 + services.MAX_SLIPS
    )


def test_a_slip_answers_once_and_about_its_school(world):
    survey = make_survey(world.a.district, mode="slips")
    (code,) = services.slips_issue(survey=survey, count=1, school=world.a.school)
    slip = SurveySlip.objects.get(code_hash=slip_code_hash(code))
    response = answer(survey, [5, 4], ["ดีมาก"], slip=slip)
    assert response.school == world.a.school and response.slip == slip
    assert Answer.objects.filter(response=response).count() == 3
    with pytest.raises(services.SlipUsed):
        answer(survey, [1, 1], slip=slip)
    assert SurveyResponse.objects.count() == 1


def test_a_school_survey_answer_is_about_the_school(world):
    survey = make_survey(world.a.district, school=world.a.school)
    assert answer(survey, [3, 3]).school == world.a.school
