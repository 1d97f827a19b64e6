"""Supervision's pages: the district configures its form, plans a round, records a visit on
the round's form (an error keeps what was typed), sends it; the school's director answers each
recommendation; the summary and the round's pages keep their queries at 20 and 200 schools and
name no student."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains

from conftest import th
from districts.deadlines.tests.test_views import add_schools  # n schools in two networks
from districts.supervision.models import Round, SupervisionForm, Visit, VisitStep
from districts.supervision.tests.factories import make_round, make_visit
from schools.models import School


def be(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


def durl(side, name="list", **kwargs) -> str:
    return reverse(f"supervision:{name}", kwargs={"district_code": side.district.code, **kwargs})


def surl(side, name="list", **kwargs) -> str:
    return reverse(f"supervision_school:{name}", kwargs={"school_code": side.school.code, **kwargs})


def visit_data(**changes) -> dict:
    data = {"visited_on": be(timezone.localdate()), "overall": "โรงเรียนดำเนินงานครบทุกขั้นตอน"}
    for n in range(1, 6):
        data[f"level_{n}"] = "3"
        data[f"findings_{n}"] = ""
        data[f"recommendations_{n}"] = ""
    data["tick_1_0"] = "on"
    return data | changes


@pytest.mark.django_db
def test_the_district_configures_its_form_and_plans_a_round(world, login):
    a = world.a
    client = login(a.users["district_supervisor"])
    page = client.get(durl(a, "form"))
    assertContains(page, "การคัดกรองนักเรียน")
    data = {}
    for n in range(1, 6):
        data |= {f"title_{n}": f"ขั้นที่ {n}", f"levels_{n}": "5", f"items_{n}": "ข้อหนึ่ง\nข้อสอง"}
    response = client.post(durl(a, "form"), data)
    assert response.status_code == 302
    form = SupervisionForm.objects.get(district=a.district)
    assert form.steps[4] == {"title": "ขั้นที่ 5", "levels": 5, "items": ["ข้อหนึ่ง", "ข้อสอง"]}
    today = timezone.localdate()
    response = client.post(
        durl(a, "create"),
        {
            "title": "นิเทศ ภาคเรียนที่ 1",
            "network": str(a.network.pk),
            "starts_on": be(today),
            "ends_on": be(today + datetime.timedelta(days=10)),
            "supervisors": "ศึกษานิเทศก์ ก\nศึกษานิเทศก์ ข",
        },
    )
    round_ = Round.objects.get()
    assert response["Location"] == durl(a, "round", round_id=round_.pk)
    assert list(round_.schools.all()) == [a.school]  # none ticked: the network's schools
    assert round_.form[0]["levels"] == 5
    assertContains(client.get(durl(a)), "นิเทศ ภาคเรียนที่ 1")


@pytest.mark.django_db
def test_a_visit_recorded_sent_and_answered(world, login):
    a = world.a
    round_ = make_round(a)
    client = login(a.users["district_supervisor"])
    url = durl(a, "visit", round_id=round_.pk, school_code=a.school.code)
    assert client.get(url).status_code == 200
    # A level out of range and none on step 4: the page again with what was typed kept.
    typed = "พบว่าครูที่ปรึกษายังเยี่ยมบ้านไม่ครบ"
    response = client.post(url, visit_data(level_2="9", level_4="", findings_1=typed, send="1"))
    assert response.status_code == 200 and not Visit.objects.exists()
    assertContains(response, typed)
    # A draft, then sent.
    data = visit_data(findings_1=typed, recommendations_1="ให้ครูที่ปรึกษาเยี่ยมบ้านให้ครบภายในเดือนกรกฎาคม")
    assert client.post(url, data | {"save": "1"}).status_code == 302
    with scopes_disabled():
        visit = Visit.objects.get()
    assert visit.status == "draft"
    response = client.post(url, data | {"send": "1", "revision": str(visit.revision)})
    assert response["Location"] == durl(a, "round", round_id=round_.pk)
    visit.refresh_from_db()
    assert visit.status == "sent"
    assertContains(client.get(url), typed)  # read-only now

    # The school's director reads and answers.
    director = login(a.users["director"])
    assertContains(director.get(surl(a)), round_.title)
    page = director.get(surl(a, "visit", supervision_visit_id=visit.pk))
    assertContains(page, "ให้ครูที่ปรึกษาเยี่ยมบ้านให้ครบภายในเดือนกรกฎาคม")
    response = director.post(
        surl(a, "visit", supervision_visit_id=visit.pk), {"revision": visit.revision}
    )
    assert response.status_code == 200
    assertContains(response, th("Write what the school does about this."))
    # An answer on a page opened before another save (or a made-up revision): the page again,
    # what was typed kept, nothing saved.
    stale_answer = "ประชุมครูที่ปรึกษาเพื่อวางแผน"
    response = director.post(
        surl(a, "visit", supervision_visit_id=visit.pk),
        {"revision": visit.revision + 99, "actions_1": stale_answer},
    )
    assert response.status_code == 200
    assertContains(response, stale_answer)
    assertContains(
        response,
        th("Someone saved this answer after you opened it. Check the answers and send again."),
    )
    visit.refresh_from_db()
    assert visit.status == "sent"
    response = director.post(
        surl(a, "visit", supervision_visit_id=visit.pk),
        {"revision": visit.revision, "actions_1": "จัดตารางเยี่ยมบ้านเพิ่มเติม"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "answered" and visit.answered_by == a.users["director"]
    with scopes_disabled():
        assert VisitStep.objects.get(visit=visit, number=1).actions == "จัดตารางเยี่ยมบ้านเพิ่มเติม"
    client = login(a.users["district_supervisor"])
    assertContains(client.get(url), "จัดตารางเยี่ยมบ้านเพิ่มเติม")


@pytest.mark.django_db
def test_a_draft_is_not_the_schools_and_other_places_find_nothing(world, login):
    a, b = world.a, world.b
    round_ = make_round(a)
    draft = make_visit(a, round_, send=False)
    director = login(a.users["director"])
    assert director.get(surl(a, "visit", supervision_visit_id=draft.pk)).status_code == 404
    other = login(b.users["district_supervisor"])
    assert other.get(durl(a, "round", round_id=round_.pk)).status_code == 404
    url = reverse(
        "supervision:round", kwargs={"district_code": b.district.code, "round_id": round_.pk}
    )
    assert other.get(url).status_code == 404
    # A school of the district outside the round has no visit page.
    extra = School.objects.create(code="1047777777", name="โรงเรียนนอกรอบ", district=a.district)
    client = login(a.users["district_supervisor"])
    url = durl(a, "visit", round_id=round_.pk, school_code=extra.code)
    assert client.get(url).status_code == 404


# session, user, district, memberships, the scope; then the page's own.
LIST_QUERIES = 6
ROUND_QUERIES = 8
SUMMARY_QUERIES = 8


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_pages_keep_their_queries_whatever_the_schools(
    world, login, n, django_assert_num_queries
):
    a = world.a
    added = add_schools(a, n - 1)
    schools = [a.school, *added]
    round_ = make_round(a, schools=schools)
    make_round(a, schools=added[:5], title="รอบที่สอง")
    for i, school in enumerate(schools[: n // 2]):
        make_visit(a, round_, school=school, levels=(1 + i % 4, 2, 3, 4, 1 + i % 3))
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(durl(a))
    assertContains(response, f'data-schools="{n}"')
    assertContains(response, f'data-sent="{n // 2}"')
    with django_assert_num_queries(ROUND_QUERIES):
        response = client.get(durl(a, "round", round_id=round_.pk))
    assert (
        response.content.decode().count('class="list-group-item list-group-item-action school-row')
        == n
    )
    with django_assert_num_queries(SUMMARY_QUERIES):
        response = client.get(durl(a, "summary", round_id=round_.pk))
    assert len(response.context["summary"].places) == 2
    assertContains(response, "<svg")
    for page in (response.content.decode(),):
        assert a.student.first_name not in page
