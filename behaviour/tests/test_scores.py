"""The conduct score rule, the default categories, recording and cancelling incidents, giving
points back, the parents told, and the summaries' fixed query counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from behaviour import selectors, services
from behaviour.defaults import DEFAULT_CATEGORIES
from behaviour.models import Category, Incident, Kind
from behaviour.selectors import Conduct, conduct_score
from behaviour.tests.factories import CategoryFactory, CorrectionFactory, IncidentFactory
from carecore.models import Notification
from students.tests.factories import StudentFactory


def test_score_rule():
    assert conduct_score(deducted=0, added=0, restored=0) == 100
    assert conduct_score(deducted=30, added=0, restored=0) == 70
    # Correction activities give back at most what was taken off.
    assert conduct_score(deducted=30, added=0, restored=50) == 100
    assert conduct_score(deducted=30, added=0, restored=10) == 80
    # Good deeds add, even above 100.
    assert conduct_score(deducted=0, added=10, restored=0) == 110
    assert conduct_score(deducted=10, added=5, restored=20) == 105
    # Never below zero.
    assert conduct_score(deducted=150, added=0, restored=0) == 0
    assert Conduct(deducted=30, restored=10).restorable == 20
    assert Conduct(deducted=70).band == "low"
    assert Conduct(deducted=25).band == "watch"
    assert Conduct(deducted=20).band == "good"


@pytest.mark.django_db
def test_sql_score_matches_the_rule(world):
    student = world.a.student
    bad = CategoryFactory(school=world.a.school, points=30)
    good = CategoryFactory(school=world.a.school, kind=Kind.GOOD, points=5)
    IncidentFactory(student=student, category=bad)
    IncidentFactory(student=student, category=bad)
    IncidentFactory(student=student, category=good)
    cancelled = IncidentFactory(student=student, category=bad)
    with scopes_disabled():
        Incident.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    CorrectionFactory(student=student, points=15)
    # Another year's incident does not count this year.
    with scope(school=world.a.school.pk):
        conduct = selectors.student_conduct(student, world.year)
        assert (conduct.deducted, conduct.added, conduct.restored) == (60, 5, 15)
        assert conduct.score == 100 - 60 + 15 + 5 == 60
        rows = selectors.classroom_summary(classroom=world.a.classroom, see_sensitive=True)
    assert [(r.student, r.score, r.bad_count, r.good_count) for r in rows] == [(student, 60, 2, 1)]


@pytest.mark.django_db
def test_defaults_seeded_once_per_school(world):
    with scope(school=world.a.school.pk):
        first = services.school_categories(world.a.school)
        again = services.school_categories(world.a.school)
    assert [c.pk for c in first] == [c.pk for c in again]
    names = {c.name for c in first}
    assert {"มาสาย", "แต่งกายผิดระเบียบ", "ทะเลาะวิวาท", "จิตอาสา"} <= names
    assert len(first) == len(DEFAULT_CATEGORIES)
    fight = next(c for c in first if c.name == "ทะเลาะวิวาท")
    assert fight.sensitive and not fight.tell_parent
    # Every sensitive default is kept from the parents' pages.
    assert not [c for c in first if c.sensitive and c.tell_parent]
    with scopes_disabled():
        assert not Category.objects.filter(school=world.b.school).exists()


@pytest.mark.django_db
def test_sensitive_category_cannot_tell_the_parent(world):
    with scope(school=world.a.school.pk), pytest.raises(ValidationError) as error:
        services.category_save(
            school=world.a.school,
            data={"name": "x", "kind": "bad", "points": 5, "sensitive": True, "tell_parent": True},
            user=world.a.users["discipline"],
        )
    assert "tell_parent" in error.value.message_dict


@pytest.mark.django_db
def test_incident_takes_the_category_points_and_year(world, term):
    category = CategoryFactory(school=world.a.school, points=20)
    with scope(school=world.a.school.pk):
        incident = services.incident_record(
            student=world.a.student,
            category=category,
            date=timezone.localdate(),
            description="  ทดสอบ ",
            user=world.a.users["nurse"],
        )
        category.points = 5
        category.save()
        assert incident.points == 20
        assert incident.academic_year == world.year
        assert incident.classroom == world.a.classroom
        assert incident.description == "ทดสอบ"
        assert selectors.student_conduct(world.a.student, world.year).score == 80


@pytest.mark.django_db
def test_incident_refuses_future_and_other_school_category(world):
    mine = CategoryFactory(school=world.a.school)
    theirs = CategoryFactory(school=world.b.school)
    with scope(school=world.a.school.pk):
        with pytest.raises(ValidationError) as error:
            services.incident_record(
                student=world.a.student,
                category=mine,
                date=timezone.localdate() + datetime.timedelta(days=1),
                user=world.a.users["homeroom"],
            )
        assert "date" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.incident_record(
                student=world.a.student,
                category=theirs,
                date=timezone.localdate(),
                user=world.a.users["homeroom"],
            )
        assert "category" in error.value.message_dict


@pytest.mark.django_db
def test_cancelled_incident_counts_for_nothing(world):
    incident = IncidentFactory(student=world.a.student, category__school=world.a.school)
    with scope(school=world.a.school.pk):
        assert selectors.student_conduct(world.a.student, world.year).score == 90
        services.incident_cancel(
            incident=incident, reason="บันทึกผิดคน", user=world.a.users["discipline"]
        )
        assert selectors.student_conduct(world.a.student, world.year).score == 100
        with pytest.raises(ValidationError):
            services.incident_cancel(
                incident=incident, reason="again", user=world.a.users["discipline"]
            )


@pytest.mark.django_db
def test_correction_gives_back_at_most_what_was_taken(world):
    student = world.a.student
    user = world.a.users["discipline"]
    today = timezone.localdate()
    with scope(school=world.a.school.pk):
        with pytest.raises(ValidationError):  # nothing taken off yet
            services.correction_record(
                student=student, date=today, activity="เก็บขยะ", points=5, user=user
            )
        IncidentFactory(student=student, category__school=world.a.school, category__points=20)
        with pytest.raises(ValidationError) as error:
            services.correction_record(
                student=student, date=today, activity="เก็บขยะ", points=25, user=user
            )
        assert "points" in error.value.message_dict
        correction = services.correction_record(
            student=student, date=today, activity="เก็บขยะ", points=15, user=user
        )
        assert correction.approved_by == user
        conduct = selectors.student_conduct(student, world.year)
        assert (conduct.score, conduct.restorable) == (95, 5)


@pytest.mark.django_db
def test_parents_told_only_when_the_category_says_so(world):
    """The notice names neither the child nor the problem; a sensitive incident is never sent."""
    from carecore.models import User
    from students.family_models import GuardianLink

    mother = User.objects.create(username="mother")
    GuardianLink.objects.create(user=mother, student=world.a.student)
    told = CategoryFactory(school=world.a.school, name="หนีเรียน", tell_parent=True)
    quiet = CategoryFactory(school=world.a.school, name="มาสาย", tell_parent=False)
    with scope(school=world.a.school.pk):
        record = dict(
            student=world.a.student, date=timezone.localdate(), user=world.a.users["homeroom"]
        )
        first = services.incident_record(category=told, **record)
        second = services.incident_record(category=quiet, **record)
    notes = list(Notification.objects.filter(user=mother))
    assert [n.kind for n in notes] == [Notification.Kind.FAMILY_BEHAVIOUR]
    # It leads to the child's behaviour page in the parents' portal.
    assert notes[0].url == reverse(
        "portal:child_behaviour", kwargs={"student_id": world.a.student.pk}
    )
    assert world.a.student.first_name not in notes[0].url + notes[0].place
    assert "หนีเรียน" not in notes[0].url + notes[0].place
    assert first.parent_told_at is not None and second.parent_told_at is None


@pytest.mark.django_db
def test_parent_notices_leave_out_sensitive_and_untold(world):
    student = world.a.student
    told = IncidentFactory(
        student=student, category__school=world.a.school, category__tell_parent=True
    )
    IncidentFactory(student=student, category__school=world.a.school, category__tell_parent=False)
    IncidentFactory(student=student, category__school=world.a.school, category__sensitive=True)
    with scope(school=world.a.school.pk):
        assert list(selectors.parent_notices(student, world.year)) == [told]


@pytest.mark.django_db
def test_summaries_run_a_fixed_number_of_queries(world):
    """The classroom list is one query, the school's summary two, the rolled-up figures two,
    the monthly trend one, whatever the number of students and incidents."""

    def counts():
        with scope(school=[world.a.school.pk, world.b.school.pk]):
            result = []
            for call in (
                lambda: selectors.classroom_summary(
                    classroom=world.a.classroom, see_sensitive=False
                ),
                lambda: selectors.school_summary(
                    school=world.a.school, academic_year=world.year, see_sensitive=False
                ),
                lambda: selectors.schools_figures(
                    school_ids=[world.a.school.pk, world.b.school.pk], academic_year=world.year
                ),
                lambda: selectors.monthly_counts(school=world.a.school, academic_year=world.year),
            ):
                with CaptureQueriesContext(connection) as queries:
                    call()
                result.append(len(queries))
            return result

    assert counts() == [1, 2, 2, 1]
    for _ in range(5):
        student = StudentFactory(classroom=world.a.classroom)
        IncidentFactory(student=student, category__school=world.a.school, category__points=50)
        IncidentFactory(student=student, category__school=world.a.school, category__sensitive=True)
    assert counts() == [1, 2, 2, 1]
    with scope(school=[world.a.school.pk]):
        summary = selectors.school_summary(
            school=world.a.school, academic_year=world.year, see_sensitive=False
        )
        figures = selectors.schools_figures(
            school_ids=[world.a.school.pk], academic_year=world.year
        )
    # 5 students under 60 (50 + 10 off each); the sensitive ones are not counted for this user.
    assert (summary.total.students, summary.total.low, summary.total.bad) == (7, 5, 5)
    assert figures[world.a.school.pk] == {"bad": 10, "good": 0, "low": 5}
    assert not [c for c, _n in summary.categories if c.sensitive]
