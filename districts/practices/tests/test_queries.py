"""Each page of the library runs a fixed number of queries, with 20 schools of the district as
with 200 (every school with a published practice and one waiting for review)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.practices import search
from districts.practices.models import Practice, PracticeEvent
from districts.practices.tests.factories import TEXTS
from schools.models import School

pytestmark = pytest.mark.django_db
Status = Practice.Status


def _schools_with_practices(world, n: int) -> None:
    a = world.a
    schools = School.objects.bulk_create(
        School(
            code=f"{1200000000 + i:010d}",
            name=f"โรงเรียนบ้านที่ {i}",
            district=a.district,
            network=a.network,
        )
        for i in range(n - 1)
    )
    now = timezone.now()
    rows = []
    for i, school in enumerate([a.school, *schools]):
        for status, title in (
            (Status.PUBLISHED, f"โครงการป้องกันยาเสพติดในสถานศึกษา {i}"),
            (Status.SUBMITTED, f"การเยี่ยมบ้านนักเรียนทุกคน {i}"),
        ):
            rows.append(
                Practice(
                    district=a.district,
                    school=school,
                    title=title,
                    step="prevent",
                    status=status,
                    created_by=a.users["coordinator"],
                    submitted_at=now,
                    published_at=now if status == Status.PUBLISHED else None,
                    search_text=search.search_text_of(title, *TEXTS.values()),
                    **TEXTS,
                )
            )
    Practice.objects.bulk_create(rows)
    mine = Practice.objects.filter(school=a.school)
    PracticeEvent.objects.bulk_create(
        PracticeEvent(practice=p, action="submitted", by=a.users["coordinator"]) for p in mine
    )


# Every page: the session, the user, the place named in the address, the user's memberships
# (with their places), the schools of the scope (a network or a district; a school's page reads
# the current academic year instead). Then each page's own:
PAGES = {
    # the count of matching practices, the page of them with their schools
    "school library": ("school", "", "director", 7),
    "school search": ("school", "?q=ยาเสพติด&step=prevent", "director", 7),
    "district library": ("district", "", "district_supervisor", 8),  # + the count waiting
    "district search": ("district", "?q=ยาเสพติด", "district_supervisor", 8),
    "network library": ("network", "?q=ยาเสพติด", "network", 7),
    # the school's practices with their writers
    "school's own": ("school", "ours/", "coordinator", 6),
    # the practices waiting, those sent back (with their schools)
    "review queue": ("district", "review/", "district_admin", 7),
    # the practice with its school and district, its files, its review steps (with their users)
    "practice at the school": ("school", "{own}/", "coordinator", 8),
    "practice at the district": ("district", "{own}/", "district_supervisor", 8),
}


def _url(world, place: str, rest: str) -> str:
    a = world.a
    rest = rest.format(own=Practice.objects.filter(school=a.school).first().pk)
    return {
        "school": f"/s/{a.school.code}/practices/",
        "district": f"/d/{a.district.code}/practices/",
        "network": f"/n/{a.network.pk}/practices/",
    }[place] + rest


@pytest.mark.parametrize("n", [20, 200])
@pytest.mark.parametrize("name", PAGES)
def test_a_page_runs_the_same_queries_at_20_and_200_schools(world, login, n, name):
    place, rest, role, expected = PAGES[name]
    _schools_with_practices(world, n)
    client = login(world.a.users[role])
    url = _url(world, place, rest)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) == expected, "\n".join(q["sql"][:200] for q in queries)
