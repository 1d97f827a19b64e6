"""The plan's pages: the district writes a plan (text and strategies, projects, indicators),
publishes it; every one of a school reads it with whether the school meets each indicator; a
stale or junk form keeps what was typed; other districts find nothing; the pages keep their
queries at 20 and 200 schools and name no student."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from conftest import th
from districts.deadlines.tests.test_views import add_schools
from districts.plans.models import Measure, Plan
from districts.plans.tests.factories import make_plan


def durl(side, name="list", **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"district_code": side.district.code, **kwargs})


def surl(side, name="plan", **kwargs) -> str:
    return reverse(f"plans_school:{name}", kwargs={"school_code": side.school.code, **kwargs})


def rows(prefix, items, empty=1) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items) + empty),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }
    for i, item in enumerate(items):
        data |= {f"{prefix}-{i}-{k}": v for k, v in item.items()}
    return data


@pytest.mark.django_db
def test_the_district_writes_and_publishes_a_plan_the_school_reads(world, login):
    a = world.a
    client = login(a.users["district_supervisor"])
    response = client.post(
        durl(a, "create"),
        {
            "academic_year": str(world.year.pk),
            "title": "แผนปฏิบัติการระบบดูแลช่วยเหลือนักเรียน",
            "policy": "นักเรียนทุกคนได้รับการดูแลช่วยเหลืออย่างทั่วถึง",
            "strategies": "พัฒนาระบบของสถานศึกษา\n\nพัฒนาครู",
        },
    )
    plan = Plan.objects.get()
    assert response["Location"] == durl(a, "plan", district_plan_id=plan.pk)
    assert [s.title for s in plan.strategies.all()] == ["พัฒนาระบบของสถานศึกษา", "พัฒนาครู"]
    # Projects: a row with a strategy that is not the plan's is refused, what was typed kept.
    url = durl(a, "projects", district_plan_id=plan.pk)
    assert client.get(url).status_code == 200
    typed = {
        "strategy": "9",
        "title": "โครงการนิเทศภายใน",
        "owner_name": "นางสมศรี",
        "budget": "1500",
    }
    response = client.post(url, {"revision": plan.revision} | rows("projects", [typed]))
    assert response.status_code == 200
    assertContains(response, "โครงการนิเทศภายใน")
    owner = a.users["district_admin"]
    good = typed | {"strategy": "2", "owner": str(owner.pk), "starts_on": "01/06/2568"}
    response = client.post(url, {"revision": plan.revision} | rows("projects", [good]))
    assert response.status_code == 302
    project = plan.strategies.get(number=2).projects.get()
    assert project.owner == owner and project.budget == 1500 and project.starts_on.year == 2025
    # A made-up owner (not of the district office) is refused.
    response = client.post(
        url, {"revision": plan.revision + 1} | rows("projects", [good | {"owner": "999999"}])
    )
    assert response.status_code == 200
    # Indicators: a percent over 100 refused; then saved.
    url = durl(a, "indicators", district_plan_id=plan.pk)
    plan.refresh_from_db()
    ind = {"title": "ร้อยละของสถานศึกษาที่ดำเนินงานระบบครบทุกขั้นตอน", "measure": Measure.RUNS_ALL,
           "unit": "percent", "target": "190"}  # fmt: skip
    response = client.post(url, {"revision": plan.revision} | rows("indicators", [ind], empty=0))
    assert response.status_code == 200
    assertContains(response, th("A percent is at most 100."))
    assertContains(response, ind["title"])
    response = client.post(
        url, {"revision": plan.revision} | rows("indicators", [ind | {"target": "90"}], empty=0)
    )
    assert response.status_code == 302
    # A stale revision: the page again, what was typed kept, nothing saved.
    response = client.post(
        url, {"revision": plan.revision} | rows("indicators", [ind | {"title": "ใหม่กว่า"}], empty=0)
    )
    assert response.status_code == 200
    assertContains(response, "ใหม่กว่า")
    assert plan.indicators.get().title == ind["title"]

    # A draft: the school does not read it.
    director = login(a.users["director"])
    assertContains(director.get(surl(a)), th("The district office has not published its plan yet."))
    client = login(a.users["district_supervisor"])  # one test client: each login replaces
    response = client.post(durl(a, "publish", district_plan_id=plan.pk))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_published
    for who in ("homeroom", "network", "director"):
        page = login(a.users[who]).get(surl(a))
        assertContains(page, "ร้อยละของสถานศึกษาที่ดำเนินงานระบบครบทุกขั้นตอน")
        assertContains(page, th("Your school does not meet it yet"))
        assertContains(page, "โครงการนิเทศภายใน")
    assert director.post(surl(a, "pdf", district_plan_id=plan.pk)).status_code == 302
    # The district's page shows the actual against the target.
    client = login(a.users["district_supervisor"])
    page = client.get(durl(a, "plan", district_plan_id=plan.pk))
    assertContains(page, 'data-count="0"')
    # The PDF is a job (redirect to its page).
    assert client.post(durl(a, "pdf", district_plan_id=plan.pk)).status_code == 302
    # A published plan is not removed; back to a draft, the school cannot print it.
    client.post(durl(a, "delete", district_plan_id=plan.pk))
    assert Plan.objects.filter(pk=plan.pk).exists()
    client.post(durl(a, "unpublish", district_plan_id=plan.pk))
    plan.refresh_from_db()
    assert not plan.is_published
    director = login(a.users["director"])
    assert director.post(surl(a, "pdf", district_plan_id=plan.pk)).status_code == 404


@pytest.mark.django_db
def test_a_stale_edit_keeps_what_was_typed(world, login):
    a = world.a
    plan = make_plan(a, world.year)
    client = login(a.users["district_admin"])
    url = durl(a, "edit", district_plan_id=plan.pk)
    assertContains(client.get(url), "พัฒนาครูและบุคลากร")
    typed = "นโยบายที่พิมพ์ไว้ยังไม่ได้บันทึก"
    data = {"title": plan.title, "policy": typed, "strategies": "ก\nข", "revision": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assertContains(response, typed)
    assertContains(
        response,
        th("Someone saved the plan after you opened it. Check what you typed and save again."),
    )
    # Junk: a revision that is not a number, an empty title.
    response = client.post(url, {"title": "", "policy": typed, "revision": "x"})
    assert response.status_code == 200
    assertContains(response, typed)


@pytest.mark.django_db
def test_other_places_find_nothing(world, login):
    a, b = world.a, world.b
    plan = make_plan(a, world.year, publish=True)
    other = login(b.users["district_supervisor"])
    assert other.get(durl(a, "plan", district_plan_id=plan.pk)).status_code == 404
    url = reverse(
        "plans:plan", kwargs={"district_code": b.district.code, "district_plan_id": plan.pk}
    )
    assert other.get(url).status_code == 404
    # District B's school does not read district A's plan.
    page = login(b.users["director"]).get(
        reverse("plans_school:plan", kwargs={"school_code": b.school.code})
    )
    assertNotContains(page, plan.title)
    url = reverse(
        "plans_school:pdf", kwargs={"school_code": b.school.code, "district_plan_id": plan.pk}
    )
    assert login(b.users["director"]).post(url).status_code == 404
    # A school's staff do not write the plan.
    assert login(a.users["director"]).get(durl(a, "create")).status_code == 404


# session, user, district, memberships, the scope; then the page's own.
LIST_QUERIES = 6
# + the plan, its strategies, projects, indicators; the district's school ids; the measures
# (home visits, care groups, activities, care plans, supports, referrals; deadlines, their
# completions, the schools' networks; the supervision visits and their steps; the staff trained);
# the budget.
DETAIL_QUERIES = 24
# session, user, school, memberships, the current year; the published plans, the plan with its
# parts, the measures for the school alone, the budget.
SCHOOL_QUERIES = 22


@pytest.mark.django_db
@pytest.mark.parametrize("n", [20, 200])
def test_the_pages_keep_their_queries_whatever_the_schools(
    world, login, n, django_assert_num_queries
):
    from districts.deadlines.tests.factories import CompletionFactory, DeadlineFactory
    from districts.supervision.tests.factories import make_round, make_visit

    a = world.a
    added = add_schools(a, n - 1)
    plan = make_plan(a, world.year, publish=True)
    deadline = DeadlineFactory(district=a.district)
    deadline.due_on = deadline.opens_on
    deadline.save()
    round_ = make_round(a, schools=[a.school, *added])
    with scopes_disabled():
        for school in added[: n // 2]:
            CompletionFactory(deadline=deadline, school=school, done_on=deadline.due_on)
    for school in added[:10]:
        make_visit(a, round_, school=school)
    client = login(a.users["district_supervisor"])
    with django_assert_num_queries(LIST_QUERIES):
        client.get(durl(a))
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(durl(a, "plan", district_plan_id=plan.pk))
    assertContains(response, f'data-count="{n // 2}"')  # on time
    assertContains(response, "ตัวชี้วัด trained")
    director = login(a.users["director"])
    with django_assert_num_queries(SCHOOL_QUERIES):
        response = director.get(surl(a))
    assertContains(response, plan.title)
    assert a.student.first_name not in response.content.decode()
