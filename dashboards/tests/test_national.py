"""The national overview (OBEC): every district's figures summed from the schools' rollups,
for a national role only, in a fixed number of queries, with no student named."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from carecore.models import Membership, Role
from conftest import make_student, make_user
from dashboards import national, rollups
from districts.models import District, Network
from schools.models import Grade, School
from schools.tests.factories import ClassroomFactory


@pytest.fixture
def obec(db):
    user = make_user("obec_officer")
    Membership.objects.create(user=user, role=Role.NATIONAL_OFFICER)
    return user


def _more_schools(world, n):
    """n more schools in district A with two students each."""
    with scopes_disabled():
        for i in range(n):
            school = School.objects.create(
                code=f"{1040100000 + i:010d}",
                name=f"โรงเรียนเพิ่ม {i}",
                district=world.a.district,
                network=world.a.network,
            )
            room = ClassroomFactory(school=school, grade=Grade.P3, room=1)
            for k in range(2):
                make_student(school, room, 50000 + i * 10 + k, k + 1)


def _compute_all(term):
    with scopes_disabled():
        rollups.refresh(school_ids=School.objects.values_list("pk", flat=True), term=term)


def test_districts_sum_their_schools(world, term):
    _more_schools(world, 3)
    _compute_all(term)
    with scopes_disabled():
        result = national.overview(term=term)
    rows = {r.district.code: r for r in result.rows}
    assert rows["DA"].schools == 4 and rows["DA"].computed == 4
    assert rows["DA"].view.students == 2 + 3 * 2
    assert rows["DB"].view.students == 2
    assert result.total.students == 10
    assert result.missing == 0


def test_schools_without_figures_are_counted_as_missing(world, term):
    _more_schools(world, 2)
    with scopes_disabled():
        rollups.refresh(school_ids=[world.a.school.pk], term=term)
        result = national.overview(term=term)
    assert result.schools == 4 and result.computed == 1 and result.missing == 3


@pytest.mark.parametrize("extra_schools", [0, 6])
def test_page_queries_do_not_grow_with_schools_or_districts(
    world, term, obec, client, django_assert_num_queries, extra_schools
):
    _more_schools(world, extra_schools)
    with scopes_disabled():
        for i in range(extra_schools):
            district = District.objects.create(
                code=f"X{i}", name=f"เขต {i}", level="primary", province="ขอนแก่น"
            )
            Network.objects.create(district=district, name="n")
    _compute_all(term)
    client.force_login(obec)
    # session, user, memberships, term, districts, schools per district, sums.
    with django_assert_num_queries(7):
        response = client.get(reverse("dash_national:overview"))
    assert response.status_code == 200


def test_only_a_national_role_sees_it_and_no_student_is_named(world, term, obec, client):
    _compute_all(term)
    url = reverse("dash_national:overview")
    client.force_login(world.a.users["district_admin"])
    assert client.get(url).status_code == 404
    client.force_login(obec)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert world.a.district.name in html and world.b.district.name in html
    assert world.a.student.first_name not in html
    # A national officer's home is the overview; the schools stay closed to them.
    assert client.get(reverse("home"))["Location"] == url
    assert client.get(f"/s/{world.a.school.code}/").status_code == 404
    assert client.get(f"/d/{world.a.district.code}/").status_code == 404


def test_sorting_by_a_share(world, term, obec, client):
    _compute_all(term)
    client.force_login(obec)
    response = client.get(reverse("dash_national:overview") + "?sort=students&dir=desc")
    assert response.status_code == 200
    rows = response.context["overview"].rows
    assert [r.view.students for r in rows] == sorted((r.view.students for r in rows), reverse=True)
