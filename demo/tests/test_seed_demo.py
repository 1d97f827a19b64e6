import pytest
from django.core.management import call_command
from django.db import transaction
from django_scopes import scopes_disabled

from carecore.models import Membership, Role, User
from carecore.national_id import is_valid_national_id
from demo.world import DEFAULT_PASSWORD, demo_build
from students.models import Enrolment, Student


def snapshot():
    with scopes_disabled():
        return [
            (s.student_code, s.national_id, s.first_name, s.last_name, s.birth_date)
            for s in Student.objects.order_by("school__code", "student_code")
        ]


@pytest.mark.django_db
def test_same_options_give_the_same_data():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo_build(schools=3, students=150, seed=7)
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert len(runs[0]) >= 140


@pytest.mark.django_db
def test_demo_accounts_and_data(client, capsys):
    call_command("seed_demo", "--schools", "4", "--students", "200")
    out = capsys.readouterr().out
    for username in ("teacher1", "teacher2", "coordinator1", "director1", "counsellor1"):
        assert username in out
        assert client.login(username=username, password=DEFAULT_PASSWORD)
    for username in ("network1", "district1", "districtadmin1", "parent1", "student1"):
        assert client.login(username=username, password=DEFAULT_PASSWORD)

    def school_of(username, role):
        return Membership.objects.get(user__username=username, role=role).school

    school1 = school_of("coordinator1", Role.COORDINATOR)
    assert school_of("teacher1", Role.HOMEROOM) == school1
    assert school_of("director1", Role.DIRECTOR) == school1
    assert school_of("counsellor1", Role.COUNSELLOR) == school1
    assert school_of("teacher2", Role.HOMEROOM) != school1
    assert Membership.objects.get(user__username="network1").network == school1.network

    with scopes_disabled():
        students = list(Student.objects.all())
        assert 180 <= len(students) <= 220
        assert all(is_valid_national_id(s.national_id) for s in students)
        # Every student is in exactly one classroom this year, numbered 1..n in each room.
        assert Enrolment.objects.count() == len(students)
        teacher1 = User.objects.get(username="teacher1")
        room = teacher1.homeroom_assignments.get().classroom
        numbers = list(room.enrolments.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))

    # Running it again leaves the data alone.
    call_command("seed_demo", "--schools", "4", "--students", "200")
    with scopes_disabled():
        assert Student.objects.count() == len(students)
