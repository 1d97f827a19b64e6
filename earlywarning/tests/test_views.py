"""The early warning where people act: the class list's column, the student's card, the school's
list, the district's and network's counts (figures, never names) and the district's settings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pytest_django.asserts import assertContains, assertNotContains

from care.tests.factories import CarePlanFactory
from conftest import th
from dropouts.tests.helpers import open_student_case
from earlywarning.forms import SECTIONS
from earlywarning.model import PARAMS, Facts, evaluate
from earlywarning.models import WarningResult, WarningSettings, WarningSnapshot
from earlywarning.selectors import week_of
from schools.models import School
from students.tests.test_record_views import PINNED_CLASSROOM_QUERIES, classroom_url, fill_room

pytestmark = pytest.mark.django_db

# Absent 6 days in 4 weeks (+3), GPA from 2.80 to 1.90 (+2), 1.90 is not under 1.50: score 5
# with an attendance signal: watch. With the care group "problem" (+2): 7, high.
SLIPPING = Facts(absent_days_4w=6, gpa_now=Decimal("1.90"), gpa_before=Decimal("2.80"))
HIGH = Facts(
    absent_days_4w=6, gpa_now=Decimal("1.90"), gpa_before=Decimal("2.80"), care_level="problem"
)
# High without an attendance signal: GPA drop (+2), low GPA (+2), 3 subjects failed (+2).
FAILING = Facts(gpa_now=Decimal("1.20"), gpa_before=Decimal("2.00"), failed_now=3)
# Family facts alone: never flagged (ew-2; lives with grandparents, 1,200 baht a person, a risky
# visit, a move: score 4, level none).
FAMILY_ONLY = Facts(
    lives_with="grandparents", income_per_person=1200, visit_problems=("poverty",), moves_12m=1
)


def flag(student, facts: Facts, *, computed_at=None) -> WarningResult:
    """The stored result of ``student`` evaluated on ``facts`` with the default params."""
    result = evaluate(facts)
    with scopes_disabled():
        row, _created = WarningResult.objects.update_or_create(
            student=student,
            defaults={
                "school_id": student.school_id,
                "level": result.level,
                "score": result.score,
                "reasons": [r.as_dict() for r in result.reasons],
                "computed_at": computed_at or timezone.now(),
            },
        )
    return row


def weeks(student, levels: list[tuple[str, int]]) -> None:
    """Weekly snapshots of ``student``, the last one this week."""
    this_week = week_of(timezone.localdate())
    with scopes_disabled():
        for back, (level, score) in enumerate(reversed(levels)):
            WarningSnapshot.objects.create(
                student=student,
                school_id=student.school_id,
                week=this_week - datetime.timedelta(weeks=back),
                level=level,
                score=score,
            )


def student_url(side, student=None) -> str:
    return reverse(
        "students:student_detail",
        kwargs={"school_code": side.school.code, "student_id": (student or side.student).pk},
    )


def list_url(side, **query) -> str:
    url = reverse("earlywarning:school_list", kwargs={"school_code": side.school.code})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def care_plan_url(side, student) -> str:
    url = reverse(
        "care:plan_create", kwargs={"school_code": side.school.code, "student_id": student.pk}
    )
    return f"{url}?reason=early_warning"


# --- the class list ------------------------------------------------------------------------------
class TestClassList:
    def test_the_homeroom_teacher_sees_the_level_reasons_and_next_step(self, world, login):
        a = world.a
        flag(a.student, SLIPPING)
        response = login(a.users["homeroom"]).get(classroom_url(world, a.classroom))
        assertContains(response, th("Early warning"))
        # The badge under the name (phone) and in its column: twice; the reasons with points.
        assertContains(response, 'class="badge text-bg-warning warning-level"', count=2)
        assertContains(response, th("Absent %(days)s days in %(weeks)s weeks", days=6, weeks=4))
        assertContains(response, "+3")
        # Watch without a home visit this year: visit the home, one tap.
        visit = reverse(
            "visits:visit_new", kwargs={"school_code": a.school.code, "student_id": a.student.pk}
        )
        assertContains(response, f'data-step="visit" href="{visit}"', count=2)

    def test_no_column_for_a_student_without_a_flag(self, world, login):
        a = world.a
        flag(a.student, Facts())  # evaluated: no warning
        response = login(a.users["homeroom"]).get(classroom_url(world, a.classroom))
        assertNotContains(response, "warning-cell")

    def test_the_column_adds_no_query(self, world, login):
        """The class list's pinned count (students/tests/test_record_views.py), the same with
        early-warning results as without: the column is part of the roster's one query."""
        client = login(world.a.users["homeroom"])
        room = fill_room(world, 45, start=6000)
        client.get(classroom_url(world, room))
        with CaptureQueriesContext(connection) as without:
            client.get(classroom_url(world, room))
        with scopes_disabled():
            students = [e.student for e in room.enrolments.select_related("student")]
        for i, student in enumerate(students):
            flag(student, (HIGH, SLIPPING, FAILING, FAMILY_ONLY, Facts())[i % 5])
        with CaptureQueriesContext(connection) as with_results:
            response = client.get(classroom_url(world, room))
        # HIGH, SLIPPING and FAILING flagged (27 of 45), FAMILY_ONLY and Facts() not.
        assertContains(response, 'class="warning-cell', count=2 * 27)
        assert len(without) == len(with_results) == PINNED_CLASSROOM_QUERIES


# --- the student's page -------------------------------------------------------------------------
class TestStudentCard:
    def test_level_reasons_with_points_next_step_and_trend(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        weeks(a.student, [("none", 1), ("watch", 3), ("watch", 5), ("high", 7)])
        open_student_case(world)
        response = login(a.users["homeroom"]).get(student_url(a))
        assertContains(response, 'id="warning-card" data-level="high"')
        assertContains(response, th("High risk"))
        assertContains(response, th("score %(score)s", score=7))
        assertContains(response, th("Absent %(days)s days in %(weeks)s weeks", days=6, weeks=4))
        assertContains(
            response, th("GPA fell from %(before)s to %(now)s", before="2.80", now="1.90")
        )
        # High with a dropout case already open: a care plan, prefilled.
        assertContains(response, f'data-step="care_plan" href="{care_plan_url(a, a.student)}"')
        # Four weeks drawn, twelve places; the same figures in a table.
        content = response.content.decode()
        assert content.count('class="warning-week"') == 4
        assert content.count('data-level="high" x=') == 1

    def test_high_with_absences_the_teacher_opens_a_plan_the_coordinator_reports(
        self, world, login
    ):
        a = world.a
        flag(a.student, HIGH)
        teacher = login(a.users["homeroom"]).get(student_url(a))
        # Reporting a dropout risk is not the teacher's: their step is the care plan, and the
        # page says who reports.
        assertContains(teacher, f'data-step="care_plan" href="{care_plan_url(a, a.student)}"')
        assertContains(
            teacher, 'class="small text-secondary warning-suggested" data-step="dropout_case"'
        )
        report = reverse(
            "dropouts:case_report",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        coordinator = login(a.users["coordinator"]).get(student_url(a))
        assertContains(
            coordinator, f'data-step="dropout_case" href="{report}?reason=early_warning"'
        )

    def test_an_open_plan_and_a_visit_leave_no_step(self, world, login):
        a = world.a
        flag(a.student, FAILING)
        with scopes_disabled():
            CarePlanFactory(student=a.student)
        response = login(a.users["homeroom"]).get(student_url(a))
        # High without an attendance sign, a plan open, no home visit: the visit.
        assertContains(response, 'data-step="visit"')
        assertNotContains(response, 'data-step="care_plan"')

    def test_not_evaluated_yet(self, world, login):
        response = login(world.a.users["homeroom"]).get(student_url(world.a))
        assertContains(response, 'id="warning-card" data-level=""')
        assertContains(response, th("Not evaluated yet: the early warning is computed each night."))

    def test_no_card_for_whoever_does_not_see_the_early_warning(self, world, login, settings):
        from carecore.access import ROLE_PERMISSIONS, Perm
        from carecore.models import Role

        flag(world.a.student, HIGH)
        perms = ROLE_PERMISSIONS[Role.COUNSELLOR]
        ROLE_PERMISSIONS[Role.COUNSELLOR] = perms - {Perm.VIEW_EARLY_WARNING}
        try:
            response = login(world.a.users["counsellor"]).get(student_url(world.a))
        finally:
            ROLE_PERMISSIONS[Role.COUNSELLOR] = perms
        assert response.status_code == 200
        assertNotContains(response, "warning-card")


# --- the prefilled next steps -------------------------------------------------------------------
class TestPrefilledSteps:
    def test_the_care_plan_starts_with_the_reasons(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        response = login(a.users["homeroom"]).get(care_plan_url(a, a.student))
        problem = response.context["form"]["problem"].value()
        assert problem.splitlines()[0] == th(
            "Early warning: %(level)s (score %(score)s)", level=th("High risk"), score=7
        )
        assert "- " + th("Absent %(days)s days in %(weeks)s weeks", days=6, weeks=4) in problem

    def test_without_the_reason_the_plan_starts_empty(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        url = care_plan_url(a, a.student).split("?")[0]
        response = login(a.users["homeroom"]).get(url)
        assert not response.context["form"]["problem"].value()

    def test_the_dropout_report_starts_with_the_reasons(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        url = reverse(
            "dropouts:case_report",
            kwargs={"school_code": a.school.code, "student_id": a.student.pk},
        )
        response = login(a.users["coordinator"]).get(f"{url}?reason=early_warning")
        description = response.context["form"]["description"].value()
        assert th("GPA fell from %(before)s to %(now)s", before="2.80", now="1.90") in description


# --- the school's list --------------------------------------------------------------------------
class TestSchoolList:
    def test_the_homeroom_teacher_sees_their_own_classrooms_only(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        flag(a.other_student, SLIPPING)  # the other homeroom teacher's room
        response = login(a.users["homeroom"]).get(list_url(a))
        assertContains(response, f'data-student="{a.student.pk}"')
        assertNotContains(response, f'data-student="{a.other_student.pk}"')
        assertNotContains(response, a.other_student.first_name)
        coordinator = login(a.users["coordinator"]).get(list_url(a))
        assertContains(coordinator, 'class="list-group-item warning-row"', count=2)

    def test_high_risk_first_and_the_filters(self, world, login):
        a = world.a
        flag(a.student, SLIPPING)  # watch, score 5
        flag(a.other_student, FAILING)  # high, score 6
        client = login(a.users["coordinator"])
        rows = client.get(list_url(a)).context["rows"]
        assert [r.student_id for r in rows] == [a.other_student.pk, a.student.pk]
        assert [r.student_id for r in client.get(list_url(a, level="watch")).context["rows"]] == [
            a.student.pk
        ]
        room = client.get(list_url(a, classroom=a.classroom.pk))
        assert [r.student_id for r in room.context["rows"]] == [a.student.pk]
        # An unknown level or a classroom of another school: the whole list.
        assert (
            len(client.get(list_url(a, level="x", classroom=world.b.classroom.pk)).context["rows"])
            == 2
        )

    def test_empty(self, world, login):
        response = login(world.a.users["coordinator"]).get(list_url(world.a))
        assertContains(response, th("No student shows a warning sign."))

    def test_the_number_of_queries_does_not_grow_with_the_list(self, world, login):
        client = login(world.a.users["coordinator"])
        room = fill_room(world, 40, start=7000)
        with scopes_disabled():
            students = [e.student for e in room.enrolments.select_related("student")]
        for student in students[:3]:
            flag(student, HIGH)
        client.get(list_url(world.a))
        with CaptureQueriesContext(connection) as few:
            client.get(list_url(world.a))
        for student in students:
            flag(student, HIGH)
        with CaptureQueriesContext(connection) as many:
            response = client.get(list_url(world.a))
        assertContains(response, 'class="list-group-item warning-row"', count=40)
        # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 classrooms, 7 their
        # teachers, 8 the levels' counts, 9 the page's count, 10 the page (with the step facts),
        # 11 the district's settings, 12 audit event.
        assert len(few) == len(many) == 12


# --- district and network: figures, never names --------------------------------------------------
def make_schools(side, count: int, *, start: int = 0) -> list[School]:
    with scopes_disabled():
        schools = School.objects.bulk_create(
            School(
                code=f"{1050000000 + side.district.pk * 1000 + i:010d}",
                name=f"โรงเรียนบ้าน{i}",
                district=side.district,
                network=side.network,
            )
            for i in range(start, start + count)
        )
    return schools


class TestDistrictAndNetwork:
    def test_counts_per_school_and_no_student_name(self, world, login):
        a = world.a
        flag(a.student, HIGH)
        flag(a.other_student, SLIPPING)
        district = reverse(
            "earlywarning_district:district_counts", kwargs={"district_code": a.district.code}
        )
        network = reverse(
            "earlywarning_network:network_counts", kwargs={"network_id": a.network.pk}
        )
        for user, url in (
            (a.users["district_supervisor"], district),
            (a.users["district_admin"], district),
            (a.users["network"], network),
            (a.users["district_admin"], network),
        ):
            response = login(user).get(url)
            assertContains(response, f'data-school="{a.school.pk}"')
            row = response.context["rows"][0]
            assert (row["school"], row["high"], row["watch"]) == (a.school, 1, 1)
            content = response.content.decode()
            for student in (a.student, a.other_student):
                assert student.first_name not in content
                assert student.last_name not in content
                assert student.student_code not in content

    def test_the_settings_link_is_the_administrators(self, world, login):
        a = world.a
        url = reverse(
            "earlywarning_district:district_counts", kwargs={"district_code": a.district.code}
        )
        assertContains(login(a.users["district_admin"]).get(url), 'id="warning-settings-link"')
        assertNotContains(
            login(a.users["district_supervisor"]).get(url), 'id="warning-settings-link"'
        )

    @pytest.mark.parametrize(
        "name,kwarg", [("district", "district_code"), ("network", "network_id")]
    )
    def test_the_number_of_queries_is_the_same_for_20_and_200_schools(
        self, world, login, name, kwarg
    ):
        a = world.a
        url = reverse(
            f"earlywarning_{name}:{name}_counts",
            kwargs={kwarg: a.district.code if name == "district" else a.network.pk},
        )
        client = login(a.users["district_admin"])
        make_schools(a, 19)
        # A case reported after weeks of the warning: the case record's two queries.
        weeks(a.student, [("watch", 3), ("high", 7), ("high", 7)])
        open_student_case(world, reported_ago=0)
        client.get(url)
        with CaptureQueriesContext(connection) as small:
            response = client.get(url)
        assert len(response.context["rows"]) == 20
        make_schools(a, 180, start=19)
        flag(a.student, HIGH)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
        assert len(response.context["rows"]) == 200
        # 1 session, 2 user, 3 the place, 4 memberships, 5 the place's schools (the scope),
        # 6 the schools with their networks, 7 the counts, 8 the cases, 9 their weeks.
        assert response.context["record"].counted == 1
        assert len(small) == len(large) == 9

    def test_the_areas_own_cases_as_figures(self, world, login):
        """The district and the network see how the warning did against the cases their schools
        reported: counted, flagged before the report, high, weeks ahead; no name."""
        a = world.a
        # Reported today: flagged two weeks before (watch), high the week before; this week's
        # level is after the report's week began and does not count.
        weeks(a.student, [("none", 1), ("watch", 3), ("high", 7), ("high", 9)])
        open_student_case(world, reported_ago=0)
        # A case with no week of the warning before it: not counted, said apart.
        open_student_case(world, student=a.other_student, reported_ago=2)
        for user, url in (
            (
                a.users["district_supervisor"],
                reverse(
                    "earlywarning_district:district_counts",
                    kwargs={"district_code": a.district.code},
                ),
            ),
            (
                a.users["network"],
                reverse("earlywarning_network:network_counts", kwargs={"network_id": a.network.pk}),
            ),
        ):
            response = login(user).get(url)
            record = response.context["record"]
            assert (record.cases, record.counted, record.not_counted) == (2, 1, 1)
            assert (record.flagged, record.high, record.lead_weeks) == (1, 1, 2)
            assertContains(response, 'data-figure="flagged-before">1 ')
            assertContains(response, th("Flagged before the report"))
            content = response.content.decode()
            for student in (a.student, a.other_student):
                assert student.first_name not in content
                assert student.last_name not in content


# --- the district's settings --------------------------------------------------------------------
def settings_url(side) -> str:
    return reverse("earlywarning_district:settings", kwargs={"district_code": side.district.code})


def posted(**changes) -> dict:
    data = {name: str(spec.default) for name, spec in PARAMS.items()}
    data["revision"] = "0"
    return {**data, **{k: str(v) for k, v in changes.items()}}


class TestSettings:
    def test_every_parameter_is_on_the_page_once(self):
        names = [name for _title, names in SECTIONS for name in names]
        assert sorted(names) == sorted(PARAMS)

    def test_shows_defaults_and_bounds(self, world, login):
        response = login(world.a.users["district_admin"]).get(settings_url(world.a))
        assertContains(response, 'name="absent_days" value="4"')
        assertContains(
            response,
            th("Default %(default)s · from %(low)s to %(high)s", default="4", low="2", high="10"),
        )
        assertContains(response, "ew-2")

    def test_out_of_bounds_is_refused_in_thai_with_what_was_typed(self, world, login):
        response = login(world.a.users["district_admin"]).post(
            settings_url(world.a), posted(absent_days=15, rate_below="0.5")
        )
        assert response.status_code == 200
        assertContains(response, th("Give a number from %(low)s to %(high)s.", low="2", high="10"))
        assertContains(
            response, th("Give a number from %(low)s to %(high)s.", low="0.60", high="0.95")
        )
        assertContains(response, 'name="absent_days" value="15"')
        assertContains(response, 'name="rate_below" value="0.5"')
        with scopes_disabled():
            assert not WarningSettings.objects.exists()

    def test_high_must_be_above_watch(self, world, login):
        response = login(world.a.users["district_admin"]).post(
            settings_url(world.a), posted(watch_score=5, high_score=5)
        )
        assertContains(response, th("The score for high risk must be above the score for watch."))

    def test_saved_and_recomputed(self, world, login, django_capture_on_commit_callbacks):
        a = world.a
        with django_capture_on_commit_callbacks(execute=True):
            response = login(a.users["district_admin"]).post(
                settings_url(a), posted(absent_days=3, rate_below="0.85")
            )
        assert response.status_code == 302
        with scopes_disabled():
            row = WarningSettings.objects.get(district=a.district)
            assert row.revision == 1
            assert row.params["absent_days"] == 3 and row.params["rate_below"] == 0.85
            # The job ran (eager): every student of the district has a result with it.
            assert WarningResult.objects.filter(school=a.school, settings_revision=1).count() == 2

    def test_a_stale_form_shows_the_saved_values(self, world, login):
        client = login(world.a.users["district_admin"])
        client.post(settings_url(world.a), posted(absent_days=3))
        response = client.post(settings_url(world.a), posted(absent_days=5), follow=True)
        assertContains(response, 'name="absent_days" value="3"')
        with scopes_disabled():
            assert WarningSettings.objects.get().revision == 1


def test_another_schools_classroom_filter_is_ignored_not_leaked(world, login):
    """A classroom id of school B on school A's list: A's list, nothing of B."""
    b = world.b
    flag(b.student, HIGH)
    response = login(world.a.users["coordinator"]).get(list_url(world.a, classroom=b.classroom.pk))
    assertNotContains(response, b.student.first_name)
