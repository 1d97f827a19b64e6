"""The district and network dashboards (rolled-up figures) and the district's targets."""

import re

import pytest
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import override, pgettext
from django_scopes import scopes_disabled

from carecore.models import AuditEvent
from conftest import make_student, th
from dashboards import selectors
from dashboards.models import DistrictTargets, SchoolFigures
from districts.models import Network
from schools.models import School, Term
from schools.selectors import current_term, term_code


def counts(students, screened=0, visited=0, profile_done=0, cared=0, problem=0, plan=0, **more):
    """A school's rolled-up counts: ``screened`` students split normal/problem."""
    return {
        "students": students,
        "screened": screened,
        "visited": visited,
        "profile_done": profile_done,
        "cared": cared,
        "normal": screened - problem,
        "problem": problem,
        "problem_with_plan": plan,
        **more,
    }


def add_school(district, network, code: int, name: str, term, c: dict) -> School:
    with scopes_disabled():
        school = School.objects.create(
            code=f"{code:010d}", name=name, district=district, network=network
        )
        SchoolFigures.objects.create(school=school, term=term, counts=c, computed=timezone.now())
    return school


def school_order(html: str) -> list[str]:
    return re.findall(r'<tr data-school="(\d+)"', html)


@pytest.fixture
def district(world, term):
    """District A: its own school (no figures yet, computed on the first view) and three more,
    two in network A and one in a second network."""
    a = world.a
    n2 = Network.objects.create(district=a.district, name="เครือข่ายสอง")
    add_school(
        a.district,
        a.network,
        2000000001,
        "โรงเรียนกอไก่",
        term,
        counts(100, screened=100, visited=100, profile_done=100, cared=90, problem=10, plan=10),
    )
    add_school(
        a.district,
        a.network,
        2000000002,
        "โรงเรียนขอไข่",
        term,
        counts(700, screened=350, visited=600, profile_done=700, cared=200, problem=50, plan=20),
    )
    add_school(
        a.district,
        n2,
        2000000003,
        "โรงเรียนคอควาย",
        term,
        counts(2000, screened=2000, visited=1000, profile_done=1500, cared=1900, problem=0),
    )
    with scopes_disabled():
        SchoolFigures.objects.create(
            school=a.school, term=term, counts=counts(2, screened=0), computed=timezone.now()
        )
    a.network2 = n2
    return a.district


def url(district, query=""):
    return f"/d/{district.code}/dashboard/{query}"


# --- rolled up ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_district_figures_are_the_sum_of_its_schools(world, district, term, login):
    overview = selectors.district_overview(district, term)
    assert overview.school_count == 4
    assert overview.total.students == 100 + 700 + 2000 + 2
    assert overview.total["screened"] == 100 + 350 + 2000
    assert overview.total.cared_share == round(100 * (90 + 200 + 1900) / 2450, 1)
    by_name = {n.network.name: n for n in overview.networks}
    assert by_name[world.a.network.name].view.students == 802
    assert by_name[world.a.network.name].school_count == 3
    assert by_name["เครือข่ายสอง"].view.students == 2000
    assert sum(n.view.students for n in overview.networks) == overview.total.students

    html = login(world.a.users["district_supervisor"]).get(url(district)).content.decode()
    assert "2,802" in html  # students, with the thousands separator
    assert 'id="network-table"' in html
    assert "เครือข่ายสอง" in html


@pytest.mark.django_db
def test_the_network_dashboard_adds_up_its_own_schools_only(world, district, term, login):
    html = login(world.a.users["network"]).get(f"/n/{world.a.network.pk}/dashboard/")
    html = html.content.decode()
    assert sorted(school_order(html)) == sorted([world.a.school.code, "2000000001", "2000000002"])
    assert "802" in html
    assert 'id="network-table"' not in html


# --- sorting and filtering ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_school_table_sorts_by_any_column_on_the_server(world, district, login):
    client = login(world.a.users["district_supervisor"])
    html = client.get(url(district, "?sort=cared&dir=desc")).content.decode()
    # 1900/2000 = 95%, 90/100 = 90%, 200/350 = 57.1%; school A screened nobody: last.
    assert school_order(html) == ["2000000003", "2000000001", "2000000002", world.a.school.code]
    html = client.get(url(district, "?sort=cared&dir=asc")).content.decode()
    assert school_order(html) == ["2000000002", "2000000001", "2000000003", world.a.school.code]
    html = client.get(url(district, "?sort=students&dir=asc")).content.decode()
    assert school_order(html) == [world.a.school.code, "2000000001", "2000000002", "2000000003"]
    # The default: by name ("โรงเรียน A", then กอ, ขอ, คอ).
    html = client.get(url(district)).content.decode()
    assert school_order(html) == [world.a.school.code, "2000000001", "2000000002", "2000000003"]
    # An unknown key falls back to the name.
    assert client.get(url(district, "?sort=nonsense")).status_code == 200


@pytest.mark.django_db
def test_the_care_coverage_header_links_to_the_sorted_table(world, district, login):
    html = login(world.a.users["district_supervisor"]).get(url(district)).content.decode()
    link = re.search(
        r'data-sort-key="cared"[^>]*><a href="([^"]+)" title="([^"]+)">([^<]+)</a>',
        html,
    )
    assert link is not None
    # A short header (as in the PDF reports), the full label in its title (and the legend).
    assert link.group(2) == th("Suitably helped")
    with override("th"):
        assert link.group(3) == pgettext("short column header", "Helped")
    assert "sort=cared" in link.group(1) and "dir=asc" in link.group(1)


@pytest.mark.django_db
def test_the_school_table_shows_one_part_of_the_figures_at_a_time(world, district, login):
    client = login(world.a.users["district_supervisor"])
    keys = lambda html: re.findall(r'data-sort-key="([a-z_]+)"', html)  # noqa: E731
    html = client.get(url(district)).content.decode()
    assert keys(html) == ["name", "network", "students", "screened", "visited", "profiles"] + [
        "cared",
        "plans",
    ]
    assert 'data-met="screened"' in html  # the schools meeting each target
    html = client.get(url(district, "?show=follow_up&sort=plans_overdue")).content.decode()
    assert keys(html)[:5] == ["name", "network", "students", "plans_open", "plans_overdue"]
    assert "support_amount" in keys(html) and "screened" not in keys(html)
    assert 'data-met="' not in html
    # Grouped headers: the band over its columns, the full labels in the legend.
    assert th("Care plans") in html and th("Plans overdue") in html
    # The other parts keep the filters; the sort only where its column is shown.
    part_links = re.findall(r'href="\?([^"#]+)#schools"[^>]*data-show="([a-z_]+)"', html)
    links = {show: query for query, show in part_links}
    assert "sort=plans_overdue" not in links["targets"] and "show=targets" in links["targets"]
    assert "sort=plans_overdue" in links["follow_up"]
    # An unknown part shows the first.
    assert keys(client.get(url(district, "?show=nonsense")).content.decode())[3] == "screened"


@pytest.mark.django_db
def test_filters_by_network_size_and_below_target_and_keep_the_query(world, district, login):
    client = login(world.a.users["district_supervisor"])
    n2 = world.a.network2
    html = client.get(url(district, f"?network={n2.pk}")).content.decode()
    assert school_order(html) == ["2000000003"]
    # Header links keep the filter.
    assert (
        f"network={n2.pk}" in re.search(r'data-sort-key="students"[^>]*><a href="([^"]+)"', html)[1]
    )

    html = client.get(url(district, "?size=small&sort=students&dir=desc")).content.decode()
    assert school_order(html) == ["2000000001", world.a.school.code]
    html = client.get(url(district, "?size=large")).content.decode()
    assert school_order(html) == ["2000000002"]
    html = client.get(url(district, "?size=extra_large")).content.decode()
    assert school_order(html) == ["2000000003"]

    # Below the 100% visited target: 600/700 and 1000/2000; school A has 0/2.
    html = client.get(url(district, "?below=visited&sort=visited&dir=asc")).content.decode()
    assert school_order(html) == [world.a.school.code, "2000000003", "2000000002"]
    # The form keeps the sort in hidden fields, and the filter selected.
    assert 'name="sort" value="visited"' in html
    assert '<option value="visited" selected>' in html
    # Filters combine.
    html = client.get(url(district, f"?below=visited&network={world.a.network.pk}")).content
    assert school_order(html.decode()) == [world.a.school.code, "2000000002"]


def test_size_bands_follow_obec():
    assert selectors.size_band(0) == "small"
    assert selectors.size_band(120) == "small"
    assert selectors.size_band(121) == "medium"
    assert selectors.size_band(600) == "medium"
    assert selectors.size_band(601) == "large"
    assert selectors.size_band(1500) == "large"
    assert selectors.size_band(1501) == "extra_large"


# --- targets ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_each_school_is_marked_against_the_districts_targets(world, district, term, login):
    overview = selectors.district_overview(district, term)
    rows = {r.school.code: r for r in overview.schools}
    assert rows["2000000001"].marks["screened"].met is True
    assert rows["2000000002"].marks["screened"].met is False  # 50% < 100%
    assert rows["2000000003"].marks["cared"].met is True  # 95% >= 80%
    assert rows["2000000002"].marks["cared"].met is False  # 57.1%
    assert rows[world.a.school.code].marks["cared"].met is None  # nobody screened
    assert rows["2000000003"].marks["plans"].met is None  # no problem group
    assert overview.met_counts["screened"] == 2
    assert overview.met_counts["cared"] == 2

    with scopes_disabled():
        DistrictTargets.objects.create(district=district, screened=50, cared=50)
    overview = selectors.district_overview(district, term)
    assert overview.met_counts["screened"] == 3
    assert overview.met_counts["cared"] == 3
    html = login(world.a.users["district_supervisor"]).get(url(district)).content.decode()
    assert th("Target met") in html and th("Below target") in html
    row = re.search(r'<tr data-school="2000000002">.*?</tr>', html, re.S)[0]
    assert "✓" in row and "✗" in row


@pytest.mark.django_db
def test_the_targets_form_saves_and_audits(world, district, login):
    client = login(world.a.users["district_supervisor"])
    target_url = f"/d/{district.code}/dashboard/targets/"
    assert client.get(target_url).status_code == 200
    data = {"screened": 95, "visited": 90, "cared": 75, "profiles": 100, "plans": 100}
    response = client.post(target_url, data)
    assert response.status_code == 302
    targets = DistrictTargets.objects.get(district=district)
    assert (targets.screened, targets.visited, targets.cared) == (95, 90, 75)
    assert targets.updated_by == world.a.users["district_supervisor"]
    event = AuditEvent.objects.get(object_type="districttargets")
    assert event.district_id == district.pk
    assert event.changes["screened"] == [100, 95]
    assert "profiles" not in event.changes


@pytest.mark.django_db
def test_the_targets_form_refuses_out_of_range_and_keeps_the_input(world, district, login):
    client = login(world.a.users["district_admin"])
    target_url = f"/d/{district.code}/dashboard/targets/"
    data = {"screened": 150, "visited": "abc", "cared": -1, "profiles": 100, "plans": 100}
    response = client.post(target_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert th("Give a percent from 0 to 100.") in html
    assert th("Give a whole number from 0 to 100.") in html
    assert 'value="150"' in html and 'value="abc"' in html
    assert not DistrictTargets.objects.filter(district=district).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("district_supervisor", 200),
        ("district_admin", 200),
        ("network", 404),
        ("coordinator", 404),
        ("director", 404),
    ],
)
def test_who_may_set_the_targets(world, login, role, status):
    client = login(world.a.users[role])
    assert client.get(f"/d/{world.a.district.code}/dashboard/targets/").status_code == status
    assert client.post(f"/d/{world.a.district.code}/dashboard/targets/", {}).status_code == status


# --- permissions ---------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "district_status", "network_status"),
    [
        ("district_supervisor", 200, 200),
        ("district_admin", 200, 200),
        ("network", 404, 200),
        ("director", 404, 404),
        ("coordinator", 404, 404),
        ("homeroom", 404, 404),
    ],
)
def test_who_sees_the_dashboards(world, login, role, district_status, network_status):
    a, b = world.a, world.b
    client = login(a.users[role])
    assert client.get(f"/d/{a.district.code}/dashboard/").status_code == district_status
    assert client.get(f"/n/{a.network.pk}/dashboard/").status_code == network_status
    # Another district's and another network's pages do not exist for them.
    assert client.get(f"/d/{b.district.code}/dashboard/").status_code == 404
    assert client.get(f"/n/{b.network.pk}/dashboard/").status_code == 404


@pytest.mark.django_db
def test_the_dashboards_are_linked_from_the_district_and_network_pages(world, login):
    client = login(world.a.users["district_supervisor"])
    html = client.get(f"/d/{world.a.district.code}/").content.decode()
    assert f'href="/d/{world.a.district.code}/dashboard/"' in html
    html = client.get(f"/n/{world.a.network.pk}/").content.decode()
    assert f'href="/n/{world.a.network.pk}/dashboard/"' in html


@pytest.mark.django_db
def test_no_student_is_named_on_the_dashboards(world, login):
    """The rollups of school A are computed from its records on the first view; the pages
    show numbers only."""
    with scopes_disabled():
        make_student(world.a.school, world.a.classroom, 77777, 5, first_name="ซุปเปอร์ไม่ซ้ำใคร")
    for user, page in (
        (world.a.users["district_supervisor"], f"/d/{world.a.district.code}/dashboard/"),
        (world.a.users["network"], f"/n/{world.a.network.pk}/dashboard/"),
    ):
        html = login(user).get(page).content.decode()
        assert "ซุปเปอร์ไม่ซ้ำใคร" not in html
        assert world.a.student.first_name not in html
        assert 'data-school="1040000001"' in html
    with scopes_disabled():
        row = SchoolFigures.objects.get(school=world.a.school, term=current_term())
    assert row.counts["students"] == 3


# --- trends ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_trend_covers_this_and_the_previous_year_and_computes_past_terms_once(
    world, district, term
):
    from schools.services import academic_year_create

    with scopes_disabled():
        academic_year_create(year=term.academic_year.year - 1)
    terms = selectors.trend_terms(term)
    assert [t.academic_year.year for t in terms][:2] == [term.academic_year.year - 1] * 2
    assert terms[-1] == term
    schools = list(School.objects.filter(district=district).values_list("pk", flat=True))
    with scopes_disabled():
        points = selectors.trend(schools, terms)
    assert points[-1].view.students == 2802
    # The past terms were computed (from records: only school A has students) and stored.
    assert points[0].view.students == 0
    stored = SchoolFigures.objects.filter(term__in=terms[:-1]).count()
    assert stored == len(schools) * (len(terms) - 1)
    before = stored
    with scopes_disabled():
        selectors.trend(schools, terms)
    assert SchoolFigures.objects.count() == before + len(schools)  # nothing new


@pytest.mark.django_db
def test_the_trend_table_shows_each_term(world, district, term, login):
    html = login(world.a.users["district_supervisor"]).get(url(district)).content.decode()
    table = re.search(r'<table[^>]*id="trend-table".*?</table>', html, re.S)[0]
    assert f"{term.number}/{term.academic_year.year}" in table
    assert 'id="dashboard-charts"' in html
    assert static("vendor/chartjs/chart.umd.min.js") in html


@pytest.mark.django_db
def test_stale_rows_are_noted(world, district, term, login):
    SchoolFigures.objects.filter(school__code="2000000001").update(stale=True)
    html = login(world.a.users["district_supervisor"]).get(url(district)).content.decode()
    assert 'id="figures-stale"' in html
    assert 'id="figures-as-of"' in html


# --- queries -------------------------------------------------------------------------------------
def _many_schools(world, term, n: int):
    district = world.a.district
    networks = [world.a.network, Network.objects.create(district=district, name="เครือข่ายอื่น")]
    with scopes_disabled():
        for i in range(n):
            add_school(
                district,
                networks[i % 2],
                3000000000 + i,
                f"โรงเรียนที่ {i}",
                term,
                counts(50 + i, screened=40, visited=30, cared=20, problem=5, plan=3),
            )
        # Every term of the trend has its rows, so nothing is computed.
        for t in Term.objects.exclude(pk=term.pk):
            SchoolFigures.objects.bulk_create(
                [
                    SchoolFigures(school=s, term=t, counts={}, computed=timezone.now())
                    for s in School.objects.filter(district=district)
                ],
                ignore_conflicts=True,
            )
        SchoolFigures.objects.get_or_create(
            school=world.a.school, term=term, defaults={"counts": {}, "computed": timezone.now()}
        )


# session, user, district, memberships, the district's school ids (the scope), the term, targets,
# schools with networks, rollups, the trend's terms, their rollups, the term choices. The term is
# named: the current term takes a second query between terms.
DISTRICT_QUERIES = 12
# The same with the network (with its district) instead of the district.
NETWORK_QUERIES = 12


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_the_district_dashboard_queries_do_not_grow_with_schools(
    world, term, login, django_assert_num_queries, n
):
    _many_schools(world, term, n)
    client = login(world.a.users["district_supervisor"])
    with django_assert_num_queries(DISTRICT_QUERIES):
        response = client.get(
            f"/d/{world.a.district.code}/dashboard/?sort=cared&dir=desc&term={term_code(term)}"
        )
    assert len(school_order(response.content.decode())) == n + 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_the_network_dashboard_queries_do_not_grow_with_schools(
    world, term, login, django_assert_num_queries, n
):
    _many_schools(world, term, n)
    client = login(world.a.users["network"])
    with django_assert_num_queries(NETWORK_QUERIES):
        client.get(f"/n/{world.a.network.pk}/dashboard/?term={term_code(term)}")
