"""The school dashboard (dashboards/school_views.py): the figures of a small school counted by
hand, every drill-down list as long as its figure, who may open them, and a number of queries
that does not grow with the school."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from care.tests import test_coverage
from carecore.models import AuditEvent
from conftest import make_student
from dashboards import figures
from dashboards.school_selectors import figure_title
from schools.models import Grade
from schools.selectors import term_code
from schools.tests.factories import ClassroomFactory
from screening.models import AspectResult, SdqResponse
from visits.models import HomeVisit

# The hand-made classroom of the coverage tests, counted by hand there (care/tests).
EXPECTED = test_coverage.EXPECTED
group = test_coverage.group
plan = test_coverage.plan
terms = test_coverage.terms
hand_made = test_coverage.hand_made


# Signed-in pages in English (the text the tests look for).
pytestmark = pytest.mark.usefixtures("english")


def dashboard_url(world, term=None):
    url = reverse("dash_school:dashboard", kwargs={"school_code": world.a.school.code})
    return f"{url}?term={term_code(term)}" if term else url


def list_url(world, term, figure, **extra):
    url = reverse("dash_school:students", kwargs={"school_code": world.a.school.code})
    query = "&".join(f"{k}={v}" for k, v in extra.items())
    return f"{url}?figure={figure}&term={term_code(term)}" + (f"&{query}" if query else "")


@pytest.fixture
def more(world, terms, hand_made):
    """The hand-made classroom of nine (care/tests/test_coverage.py) with home visits, SDQ forms
    and aspect results, and a P.2 classroom (no parent or self form there)."""
    t1, t2 = terms
    room, s = hand_made
    with scopes_disabled():
        for student in s[:3]:
            HomeVisit.objects.create(
                school_id=student.school_id,
                student=student,
                academic_year=world.year,
                status=HomeVisit.Status.DONE,
                date=t1.start,
                visitors="ครูประจำชั้น",
            )
        for student, rater in ((s[0], "teacher"), (s[1], "teacher"), (s[0], "parent")):
            SdqResponse.objects.create(
                student=student, term=t1, rater=rater, status="complete", source="form"
            )
        SdqResponse.objects.create(  # a draft is not done
            student=s[2], term=t1, rater="teacher", status="draft", source="form"
        )
        for student, aspect, level in (
            (s[0], "learning", "risk"),
            (s[1], "learning", "problem"),
            (s[2], "learning", "risk"),
            (s[3], "gaming", "problem"),
            (s[4], "special_ability", "special"),
        ):
            AspectResult.objects.create(student=student, term=t1, aspect=aspect, level=level)
        # The same aspect again in term 2: the student counts once.
        AspectResult.objects.create(student=s[0], term=t2, aspect="learning", level="risk")
        small = ClassroomFactory(school=world.a.school, grade=Grade.P2, room=1)
        young = [make_student(world.a.school, small, 7100 + n, n) for n in range(1, 3)]
        group(young[0], t2, "problem")
        SdqResponse.objects.create(
            student=young[0], term=t2, rater="teacher", status="complete", source="form"
        )
    return room, s, small, young


# --- the figures -------------------------------------------------------------------------------
def test_the_dashboard_shows_the_figures_counted_by_hand(world, terms, more, login):
    t1, t2 = terms
    room, s, small, young = more
    response = login(world.a.users["director"]).get(dashboard_url(world, t2))
    assert response.status_code == 200
    dash = response.context["dash"]
    t = dash.total
    # The world's two students, the nine of the hand-made room, the two of P.2.
    assert t.students == 13
    assert t["screened"] == 9  # eight in the hand-made room and young[0]
    assert t.not_screened == 4
    for name, (total, cared) in EXPECTED.items():
        extra = 1 if name == "problem" else 0  # young[0], not cared for
        assert (t[name], t[f"{name}_cared"]) == (total + extra, cared)
    assert t["cared"] == 5 and dash.not_cared == 4
    assert t["visited"] == 3
    # SDQ forms: every student gets the teacher form; P.2 gets no parent nor self form.
    assert (t["teacher_done"], t["teacher_due"]) == (3, 13)
    assert (t["parent_done"], t["parent_due"]) == (1, 11)
    assert t["aspect_learning_risk"] == 2 and t["aspect_learning_problem"] == 1
    assert t["aspect_gaming_problem"] == 1 and t["aspect_special_ability_special"] == 1
    rooms = {row.classroom_id: row.view for row in dash.classrooms}
    assert rooms[room.pk].students == 9 and rooms[small.pk].students == 2
    assert rooms[small.pk]["problem"] == 1
    grades = {row.grade: row.view for row in dash.grades}
    assert grades[Grade.P4].students == 2 and grades[Grade.P5].students == 9
    html = response.content.decode()
    # Shares with one decimal: 9 of 13 screened.
    assert "69.2%" in html
    # The figures link to their lists.
    assert list_url(world, t2, "group_risk") in html
    for name in ("care:plan_list", "referrals:referral_list", "dropouts:case_list"):
        assert reverse(name, kwargs={"school_code": world.a.school.code}) in html
    assert f"/care/coverage/?term={term_code(t2)}" in html


def _expected_count(view: figures.View, key: str) -> int:
    """What the dashboard shows for ``key``."""
    derived = {
        "not_screened": view.not_screened,
        "not_cared": view["screened"] - view["cared"],
        "not_visited": view["students"] - view["visited"],
        "profile_incomplete": view["students"] - view["profile_done"],
        "problem_without_plan": view["problem"] - view["problem_with_plan"],
    }
    if key in derived:
        return derived[key]
    if key.startswith("group_"):
        name = key[len("group_") :]
        if name.endswith("_not_cared"):
            g = name[: -len("_not_cared")]
            return view[g] - view[f"{g}_cared"]
        return view[name]
    if key.startswith("form_"):
        form, state = key[len("form_") :].rsplit("_", 1)
        done, due = view[f"{form}_done"], view[f"{form}_due"]
        return done if state == "done" else due - done
    return view[key]


def every_key() -> list[str]:
    keys = [
        "students",
        "screened",
        "not_screened",
        "cared",
        "not_cared",
        "visited",
        "not_visited",
        "profile_done",
        "profile_incomplete",
        "problem_with_plan",
        "problem_without_plan",
    ]
    for g in figures.GROUPS:
        keys += [f"group_{g}", f"group_{g}_cared", f"group_{g}_not_cared"]
    for f in figures.FORMS:
        keys += [f"form_{f}_done", f"form_{f}_missing"]
    for a in figures.LEVEL_ASPECTS:
        keys += [f"aspect_{a}_risk", f"aspect_{a}_problem"]
    for a in figures.SPECIAL_ASPECTS:
        keys.append(f"aspect_{a}_special")
    return keys


def test_every_drill_down_list_is_as_long_as_its_figure(world, terms, more, login):
    t1, t2 = terms
    room, s, small, young = more
    client = login(world.a.users["coordinator"])
    dash = client.get(dashboard_url(world, t2)).context["dash"]
    checked = nonzero = 0
    for key in every_key():
        want = _expected_count(dash.total, key)
        response = client.get(list_url(world, t2, key))
        assert response.status_code == 200, key
        assert response.context["page_obj"].paginator.count == want, key
        with translation.override("en"):
            assert figure_title(key) in response.content.decode(), key
        checked += 1
        nonzero += bool(want)
    assert checked > 50 and nonzero > 20
    # Per classroom and per grade, as the tables count them.
    for row in dash.classrooms + dash.grades:
        for key in ("students", "screened", "group_risk", "visited", "cared", "form_parent_done"):
            extra = {"classroom": row.classroom_id} if row.classroom_id else {"grade": row.grade}
            response = client.get(list_url(world, t2, key, **extra))
            assert response.context["page_obj"].paginator.count == _expected_count(row.view, key)


def test_a_list_names_its_students_with_their_room_and_links_to_them(world, terms, more, login):
    t1, t2 = terms
    room, s, small, young = more
    response = login(world.a.users["director"]).get(list_url(world, t2, "group_problem"))
    html = response.content.decode()
    assert "Group: Has problems" in html
    # s6 and s7 of the hand-made room (P.5/1), then young[0] of P.2/1: by grade, room, number.
    rows = list(response.context["page_obj"].object_list)
    assert [r.pk for r in rows] == [young[0].pk, s[5].pk, s[6].pk]
    assert rows[1].room == "P.5/1" and rows[1].number == 6
    student_url = reverse(
        "students:student_detail",
        kwargs={"school_code": world.a.school.code, "student_id": s[5].pk},
    )
    assert student_url in html
    assert dashboard_url(world, t2) in html  # the way back
    assert s[0].first_name not in html
    event = AuditEvent.objects.filter(user_id=world.a.users["director"].pk).latest("pk")
    assert event.action == AuditEvent.Action.VIEW and "Group" in event.summary


def test_a_list_is_paginated_at_one_hundred(world, terms, login):
    t2 = terms[1]
    with scopes_disabled():
        big = ClassroomFactory(school=world.a.school, grade=Grade.M1, room=1)
        for n in range(1, 104):
            make_student(world.a.school, big, 20000 + n, n)
    client = login(world.a.users["director"])
    first = client.get(list_url(world, t2, "not_screened"))
    assert first.context["page_obj"].paginator.count == 105  # and the world's two
    assert len(first.context["page_obj"].object_list) == 100
    second = client.get(list_url(world, t2, "not_screened") + "&page=2")
    assert len(second.context["page_obj"].object_list) == 5


def test_a_figure_or_classroom_that_does_not_exist_is_404(world, terms, login):
    t2 = terms[1]
    client = login(world.a.users["director"])
    assert client.get(list_url(world, t2, "nonsense")).status_code == 404
    assert client.get(list_url(world, t2, "aspect_nonsense_risk")).status_code == 404
    assert client.get(list_url(world, t2, "students", grade=99)).status_code == 404
    assert client.get(list_url(world, t2, "students", grade="x")).status_code == 404
    other = world.b.classroom.pk
    assert client.get(list_url(world, t2, "students", classroom=other)).status_code == 404
    # Without a figure: every student.
    url = reverse("dash_school:students", kwargs={"school_code": world.a.school.code})
    assert client.get(url).context["page_obj"].paginator.count == 2


def test_another_term_is_counted_for_that_term(world, terms, hand_made, login):
    t1, t2 = terms
    client = login(world.a.users["director"])
    dash = client.get(dashboard_url(world, t1)).context["dash"]
    # Only s3 has a group in term 1 (risk).
    assert dash.total["risk"] == 1 and dash.total["screened"] == 1
    response = client.get(list_url(world, t1, "group_risk"))
    assert response.context["page_obj"].paginator.count == 1


# --- who may open them -------------------------------------------------------------------------
@pytest.mark.parametrize("url_name", ["dash_school:dashboard", "dash_school:students"])
def test_who_may_open_the_dashboard_and_its_lists(world, terms, client, url_name):
    url = reverse(url_name, kwargs={"school_code": world.a.school.code})
    expected = {
        "director": 200,
        "coordinator": 200,
        "counsellor": 200,
        "homeroom": 403,
        "homeroom_other": 403,
        "discipline": 403,
        "nurse": 403,
        # Network and district staff reach the school's pages (VIEW_SCHOOL through their
        # network or district) but not its students: 403; they read the rolled-up dashboards.
        "network": 403,
        "district_supervisor": 403,
        "district_admin": 403,
    }
    for key, status in expected.items():
        client.force_login(world.a.users[key])
        assert client.get(url).status_code == status, key
        # The same role at school B does not see school A at all.
        client.force_login(world.b.users[key])
        assert client.get(url).status_code == 404, key
    client.logout()
    assert client.get(url).status_code == 302


def test_the_school_page_links_to_the_dashboard_for_those_who_may_open_it(world, login):
    url = reverse("schools:school_detail", kwargs={"school_code": world.a.school.code})
    dashboard = dashboard_url(world)
    assert dashboard in login(world.a.users["director"]).get(url).content.decode()
    assert dashboard not in login(world.a.users["homeroom"]).get(url).content.decode()


NO_ASPECT_AT_RISK = "No student at risk or with problems in any aspect."
NO_ASPECT_SCREENING = "No aspect screening yet"


def test_the_aspect_table_says_none_at_risk_only_when_aspects_were_screened(
    world, terms, hand_made, login
):
    """Issue 19: students at risk and with problems (from the SDQ) but no aspect screened by
    level (a special-ability one does not count): the table says no aspect was screened, not that
    no student is at risk in any aspect. Aspects screened, all normal: then that is what it says."""
    t1, t2 = terms
    room, s = hand_made
    client = login(world.a.users["director"])
    with scopes_disabled():
        AspectResult.objects.create(
            student=s[0], term=t2, aspect="special_ability", level="special"
        )
    response = client.get(dashboard_url(world, t2))
    assert response.context["dash"].total["risk"] > 0
    page = response.content.decode()
    assert NO_ASPECT_SCREENING in page and NO_ASPECT_AT_RISK not in page
    with scopes_disabled():
        AspectResult.objects.create(student=s[1], term=t1, aspect="learning", level="normal")
    page = client.get(dashboard_url(world, t2)).content.decode()
    assert NO_ASPECT_AT_RISK in page and NO_ASPECT_SCREENING not in page
    assert 'data-aspect="learning"' not in page  # a normal result is no row of the table


def test_the_dashboard_renders_in_thai(world, terms, hand_made, client, settings):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # no language chosen: the default, Thai
    client.force_login(world.a.users["director"])
    response = client.get(dashboard_url(world, terms[1]))
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


# --- queries -----------------------------------------------------------------------------------
def _grow(world, n):
    """``n`` more students in two more classrooms, screened, visited, with a plan each."""
    with scopes_disabled():
        from schools.models import Term

        t2 = Term.objects.get(academic_year=world.year, number=2)
        rooms = [ClassroomFactory(school=world.a.school, grade=Grade.P6, room=r) for r in (7, 8)]
        for i in range(n):
            student = make_student(world.a.school, rooms[i % 2], 30000 + i, i + 1)
            group(student, t2, ("normal", "risk", "problem")[i % 3])
            plan(student, t2, t2.start - datetime.timedelta(days=1))


# Dashboard: the session, the user, the school, the memberships and the academic year
# (school_view); the current term (term_for_request) and the term chooser's list;
# figures.compute (eleven: six for care, five for attendance and behaviour); the classrooms' names;
# attendance and behaviour (dashboards/school_conduct.py): the school's attendance settings, its
# days without school, the days missed per week, the incidents per category; the early
# warning's counts.
DASHBOARD_QUERIES = 24
# A list: the same first five, the current term, the page's count and its rows, the audit event.
LIST_QUERIES = 9


@pytest.mark.parametrize("n", [3, 30])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    world, terms, login, n, django_assert_num_queries
):
    _grow(world, n)
    client = login(world.a.users["director"])
    url = dashboard_url(world)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    assert response.context["dash"].total.students == n + 2


@pytest.mark.parametrize("n", [3, 30])
def test_a_list_runs_a_fixed_number_of_queries(world, terms, login, n, django_assert_num_queries):
    _grow(world, n)
    client = login(world.a.users["director"])
    url = list_url(world, terms[1], "group_problem")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == n // 3


def test_the_dashboard_shows_the_early_warning_now_with_links_to_the_lists(world, terms, login):
    from earlywarning.tests.test_views import HIGH, SLIPPING, flag

    a = world.a
    flag(a.student, HIGH)
    flag(a.other_student, SLIPPING)
    response = login(a.users["director"]).get(dashboard_url(world))
    assert response.context["warning"] == {"high": 1, "watch": 1}
    page = response.content.decode()
    school_list = reverse("earlywarning:school_list", kwargs={"school_code": a.school.code})
    assert f'data-figure="warning-high" href="{school_list}?level=high"' in page
    assert f'data-figure="warning-watch" href="{school_list}?level=watch"' in page
