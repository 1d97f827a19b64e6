"""Self-assessment's pages: the district sets a round up (rubric, raters) and publishes it; the
school's director assesses the school inside the window (a refused submit keeps what was typed;
late is refused with a message); raters score it and the district reads each rater's scores and
the mean; released results reach the school without the raters' names; the awards and their
certificates. The pages keep their queries at 20 and 200 schools."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from conftest import th
from districts.assessments.models import (
    AssessmentRound,
    Evaluation,
    Indicator,
    Rater,
    SelfAssessment,
)
from districts.assessments.tests.factories import make_round, score, submit
from districts.deadlines.tests.test_views import add_schools  # n schools in two networks

DAY = datetime.timedelta(days=1)


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def durl(side, name="list", **kwargs) -> str:
    return reverse(f"assessments:{name}", kwargs={"district_code": side.district.code, **kwargs})


def surl(side, name, round_, school=None, **kwargs) -> str:
    return reverse(
        f"assessments_school:{name}",
        kwargs={
            "school_code": (school or side.school).code,
            "assessment_round_id": round_.pk,
            **kwargs,
        },
    )


@pytest.mark.django_db
def test_the_district_sets_a_round_up_and_publishes_it(world, login):
    a = world.a
    client = login(a.users["district_supervisor"])
    today = timezone.localdate()
    response = client.post(
        durl(a, "create"),
        {
            "title": "ประเมินตนเอง 2568",
            "year": "2568",
            "levels": "5",
            "opens_on": be(today),
            "closes_on": be(today - DAY),  # before it opens: refused, the title kept
        },
    )
    assertContains(response, "ประเมินตนเอง 2568")
    assertContains(response, th("The window closes before it opens."))
    response = client.post(
        durl(a, "create"),
        {
            "title": "ประเมินตนเอง 2568",
            "year": "2568",
            "levels": "5",
            "opens_on": be(today),
            "closes_on": be(today + 9 * DAY),
            "signer_name": "นายสมชาย ใจดี",
        },
    )
    round_ = AssessmentRound.objects.get()
    assert response["Location"] == durl(a, "rubric", assessment_round_id=round_.pk)
    assert list(round_.schools.all()) == [a.school]  # none ticked: every school of the district
    assert round_.band(4.6) == "ดีเยี่ยม"
    # Publishing without a rubric is refused with a message.
    client.post(durl(a, "publish", assessment_round_id=round_.pk))
    round_.refresh_from_db()
    assert round_.status == "draft"
    rubric = {
        "revision": str(round_.revision),
        "title_1": "การคัดกรองนักเรียน",
        "weight_1": "2",
        "descriptors_1": "ไม่มีการคัดกรอง\nคัดกรองบางชั้น\nคัดกรองทุกชั้น\nคัดกรองและสรุปผล\nคัดกรองและใช้ผล",
        "title_2": "การส่งต่อ",
        "weight_2": "1",
        "descriptors_2": "",
    }
    response = client.post(durl(a, "rubric", assessment_round_id=round_.pk), rubric)
    assert response.status_code == 302
    first, second = Indicator.objects.filter(round=round_)
    assert first.weight == 2 and first.descriptors[4] == "คัดกรองและใช้ผล"
    assert second.descriptors == [""] * 5
    # The same form again, on the old revision: refused, what was typed kept.
    stale = client.post(
        durl(a, "rubric", assessment_round_id=round_.pk), rubric | {"title_1": "ใหม่"}
    )
    assert stale.status_code == 200
    assertContains(stale, "ใหม่")
    response = client.post(
        durl(a, "raters", assessment_round_id=round_.pk), {"user": a.users["network"].pk}
    )
    assert response.status_code == 302
    assert Rater.objects.get(round=round_).user == a.users["network"]
    # A director is not a rater (not offered: the choice is refused).
    response = client.post(
        durl(a, "raters", assessment_round_id=round_.pk), {"user": a.users["director"].pk}
    )
    assert response.status_code == 200
    client.post(durl(a, "publish", assessment_round_id=round_.pk))
    round_.refresh_from_db()
    assert round_.status == "published"
    director = login(a.users["director"])
    assertContains(
        director.get(reverse("assessments_school:list", args=[a.school.code])), "ประเมินตนเอง 2568"
    )


@pytest.mark.django_db
def test_the_director_assesses_the_school_inside_the_window(world, login):
    a = world.a
    round_ = make_round(a)
    first, second, third = round_.indicators.all()
    client = login(a.users["director"])
    url = surl(a, "assessment", round_)
    page = client.get(url)
    assertContains(page, "การคัดกรองนักเรียน")
    data = {
        f"level_{first.pk}": "4",
        f"notes_{first.pk}": "ครูที่ปรึกษาทุกห้องมีข้อมูลรายบุคคล",
        f"link_{first.pk}": "https://drive.example/evidence",
        f"level_{second.pk}": "3",
        "submit": "1",
    }
    upload = SimpleUploadedFile("ทะเบียน.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(url, data | {f"file_{first.pk}": upload})
    # The third indicator has no level: refused, what was typed kept.
    assert response.status_code == 200
    assertContains(response, "ครูที่ปรึกษาทุกห้องมีข้อมูลรายบุคคล")
    assertContains(response, th("Choose a level for every indicator before submitting."))
    with scopes_disabled():
        assert not SelfAssessment.objects.exists()
    upload.seek(0)
    response = client.post(
        url, data | {f"level_{third.pk}": "5", f"file_{first.pk}": upload, "submit": "1"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assessment = SelfAssessment.objects.get()
        entry = assessment.entries.get(indicator=first)
    assert assessment.status == "submitted"
    assert entry.file_name == "ทะเบียน.pdf" and entry.link == "https://drive.example/evidence"
    evidence = client.get(surl(a, "evidence", round_, self_entry_id=entry.pk))
    assert b"".join(evidence.streaming_content) == b"%PDF-1.4 x"
    # Submitted: read only; another post changes nothing.
    page = client.get(url)
    assertNotContains(page, 'id="assessment-form"')
    client.post(url, data | {f"level_{third.pk}": "1"})
    with scopes_disabled():
        assert assessment.entries.get(indicator=third).level == 5
    # A homeroom teacher of the school may not open the evidence.
    teacher = login(a.users["homeroom"])
    assert teacher.get(surl(a, "evidence", round_, self_entry_id=entry.pk)).status_code == 404


@pytest.mark.django_db
def test_late_is_refused_with_a_message(world, login):
    a = world.a
    round_ = make_round(a)
    with scopes_disabled():
        AssessmentRound.objects.filter(pk=round_.pk).update(
            opens_on=timezone.localdate() - 20 * DAY, closes_on=timezone.localdate() - DAY
        )
        indicator = round_.indicators.first()
    client = login(a.users["director"])
    page = client.get(surl(a, "assessment", round_))
    assertContains(page, 'id="assessment-refusal"')
    assertNotContains(page, 'id="assessment-form"')
    response = client.post(
        surl(a, "assessment", round_), {f"level_{indicator.pk}": "3", "submit": "1"}
    )
    assert response.status_code == 200
    assertContains(response, "3")
    with scopes_disabled():
        assert not SelfAssessment.objects.exists()


@pytest.mark.django_db
def test_two_raters_score_and_the_district_sees_the_mean(world, login):
    a, b = world.a, world.b
    round_ = make_round(a, raters=("district_supervisor", "network"))
    assessment = submit(a, round_)
    first, second, third = round_.indicators.all()
    network = login(a.users["network"])
    url = surl(a, "score", round_)
    page = network.get(url)
    assertContains(page, "มีหลักฐานครบ")  # what the school wrote, beside the levels
    scores = {
        f"level_{first.pk}": "5",
        f"level_{second.pk}": "4",
        f"comment_{second.pk}": "ควรสรุปผลการคัดกรองทุกภาคเรียน",
        "comment": "ดำเนินงานได้ดี",
    }
    response = network.post(url, scores | {"done": "1"})
    assert response.status_code == 200  # the third indicator is not scored
    assertContains(response, "ควรสรุปผลการคัดกรองทุกภาคเรียน")
    response = network.post(url, scores | {f"level_{third.pk}": "3", "done": "1"})
    assert response.status_code == 302
    score(assessment, a.users["district_supervisor"], (4, 4, 4))
    district = login(a.users["district_admin"])
    page = district.get(durl(a, "school", assessment_round_id=round_.pk, school_code=a.school.code))
    assertContains(page, a.users["network"].display_name)
    assertContains(page, 'data-mean="4.0"')  # (5 + 4 + 3) / 3 and (4 + 4 + 4) / 3
    assertContains(page, "4.50")  # the first indicator's mean
    detail = district.get(durl(a, "round", assessment_round_id=round_.pk))
    assertContains(detail, "ดีมาก")
    # A rater not given the school, and another district's, find no page.
    with scopes_disabled():
        Rater.objects.filter(user=a.users["network"]).get().schools.set(add_schools(a, 1))
    assert network.get(url).status_code == 404
    assert login(b.users["network"]).get(url).status_code == 404
    # The school's staff are not raters.
    assert login(a.users["director"]).get(url).status_code == 403


@pytest.mark.django_db
def test_a_stale_score_keeps_what_was_typed(world, login):
    a = world.a
    round_ = make_round(a)
    assessment = submit(a, round_)
    first = round_.indicators.first()
    evaluation = score(assessment, a.users["district_supervisor"], (3, 3, 3), done=False)
    client = login(a.users["district_supervisor"])
    response = client.post(
        surl(a, "score", round_),
        {"revision": str(evaluation.revision - 1), f"level_{first.pk}": "5", "comment": "พิมพ์ไว้"},
    )
    assert response.status_code == 200
    assertContains(response, "พิมพ์ไว้")
    assertContains(response, th("Your scores were saved in another window. Check and save again."))
    # Made-up values: the page again, no 500.
    response = client.post(surl(a, "score", round_), {f"level_{first.pk}": "99", "revision": "x"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_released_results_reach_the_school_without_the_raters_names(world, login):
    a = world.a
    round_ = make_round(a, raters=("district_supervisor",))
    assessment = submit(a, round_)
    score(assessment, a.users["district_supervisor"], (5, 5, 4), comment="เป็นแบบอย่างได้")
    client = login(a.users["director"])
    page = client.get(surl(a, "assessment", round_))
    assertNotContains(page, "เป็นแบบอย่างได้")  # not released yet
    district = login(a.users["district_supervisor"])
    district.post(durl(a, "release", assessment_round_id=round_.pk))
    client = login(a.users["director"])
    page = client.get(surl(a, "assessment", round_))
    assertContains(page, "เป็นแบบอย่างได้")
    assertContains(page, "ดีเยี่ยม")
    assertNotContains(page, a.users["district_supervisor"].display_name)
    # The awards: a category, the school given it; the certificates printed by a job.
    district = login(a.users["district_supervisor"])
    district.post(
        durl(a, "awards", assessment_round_id=round_.pk),
        {"title": "สถานศึกษาต้นแบบระบบการดูแลช่วยเหลือนักเรียน", "min_mean": "4.51"},
    )
    category = round_.award_categories.get()
    district.post(
        durl(a, "award_set", assessment_round_id=round_.pk, award_category_id=category.pk),
        {"schools": [a.school.pk]},
    )
    award = category.awards.get()
    assert award.level == "ดีเยี่ยม"
    response = district.post(
        durl(a, "certificates", assessment_round_id=round_.pk, award_category_id=category.pk)
    )
    assert response.status_code == 302
    client = login(a.users["director"])
    assertContains(client.get(surl(a, "assessment", round_)), "สถานศึกษาต้นแบบ")
    # Junk in the award form: a message, no 500.
    district = login(a.users["district_supervisor"])
    response = district.post(
        durl(a, "award_set", assessment_round_id=round_.pk, award_category_id=category.pk),
        {"schools": ["99999999999999999999"]},
    )
    assert response.status_code == 302


# session, user, district, memberships, the scope's school ids, the round, its schools with
# their network, the self-assessments, the weights, the means, the rater row of the user and
# (none ticked) the round's school ids, the indicators, the raters with their user, their schools.
ROUND_QUERIES = 15
# session, user, district, memberships, the scope, the rounds with their counts.
LIST_QUERIES = 6
# session, user, district, memberships, the scope, the round, the school, the
# self-assessment, its entries, the indicators, the evaluations, their scores, the rater row of
# the user and (none ticked) the round's school ids.
SCHOOL_QUERIES = 14
# session, user, network, memberships, the scope, the user's rater rows, per round the schools
# given (the rater row, the round's school ids when none ticked), the round's schools, the
# self-assessments, the weights, the means.
NETWORK_QUERIES = 12


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_pages_keep_their_queries_whatever_the_schools(
    world, login, django_assert_num_queries, n
):
    a = world.a
    added = add_schools(a, n - 1)
    round_ = make_round(a, schools=[a.school, *added], raters=("district_supervisor", "network"))
    assessment = submit(a, round_)
    score(assessment, a.users["district_supervisor"])
    for school in added[:5]:
        score(submit(a, round_, school=school), a.users["network"])
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        client.get(durl(a))
    with django_assert_num_queries(ROUND_QUERIES):
        page = client.get(durl(a, "round", assessment_round_id=round_.pk))
    assert page.content.count(b'class="school-row"') == n
    with django_assert_num_queries(SCHOOL_QUERIES):
        client.get(durl(a, "school", assessment_round_id=round_.pk, school_code=a.school.code))
    network = login(a.users["network"])
    with django_assert_num_queries(NETWORK_QUERIES):
        page = network.get(reverse("assessments_network:list", args=[a.network.pk]))
    assert page.status_code == 200
    with scopes_disabled():
        assert Evaluation.objects.count() == 6
