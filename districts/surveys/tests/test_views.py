"""The pages that build and read surveys, at the district office and at a school: they work,
a role without Perm.MANAGE_SURVEYS gets 403, another place's survey 404; the district's survey
read on a school's page shows that school's answers only; the district's pages run a fixed
number of queries at 20 and at 200 schools."""

import pytest
from django.urls import reverse

from conftest import th
from districts.surveys.models import Section, Survey
from districts.surveys.tests.factories import answer, make_survey
from schools.models import School

pytestmark = pytest.mark.django_db


def d_url(world, name, **kwargs):
    return reverse(f"surveys:{name}", kwargs={"district_code": world.a.district.code, **kwargs})


def s_url(school, name, **kwargs):
    return reverse(f"surveys_school:{name}", kwargs={"school_code": school.code, **kwargs})


class TestDistrictBuildsAndPublishes:
    def test_from_a_new_draft_to_results(self, world, login):
        client = login(world.a.users["district_supervisor"])
        response = client.get(d_url(world, "survey_list"))
        assert response.status_code == 200
        response = client.post(
            d_url(world, "survey_create"),
            {"audience": "parents", "from_starter": "on", "mode": "open", "ask_school": "on"},
        )
        survey = Survey.objects.get()
        assert response.status_code == 302
        assert response["Location"] == d_url(world, "survey_edit", survey_id=survey.pk)
        assert survey.district == world.a.district and survey.school is None
        assert survey.created_by == world.a.users["district_supervisor"]

        page = client.get(response["Location"]).content.decode()
        assert "ครูประจำชั้นหรือครูที่ปรึกษารู้จักและเข้าใจบุตรหลานของท่านเป็นรายบุคคล" in page
        data = {
            "title": "ความพึงพอใจของผู้ปกครอง 2568",
            "intro": "",
            "audience": "parents",
            "mode": "open",
            "ask_school": "on",
            "sections-TOTAL_FORMS": "3",
            "sections-INITIAL_FORMS": "0",
            "sections-0-title": "ด้านการดูแล",
            "sections-0-kind": "rating",
            "sections-0-questions": "ครูรู้จักบุตรหลาน\n\n  ครูเยี่ยมบ้าน  ",
            "sections-1-title": "",
            "sections-1-kind": "rating",
            "sections-1-questions": "",
            "sections-2-title": "ข้อเสนอแนะ",
            "sections-2-kind": "open",
            "sections-2-questions": "อื่น ๆ",
        }
        response = client.post(d_url(world, "survey_edit", survey_id=survey.pk), data)
        assert response.status_code == 302
        assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
            "ครูรู้จักบุตรหลาน",
            "ครูเยี่ยมบ้าน",
            "อื่น ๆ",
        ]
        response = client.post(d_url(world, "survey_publish", survey_id=survey.pk))
        survey.refresh_from_db()
        assert survey.is_open
        page = client.get(d_url(world, "survey_detail", survey_id=survey.pk)).content.decode()
        assert f"/survey/{survey.token}/" in page
        assert 'class="survey-qr"' in page

        answer(survey, [5, 4], ["ขอบคุณครู"], school=world.a.school)
        page = client.get(d_url(world, "survey_results", survey_id=survey.pk)).content.decode()
        assert 'class="survey-chart"' in page and 'data-level="5"' in page
        assert "ขอบคุณครู" in page
        assert world.a.school.name in page  # the answers per school

    def test_a_section_with_questions_needs_a_title(self, world, login):
        client = login(world.a.users["district_admin"])
        survey = make_survey(world.a.district, publish=False)
        data = {
            "title": "t",
            "audience": "parents",
            "mode": "open",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-title": "",
            "sections-0-kind": "rating",
            "sections-0-questions": "ข้อหนึ่ง",
        }
        response = client.post(d_url(world, "survey_edit", survey_id=survey.pk), data)
        assert response.status_code == 200
        assert th("Give the section a title.") in response.content.decode()
        assert survey.questions.count() == 3  # unchanged

    def test_closing_and_deleting(self, world, login):
        client = login(world.a.users["district_supervisor"])
        survey = make_survey(world.a.district)
        client.post(d_url(world, "survey_close", survey_id=survey.pk))
        survey.refresh_from_db()
        assert survey.status == Survey.Status.CLOSED
        client.post(d_url(world, "survey_close", survey_id=survey.pk), {"reopen": "1"})
        survey.refresh_from_db()
        assert survey.is_open
        client.post(d_url(world, "survey_delete", survey_id=survey.pk))
        assert Survey.objects.filter(pk=survey.pk).exists()  # published: not deleted
        draft = make_survey(world.a.district, publish=False)
        response = client.post(d_url(world, "survey_delete", survey_id=draft.pk))
        assert response["Location"] == d_url(world, "survey_list")
        assert not Survey.objects.filter(pk=draft.pk).exists()

    def test_the_results_of_one_school(self, world, login):
        other = School.objects.create(
            code="1040000077", name="โรงเรียนบ้านโคก", district=world.a.district
        )
        survey = make_survey(world.a.district)
        answer(survey, [5, 5], ["ของโรงเรียน ก"], school=world.a.school)
        answer(survey, [1, 1], ["ของโรงเรียนอื่น"], school=other)
        client = login(world.a.users["district_supervisor"])
        url = d_url(world, "survey_results", survey_id=survey.pk)
        response = client.get(url, {"school": world.a.school.code})
        assert response.context["results"].responses == 1
        page = response.content.decode()
        assert "ของโรงเรียน ก" in page and "ของโรงเรียนอื่น" not in page


class TestAccess:
    def test_school_staff_without_the_permission_get_403(self, world, login):
        for key in ("homeroom", "counsellor", "nurse"):
            client = login(world.a.users[key])
            assert client.get(s_url(world.a.school, "survey_list")).status_code == 403

    def test_another_places_survey_does_not_exist(self, world, login):
        district_survey = make_survey(world.b.district)
        school_survey = make_survey(world.b.district, school=world.b.school)
        client = login(world.a.users["district_supervisor"])
        assert (
            client.get(d_url(world, "survey_detail", survey_id=district_survey.pk)).status_code
            == 404
        )
        url = s_url(world.a.school, "survey_detail", survey_id=school_survey.pk)
        assert client.get(url).status_code == 404
        # District A's own survey is not a page of school A.
        own = make_survey(world.a.district)
        client = login(world.a.users["coordinator"])
        assert client.get(s_url(world.a.school, "survey_edit", survey_id=own.pk)).status_code == 404

    def test_a_school_builds_its_own_survey(self, world, login):
        client = login(world.a.users["director"])
        client.post(
            s_url(world.a.school, "survey_create"),
            {"audience": "students", "from_starter": "on", "mode": "slips", "ask_school": "on"},
        )
        survey = Survey.objects.get()
        assert survey.school == world.a.school and not survey.ask_school
        page = client.get(s_url(world.a.school, "survey_list")).content.decode()
        assert survey.title in page

    def test_a_school_reads_its_own_answers_to_the_district_survey(self, world, login):
        other = School.objects.create(
            code="1040000078", name="โรงเรียนอื่น", district=world.a.district
        )
        survey = make_survey(world.a.district)
        draft = make_survey(world.a.district, publish=False, title="ร่างของเขต")
        answer(survey, [4, 4], ["ข้อความของเรา"], school=world.a.school)
        answer(survey, [2, 2], ["ข้อความของเขาอื่น"], school=other)
        client = login(world.a.users["director"])
        page = client.get(s_url(world.a.school, "survey_list")).content.decode()
        assert s_url(world.a.school, "survey_results", survey_id=survey.pk) in page
        assert draft.title not in page
        response = client.get(s_url(world.a.school, "survey_results", survey_id=survey.pk))
        assert response.context["results"].responses == 1
        page = response.content.decode()
        assert "ข้อความของเรา" in page and "ข้อความของเขาอื่น" not in page
        assert other.name not in page
        # ?school= cannot widen it.
        response = client.get(
            s_url(world.a.school, "survey_results", survey_id=survey.pk), {"school": other.code}
        )
        assert response.context["results"].responses == 1
        # A survey that does not ask for the school is the district's alone.
        private = make_survey(world.a.district, ask_school=False, title="เฉพาะเขต")
        url = s_url(world.a.school, "survey_results", survey_id=private.pk)
        assert client.get(url).status_code == 404


def _schools(world, n: int) -> None:
    School.objects.bulk_create(
        [
            School(
                code=f"{2100000000 + i}",
                name=f"โรงเรียนทดสอบ {i}",
                district=world.a.district,
                network=world.a.network,
            )
            for i in range(n)
        ]
    )


def _answered_survey(world, *, open_questions=1):
    survey = make_survey(
        world.a.district,
        sections=[
            ("ด้านหนึ่ง", Section.Kind.RATING, ["ข้อ ก", "ข้อ ข"]),
            ("ด้านสอง", Section.Kind.RATING, ["ข้อ ค"]),
            ("ข้อเสนอแนะ", Section.Kind.OPEN, [f"เปิด {i}" for i in range(open_questions)]),
        ],
    )
    schools = list(School.objects.filter(district=world.a.district))
    for i, school in enumerate(schools):
        answer(survey, [5 - i % 5, 4, 3], ["ดี"], school=school)
    return survey


# The district's pages: the same number of queries whatever the number of schools (and of
# answers, one per school here). Each count: session, user, district, memberships, the
# district's school ids (the scope), then the page's own.
# list: the surveys with their answer counts.
LIST_QUERIES = 6
# detail: the survey, its questions with their sections, its answer count.
DETAIL_QUERIES = 8
# results: the survey; questions; answers; counts per level; written answers' counts and
# texts; answers per school and their levels.
RESULTS_QUERIES = 13
# the answer page (no session or user): the survey, its questions, the district's schools.
ANSWER_QUERIES = 3


@pytest.mark.parametrize("n", [20, 200])
def test_the_district_pages_queries_do_not_grow_with_schools(
    world, login, django_assert_num_queries, n
):
    _schools(world, n - 1)
    survey = _answered_survey(world)
    assert survey.responses.count() == n
    client = login(world.a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(d_url(world, "survey_list")).status_code == 200
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(d_url(world, "survey_detail", survey_id=survey.pk)).status_code == 200
    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(d_url(world, "survey_results", survey_id=survey.pk))
    assert len(response.context["results"].schools) == n
    client.logout()
    with django_assert_num_queries(ANSWER_QUERIES):
        response = client.get(reverse("surveys_public:answer", kwargs={"token": survey.token}))
    assert response.content.decode().count("<option value=") == n + 1
