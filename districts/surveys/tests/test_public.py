"""Answering without an account: a survey open to anyone with its link (one answer per browser,
a limit per address), one answered by slip code (each code once), the school asked, a draft's
link that does not exist yet, a closed survey."""

import pytest
from django.urls import reverse

from conftest import th
from districts.surveys import services
from districts.surveys.models import Answer, SurveyResponse, SurveySlip, slip_code_hash
from districts.surveys.tests.factories import make_survey
from students.family_services import slip_code_display

pytestmark = pytest.mark.django_db


def answer_url(survey):
    return reverse("surveys_public:answer", kwargs={"token": survey.token})


def questions(survey):
    return list(survey.questions.select_related("section").order_by("position"))


def filled(survey, levels=(5, 4), text="ดีมาก", **extra):
    q1, q2, q3 = questions(survey)
    return {f"q{q1.pk}": str(levels[0]), f"q{q2.pk}": str(levels[1]), f"q{q3.pk}": text, **extra}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


class TestOpenLink:
    def test_anyone_answers_once_per_browser(self, world, client):
        survey = make_survey(world.a.district)
        page = client.get(answer_url(survey)).content.decode()
        assert survey.title in page and world.a.district.name in page
        assert world.a.school.name in page  # the school to choose
        response = client.post(answer_url(survey), filled(survey, school=world.a.school.code))
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "surveys_public:thanks", kwargs={"token": survey.token}
        )
        saved = SurveyResponse.objects.get()
        assert saved.school == world.a.school and saved.slip is None
        assert sorted(Answer.objects.values_list("value", flat=True), key=str) == [4, 5, None]
        assert client.get(response["Location"]).status_code == 200

        # The same browser again: already answered.
        again = client.get(answer_url(survey))
        assert th(
            "Your answers have been sent from this phone or computer already. Thank you."
        ) in (again.content.decode())
        client.post(answer_url(survey), filled(survey, school=world.a.school.code))
        assert SurveyResponse.objects.count() == 1

    def test_a_rating_left_out_is_asked_for_and_nothing_is_saved(self, world, client):
        survey = make_survey(world.a.district, ask_school=False)
        q1, q2, q3 = questions(survey)
        response = client.post(answer_url(survey), {f"q{q1.pk}": "5", f"q{q3.pk}": "ข้อความ"})
        assert response.status_code == 200
        assert response.context["missing"] == [q2.position]
        page = response.content.decode()
        assert f'href="#question-{q2.position}"' in page
        assert "ข้อความ" in page  # kept
        assert not SurveyResponse.objects.exists()

    def test_the_school_must_be_one_of_the_district(self, world, client):
        survey = make_survey(world.a.district)
        response = client.post(answer_url(survey), filled(survey, school=world.b.school.code))
        assert response.status_code == 200 and not SurveyResponse.objects.exists()

    def test_a_limit_of_answers_per_address(self, world, settings):
        from django.test import Client

        settings.SURVEY_ANSWER_LIMIT = 2
        survey = make_survey(world.a.district, ask_school=False)
        statuses = [Client().post(answer_url(survey), filled(survey)).status_code for _ in range(3)]
        assert statuses == [302, 302, 429]
        assert SurveyResponse.objects.count() == 2

    def test_a_draft_does_not_exist_and_a_closed_survey_says_so(self, world, client):
        draft = make_survey(world.a.district, publish=False)
        assert client.get(answer_url(draft)).status_code == 404
        survey = make_survey(world.a.district)
        services.survey_close(survey=survey)
        response = client.get(answer_url(survey))
        assert response.status_code == 200 and b'id="survey-closed"' in response.content
        client.post(answer_url(survey), filled(survey, school=world.a.school.code))
        assert not SurveyResponse.objects.exists()

    def test_the_link_in_capitals_is_the_same_survey(self, world, client):
        survey = make_survey(world.a.district)
        url = reverse("surveys_public:answer", kwargs={"token": survey.token.upper()})
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == answer_url(survey)
        assert client.get("/survey/nosuch23/").status_code == 404


class TestSlips:
    def _slip(self, survey, school=None):
        (code,) = services.slips_issue(survey=survey, count=1, school=school)
        return code

    def test_a_code_answers_once(self, world, client):
        survey = make_survey(world.a.district, mode="slips")
        code = self._slip(survey, school=world.a.school)
        page = client.get(answer_url(survey)).content.decode()
        assert 'name="code"' in page and 'name="q' not in page  # the code first
        # From the QR code: the code in the address, typed in small letters with a dash.
        response = client.get(answer_url(survey), {"code": slip_code_display(code).lower()})
        page = response.content.decode()
        assert response.status_code == 200
        assert f'value="{slip_code_display(code)}"' in page
        assert 'name="school"' not in page  # the slip's school
        response = client.post(answer_url(survey), filled(survey, code=slip_code_display(code)))
        assert response.status_code == 302
        saved = SurveyResponse.objects.get()
        assert saved.school == world.a.school
        assert saved.slip == SurveySlip.objects.get(code_hash=slip_code_hash(code))
        again = client.post(answer_url(survey), filled(survey, code=code))
        assert b'id="survey-answered"' in again.content
        assert SurveyResponse.objects.count() == 1

    def test_no_code_no_answer(self, world, client):
        survey = make_survey(world.a.district, mode="slips")
        response = client.post(answer_url(survey), filled(survey, school=world.a.school.code))
        assert response.status_code == 200 and not SurveyResponse.objects.exists()
        response = client.post(
            answer_url(survey), filled(survey, school=world.a.school.code, code="ABCDE-FGH23")
        )
        assert response.status_code == 404 and not SurveyResponse.objects.exists()

    def test_another_surveys_code_does_not_open_this_one(self, world, client):
        survey = make_survey(world.a.district, mode="slips")
        other = make_survey(world.a.district, mode="slips")
        code = self._slip(other)
        response = client.get(answer_url(survey), {"code": code})
        assert response.status_code == 404

    def test_the_code_box_finds_the_survey(self, world, client):
        survey = make_survey(world.a.district, mode="slips")
        code = self._slip(survey)
        url = reverse("surveys_public:code_entry")
        assert client.get(url).status_code == 200
        response = client.get(url, {"code": f" {code[:5].lower()} {code[5:]} "})
        assert response.status_code == 302
        assert response["Location"] == f"{answer_url(survey)}?code={slip_code_display(code)}"
        assert client.get(url, {"code": "ABC"}).status_code == 200  # malformed: said so
        assert client.get(url, {"code": "ABCDE-FGH23"}).status_code == 404

    def test_too_many_wrong_codes_from_one_address(self, world, client, settings):
        settings.SCREENING_LINK_MAX_FAILURES = 3
        survey = make_survey(world.a.district, mode="slips")
        code = self._slip(survey)
        url = reverse("surveys_public:code_entry")
        for _ in range(3):
            assert client.get(url, {"code": "ABCDE-FGH23"}).status_code == 404
        assert client.get(url, {"code": code}).status_code == 429
        assert client.get(answer_url(survey), {"code": code}).status_code == 429
