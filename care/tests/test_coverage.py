"""Care coverage (care/coverage.py): the definition on a classroom counted by hand, the fixed
number of queries, and the classroom and school pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from care.activities import services as activity_services
from care.coverage import (
    coverage_counts_for_schools,
    coverage_for_classroom,
    coverage_for_school,
)
from care.models import CarePlanFollowUp
from care.tests.factories import CarePlanFactory
from carecore.models import AuditEvent
from conftest import make_student
from schools.models import Grade, Term
from schools.tests.factories import ClassroomFactory
from screening.models import CareGroup

# Signed-in pages in English (the text the tests look for).
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def terms(world):
    with scopes_disabled():
        return (
            Term.objects.select_related("academic_year").get(academic_year=world.year, number=1),
            Term.objects.select_related("academic_year").get(academic_year=world.year, number=2),
        )


def group(student, term, level, special=False):
    return CareGroup.objects.create(
        student=student,
        term=term,
        school_id=student.school_id,
        derived_level=level,
        level=level,
        special=special,
    )


def activity(world, kind, day, *students, pairs=()):
    return activity_services.activity_record(
        school=world.a.school,
        kind=kind,
        date=day,
        topic="t",
        user=world.a.users["homeroom"],
        students=students,
        pairs=pairs,
        details={"subject": "คณิตศาสตร์"},
    )


def plan(student, term, opened_on, status="open", closed_on=None, follow_ups=()):
    p = CarePlanFactory(
        student=student,
        term=term,
        opened_on=opened_on,
        status=status,
        outcome="improved" if status == "closed" else "",
        closed_on=closed_on,
    )
    for day in follow_ups:
        CarePlanFollowUp.objects.create(
            plan=p, school_id=p.school_id, date=day, what_was_done="w", result="partly"
        )
    return p


@pytest.fixture
def hand_made(world, terms):
    """A classroom of nine, counted by hand for term 2 (see each line)."""
    t1, t2 = terms
    day1, day2 = t1.start + datetime.timedelta(days=5), t2.start + datetime.timedelta(days=5)
    room = ClassroomFactory(school=world.a.school, grade=Grade.P5, room=1)
    with scopes_disabled():
        s = [make_student(world.a.school, room, 7000 + n, n) for n in range(1, 10)]
        # s1 normal: a homeroom session in term 2 -> cared for.
        group(s[0], t2, "normal")
        activity(world, "homeroom", day2, s[0], s[4], s[8])
        # s2 normal: counselling (prevention) in term 2, a homeroom session only in term 1
        # -> not cared for.
        group(s[1], t2, "normal")
        activity(world, "counselling", day2, s[1])
        activity(world, "homeroom", day1, s[1])
        # s3 risk (screened in term 1 only: the group holds for term 2): helped by a buddy
        # -> cared for.
        group(s[2], t1, "risk")
        activity(world, "buddy", day2, pairs=[(s[0], s[2])])
        # s4 risk: a care plan in progress, no activity -> cared for.
        group(s[3], t2, "risk")
        plan(s[3], t1, t1.start, status="in_progress")
        # s5 risk: a homeroom session (promotion) and a plan closed before term 2 -> not.
        group(s[4], t2, "risk")
        plan(s[4], t1, t1.start, status="closed", closed_on=t1.end)
        # s6 problem: a plan opened in term 1, followed up in term 2 -> cared for.
        group(s[5], t2, "problem")
        plan(s[5], t1, t1.start, follow_ups=[day2])
        # s7 problem: a plan opened and followed up in term 1 only, counselling in term 2
        # -> not cared for.
        group(s[6], t2, "problem")
        plan(s[6], t1, t1.start, follow_ups=[day1])
        activity(world, "counselling", day2, s[6])
        # s8 risk and special: remedial teaching (prevention) only -> risk cared for, special
        # not (special calls for promotion).
        group(s[7], t2, "risk", special=True)
        activity(world, "remedial", day2, s[7])
        # s9 not screened, though in a homeroom session -> in no share.
    return room, s


EXPECTED = {
    "normal": (2, 1),  # s1 yes, s2 no
    "risk": (4, 3),  # s3, s4, s8 yes; s5 no
    "problem": (2, 1),  # s6 yes, s7 no
    "special": (1, 0),  # s8 no
}


def figures(coverage):
    return {g: (f.total, f.cared) for g, f in coverage.groups.items()}


def test_hand_made_classroom_matches_the_count_by_hand(world, terms, hand_made):
    room, s = hand_made
    with scopes_disabled():
        result = coverage_for_classroom(classroom=room, term=terms[1])
    assert figures(result.figures) == EXPECTED
    assert result.figures.groups["risk"].share == 75.0
    assert result.figures.groups["special"].share == 0.0
    # Overall: each screened student once, by level: s1 s3 s4 s6 s8 of the eight.
    assert (result.figures.overall.total, result.figures.overall.cared) == (8, 5)
    assert result.figures.overall.share == 62.5
    assert result.figures.not_screened == 1 and result.figures.students == 9
    names = {g["group"]: [r.student.pk for r in g["not_yet"]] for g in result.by_group()}
    assert names == {
        "normal": [s[1].pk],
        "risk": [s[4].pk],
        "problem": [s[6].pk],
        "special": [s[7].pk],
    }
    assert [r.student.pk for r in result.not_screened()] == [s[8].pk]


def test_term_1_of_the_same_classroom_counts_what_happened_in_term_1(world, terms, hand_made):
    room, s = hand_made
    with scopes_disabled():
        result = coverage_for_classroom(classroom=room, term=terms[0])
    # Only s3 has a group in term 1 (risk), and no prevention or plan in term 1: not cared for.
    # The others' groups are of term 2: not screened in term 1.
    assert figures(result.figures)["risk"] == (1, 0)
    assert result.figures.not_screened == 8


def test_school_totals_and_the_district_counts_agree(world, terms, hand_made):
    room, _s = hand_made
    with scopes_disabled():
        school = coverage_for_school(school=world.a.school, term=terms[1])
        counts = coverage_counts_for_schools(
            school_ids=[world.a.school.pk, world.b.school.pk], term=terms[1]
        )
    assert figures(school.totals) == EXPECTED
    assert figures(counts[world.a.school.pk]) == EXPECTED
    assert counts[world.a.school.pk].overall.cared == 5
    # world's two rooms per school hold one unscreened student each.
    assert counts[world.a.school.pk].not_screened == 3
    assert counts[world.b.school.pk].students == 2 and counts[world.b.school.pk].not_screened == 2
    rows = {c.classroom.pk: c for c in school.classrooms}
    assert figures(rows[room.pk].figures) == EXPECTED
    assert rows[world.a.classroom.pk].figures.students == 1
    not_yet = dict(school.not_yet_by_group())
    assert len(not_yet["normal"]) == 1 and len(not_yet["special"]) == 1


# --- referrals (helper referrals) ---
def test_a_referral_sent_in_the_term_counts_for_the_problem_group(world, terms):
    """Step 5: a referral (inside or outside) sent during the term is care for a problem-group
    student; one sent in another term is not."""
    from referrals.selectors import referred_student_ids
    from referrals.tests.factories import ReferralFactory

    t1, t2 = terms
    a = world.a
    with scopes_disabled():
        group(a.student, t2, "problem")
        group(a.other_student, t2, "problem")
        assert referred_student_ids(term=t2, school_ids=[a.school.pk]) == set()
        for student, day in ((a.student, t2.start), (a.other_student, t1.start)):
            ReferralFactory(student=student, sent_on=day, answer_due=day)
        assert referred_student_ids(term=t2, school_ids=[a.school.pk]) == {a.student.pk}
        school = coverage_for_school(school=a.school, term=t2)
        counts = coverage_counts_for_schools(school_ids=[a.school.pk], term=t2)
    assert figures(school.totals)["problem"] == (2, 1)
    assert figures(counts[a.school.pk])["problem"] == (2, 1)
    rows = {r.student.pk: r for c in school.classrooms for r in c.rows}
    assert rows[a.student.pk].referred and not rows[a.other_student.pk].referred


# --- end referrals ---


def _fill(world, term, n, start):
    room = ClassroomFactory(school=world.a.school, grade=Grade.P6, room=start // 100)
    for i in range(1, n + 1):
        student = make_student(world.a.school, room, start + i, i)
        group(student, term, ["normal", "risk", "problem"][i % 3], special=i % 5 == 0)
        if i % 2:
            activity(world, "homeroom", term.start, student)
    return room


def test_queries_do_not_grow_with_students_rooms_or_schools(world, terms):
    t2 = terms[1]
    with scopes_disabled():
        small = _fill(world, t2, 3, 8100)
        large = _fill(world, t2, 30, 8200)
        with CaptureQueriesContext(connection) as q_small:
            coverage_for_classroom(classroom=small, term=t2)
        with CaptureQueriesContext(connection) as q_large:
            coverage_for_classroom(classroom=large, term=t2)
        assert len(q_small) == len(q_large) == 1  # one row per student with EXISTS columns
        with CaptureQueriesContext(connection) as q_school:
            coverage_for_school(school=world.a.school, term=t2)
        assert len(q_school) == 2  # the classrooms; every student's row
        with CaptureQueriesContext(connection) as q_counts:
            result = coverage_counts_for_schools(
                school_ids=[world.a.school.pk, world.b.school.pk], term=t2
            )
        assert len(q_counts) == 1  # counted in the database, grouped by school
    assert result[world.a.school.pk].students == 35


# --- pages --------------------------------------------------------------------------------------
def classroom_url(world, room, term):
    url = reverse(
        "care:coverage_classroom",
        kwargs={"school_code": world.a.school.code, "classroom_id": room.pk},
    )
    return f"{url}?term={term.academic_year.year}-{term.number}"


def school_url(world, term):
    url = reverse("care:coverage_school", kwargs={"school_code": world.a.school.code})
    return f"{url}?term={term.academic_year.year}-{term.number}"


def test_classroom_page_lists_who_is_cared_for_and_who_not_yet(world, terms, hand_made, login):
    room, s = hand_made
    client = login(world.a.users["counsellor"])
    response = client.get(classroom_url(world, room, terms[1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What counts as cared for" in html  # the definition is on the page
    assert "at least one promotion activity this term" in html
    normal = html.split('data-group="normal"')[2]  # the group's section (after the table row)
    not_yet, cared = normal.split('class="list-unstyled mb-0 cared"', 1)
    assert s[1].first_name in not_yet and s[0].first_name in cared
    assert s[8].first_name in html.split("not-screened")[1]
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, object_type="classroom", object_id=str(room.pk)
        ).exists()


def test_homeroom_teacher_sees_only_own_rooms_on_the_school_page(world, terms, hand_made, login):
    room, s = hand_made
    client = login(world.a.users["homeroom"])
    response = client.get(school_url(world, terms[1]))
    assert response.status_code == 200
    rooms = [c.classroom.pk for c in response.context["coverage"].classrooms]
    assert rooms == [world.a.classroom.pk]
    assert s[1].first_name not in response.content.decode()
    # The coordinator sees every room, and the students not yet cared for.
    client = login(world.a.users["coordinator"])
    response = client.get(school_url(world, terms[1]))
    assert len(response.context["coverage"].classrooms) == 3
    assert s[6].first_name in response.content.decode()


def test_school_page_forbidden_without_students_and_404_elsewhere(world, terms, login):
    assert login(world.a.users["nurse"]).get(school_url(world, terms[1])).status_code == 403
    assert login(world.b.users["coordinator"]).get(school_url(world, terms[1])).status_code == 404
    client = login(world.a.users["homeroom_other"])
    assert client.get(classroom_url(world, world.a.classroom, terms[1])).status_code == 403


def test_school_page_query_count_is_pinned(world, terms, login, django_assert_num_queries):
    with scopes_disabled():
        _fill(world, terms[1], 12, 8300)
        _fill(world, terms[1], 25, 8400)
    client = login(world.a.users["director"])
    url = school_url(world, terms[1])
    client.get(url)  # warm the session
    # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 the term asked for,
    # 7 the terms to choose from, 8 the classrooms, 9 every student's row with EXISTS columns,
    # 10 the audit event.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_classroom_page_query_count_is_pinned(world, terms, login, django_assert_num_queries):
    with scopes_disabled():
        room = _fill(world, terms[1], 30, 8500)
    client = login(world.a.users["coordinator"])
    url = classroom_url(world, room, terms[1])
    client.get(url)
    # 1 session, 2 user, 3 school, 4 memberships, 5 academic year, 6 classroom, 7 the terms of
    # its year, 8 the term asked for, 9 every student's row, 10 the audit event.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
