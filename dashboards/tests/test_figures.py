"""The dashboards' figures (dashboards/figures.py) and their rollups (dashboards/rollups.py):
counted by hand on a small classroom, equal to care coverage, a fixed number of queries, and
kept current as records change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from care.coverage import coverage_counts_for_schools
from care.models import Support
from care.tests import test_coverage
from conftest import make_student
from dashboards import figures, rollups
from dashboards.models import SchoolFigures
from referrals.tests.factories import ReferralFactory
from schools.models import Grade
from schools.tests.factories import ClassroomFactory
from screening.tests.factories import SdqResponseFactory
from visits.models import HomeVisit
from visits.tests.factories import HomeVisitFactory

# The hand-made classroom of the coverage tests, counted by hand there (care/tests).
EXPECTED = test_coverage.EXPECTED
plan = test_coverage.plan
terms = test_coverage.terms
hand_made = test_coverage.hand_made


def _support(school, student, term, amount, source="โรงเรียน"):
    return Support.objects.create(
        school=school,
        student=student,
        term=term,
        kind="lunch",
        source=source,
        amount=amount,
        date=term.start,
    )


def test_groups_and_care_match_the_count_by_hand_and_coverage(world, terms, hand_made):
    t1, t2 = terms
    room, _ = hand_made
    with scopes_disabled():
        result = figures.compute(school_ids=[world.a.school.pk], term=t2)
        coverage = coverage_counts_for_schools(school_ids=[world.a.school.pk], term=t2)
    counts = result[world.a.school.pk].classrooms[room.pk]
    for group_name, (total, cared) in EXPECTED.items():
        assert (counts[group_name], counts[f"{group_name}_cared"]) == (total, cared)
    assert counts["students"] == 9
    assert counts["screened"] == 8  # s9 is not screened
    assert counts["cared"] == 1 + 3 + 1  # by level: s1; s3, s4, s8; s6
    total = result[world.a.school.pk].total
    for group_name, figure in coverage[world.a.school.pk].groups.items():
        assert (total[group_name], total[f"{group_name}_cared"]) == (figure.total, figure.cared)
    # Problem students with a plan open during term 2: s6 (s7's plan is open too).
    assert counts["problem_with_plan"] == 2
    assert result[world.a.school.pk].grades[Grade.P5]["students"] == 9


def test_visits_forms_plans_referrals_and_support(world, terms):
    t1, t2 = terms
    today = timezone.localdate()
    with scopes_disabled():
        room = ClassroomFactory(school=world.a.school, grade=Grade.P2, room=9)
        s = [make_student(world.a.school, room, 8100 + n, n) for n in range(1, 5)]
        HomeVisitFactory(student=s[0], date=t1.start)
        HomeVisitFactory(student=s[1], date=t1.start, status=HomeVisit.Status.DRAFT)  # not a visit
        SdqResponseFactory(student=s[0], term=t1)  # term 1 counts for term 2 (screened once a year)
        SdqResponseFactory(student=s[1], term=t2, status="draft")
        SdqResponseFactory(student=s[2], term=t2, rater="parent")  # P.2 gets no parent form
        late = plan(s[0], t2, t2.start)
        late.next_review = today - datetime.timedelta(days=1)
        late.save()
        plan(s[1], t2, t2.start)
        ReferralFactory(
            student=s[2],
            sender=world.a.users["homeroom"],
            sent_on=t2.start,
            answer_due=today - datetime.timedelta(days=2),
        )
        for student, amount in ((s[0], 500), (s[0], 300), (s[3], None)):
            _support(world.a.school, student, t2, amount, source="อบต.")
        result = figures.compute(school_ids=[world.a.school.pk], term=t2, today=today)
    room_counts = result[world.a.school.pk].classrooms[room.pk]
    assert room_counts["visited"] == 1
    assert (room_counts["teacher_due"], room_counts["teacher_done"]) == (4, 1)
    assert (room_counts["parent_due"], room_counts["parent_done"]) == (0, 0)
    total = result[world.a.school.pk].total
    assert (total["plans_open"], total["plans_overdue"]) == (2, 1)
    assert (total["referrals_open"], total["referrals_overdue"], total["referrals_sent"]) == (
        1,
        1,
        1,
    )
    assert (total["support_records"], total["support_students"], total["support_amount"]) == (
        3,
        2,
        800,
    )
    view = figures.View(room_counts)
    assert view.visited_share == 25.0
    assert view.form_share("teacher") == 25.0
    assert view.form_share("parent") is None  # nothing due: no share, not 0 %


def _schools_with_students(world, n_students):
    with scopes_disabled():
        for school in (world.a.school, world.b.school):
            room = ClassroomFactory(school=school, grade=Grade.P6, room=5)
            for i in range(n_students):
                make_student(school, room, 9000 + school.pk * 100 + i, i + 1)


@pytest.mark.parametrize("n_students", [1, 12])
def test_compute_runs_eleven_queries_whatever_the_size(world, terms, n_students):
    _schools_with_students(world, n_students)
    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        figures.compute(school_ids=[world.a.school.pk, world.b.school.pk], term=terms[1])
    # Six for the care figures, five for attendance and behaviour (conduct_figures).
    assert len(queries) == 11


def test_rollups_are_read_in_one_query_once_computed(world, terms):
    t2 = terms[1]
    ids = [world.a.school.pk, world.b.school.pk]
    with scopes_disabled():
        first = rollups.figures_for_schools(school_ids=ids, term=t2)
        assert set(first) == set(ids)
        with CaptureQueriesContext(connection) as queries:
            again = rollups.figures_for_schools(school_ids=ids, term=t2)
    assert len(queries) == 1
    assert again[world.a.school.pk].counts["students"] == 2  # the world's two students
    assert not again[world.a.school.pk].stale


@pytest.mark.django_db(transaction=True)
def test_a_change_marks_the_school_stale_and_a_job_computes_it_again(world, terms, monkeypatch):
    """Committed for real: each save commits, and its callback marks and queues (eager)."""
    t2 = terms[1]
    monkeypatch.setattr(rollups, "current_term", lambda: t2)
    with scopes_disabled():
        rollups.refresh(school_ids=[world.a.school.pk, world.b.school.pk], term=t2)
        before = SchoolFigures.objects.get(school=world.a.school, term=t2).computed
        # The save commits: its callback marks the rows stale and queues the (eager) job.
        _support(world.a.school, world.a.student, t2, 250)
        row = SchoolFigures.objects.get(school=world.a.school, term=t2)
        other = SchoolFigures.objects.get(school=world.b.school, term=t2)
    # The (eager) job ran: the new support is counted, the row is current again.
    assert row.counts["support_amount"] == 250
    assert not row.stale and row.computed > before
    assert "support_amount" not in other.counts  # another school is left alone


def test_a_lost_job_leaves_the_row_stale_for_the_periodic_refresh(world, terms, monkeypatch):
    t2 = terms[1]
    with scopes_disabled():
        rollups.refresh(school_ids=[world.a.school.pk], term=t2)
        SchoolFigures.objects.filter(school=world.a.school).update(stale=True)
        _support(world.a.school, world.a.student, t2, 100)
        assert rollups.refresh_stale() == 1
        row = SchoolFigures.objects.get(school=world.a.school, term=t2)
    assert row.counts["support_amount"] == 100 and not row.stale


def test_a_burst_of_changes_in_one_transaction_queues_one_refresh(world, terms):
    from django.db import connection

    t2 = terms[1]
    with scopes_disabled():
        connection.run_on_commit.clear()  # the world's own set-up: not what is measured
        for amount in (10, 20, 30):
            _support(world.a.school, world.a.student, t2, amount)
        _support(world.b.school, world.b.student, t2, 5)
    waiting = [getattr(entry[1], "dashboards_school", None) for entry in connection.run_on_commit]
    assert sorted(w for w in waiting if w) == sorted([world.a.school.pk, world.b.school.pk])
