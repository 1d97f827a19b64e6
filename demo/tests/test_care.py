"""The demo's care (demo/care.py): realistic, uneven coverage, and teacher1's room keeps a
student with problems without a care plan for the browser journey."""

import datetime

import pytest
from django_scopes import scopes_disabled

from care.coverage import Coverage, coverage_counts_for_schools, coverage_for_school
from care.models import Activity, CarePlan
from demo.world import demo_build
from schools.models import Classroom, Term


@pytest.mark.django_db
def test_demo_care_is_realistic_and_uneven():
    today = datetime.date(2025, 11, 20)  # term 2 of 2568 has begun
    result = demo_build(schools=3, students=600, today=today)
    with scopes_disabled():
        term2 = Term.objects.get(academic_year=result.academic_year, number=2)
        assert Activity.objects.filter(term__number=1).exists()
        assert Activity.objects.filter(term=term2).exists()
        assert not Activity.objects.filter(date__gt=today).exists()
        schools = list(result.district.schools.all())
        counts = coverage_counts_for_schools(school_ids=[s.pk for s in schools], term=term2)
        total = Coverage()
        for coverage in counts.values():
            total.merge(coverage)
        assert 90 <= total.overall.share < 100
        assert total.groups["risk"].total and total.groups["problem"].total
        rooms = [
            c.figures.overall.share
            for s in schools
            for c in coverage_for_school(school=s, term=term2).classrooms
            if c.figures.overall.total
        ]
        assert len(set(rooms)) > 2  # uneven between classrooms

        room = Classroom.objects.get(assignments__teacher__username="teacher1")
        rows = coverage_for_school(school=room.school, term=term2, classroom_ids=[room.pk])
        problem = [r for r in rows.classrooms[0].rows if r.level == "problem"]
        planned = set(CarePlan.objects.values_list("student_id", flat=True))
        assert any(r.student.pk not in planned for r in problem)


def test_demo_gives_teacher1_a_student_with_problems_when_screening_did_not(world):
    import random

    from demo.care import seed_care
    from screening.models import CareGroup, CareGroupChange

    teacher = world.a.users["homeroom"]
    teacher.username = "teacher1"
    teacher.save()
    with scopes_disabled():
        term1 = Term.objects.get(academic_year=world.year, number=1)
        CareGroup.objects.create(
            student=world.a.student,
            term=term1,
            school=world.a.school,
            derived_level="risk",
            level="risk",
        )
        seed_care(
            academic_year=world.year,
            rng=random.Random(1),
            recorders={world.a.classroom.pk: teacher.pk},
            today=term1.start + datetime.timedelta(days=20),
        )
        group = CareGroup.objects.get(student=world.a.student)
        assert (group.level, group.derived_level, group.override_level) == (
            "problem",
            "risk",
            "problem",
        )
        assert CareGroupChange.objects.filter(group=group, to_level="problem").exists()
        assert not CarePlan.objects.filter(student=world.a.student).exists()
