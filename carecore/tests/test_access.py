"""The access layer itself: scopes as a safety net, and who sees which students."""

import pytest
from django.test import RequestFactory
from django_scopes import ScopeError, scope, scopes_disabled

from carecore.access import Access, Perm
from carecore.models import Membership, Role
from students.access import students_for_user
from students.models import Student


@pytest.mark.django_db
class TestScopes:
    def test_query_without_a_school_scope_raises(self, world):
        with pytest.raises(ScopeError):
            list(Student.objects.all())

    def test_scope_hides_other_schools_even_without_a_filter(self, world):
        with scope(school=world.a.school.pk):
            names = set(Student.objects.values_list("first_name", flat=True))
        assert world.a.student.first_name in names
        assert world.b.student.first_name not in names

    def test_scope_over_several_schools(self, world):
        with scope(school=[world.a.school.pk, world.b.school.pk]):
            assert Student.objects.count() == 4


def request_for(user, school, academic_year):
    request = RequestFactory().get("/")
    request.user = user
    request.school = school
    request.schoolperms = Access(user).school_perms(school)
    request.academic_year = academic_year
    return request


def visible(world, user, school):
    request = request_for(user, school, world.year)
    with scope(school=school.pk):
        return set(students_for_user(request).values_list("pk", flat=True))


@pytest.mark.django_db
class TestStudentVisibility:
    def test_homeroom_teacher_sees_only_their_classroom(self, world):
        a = world.a
        assert visible(world, a.users["homeroom"], a.school) == {a.student.pk}
        assert visible(world, a.users["homeroom_other"], a.school) == {a.other_student.pk}

    @pytest.mark.parametrize("key", ["counsellor", "coordinator", "director"])
    def test_school_wide_roles_see_every_student(self, world, key):
        a = world.a
        assert visible(world, a.users[key], a.school) == {a.student.pk, a.other_student.pk}

    @pytest.mark.parametrize(
        "key", ["discipline", "nurse", "network", "district_supervisor", "district_admin"]
    )
    def test_roles_without_student_access_see_none(self, world, key):
        assert visible(world, world.a.users[key], world.a.school) == set()

    def test_last_years_classroom_does_not_count(self, world):
        from schools.models import AcademicYear, Classroom, HomeroomAssignment
        from schools.services import academic_year_create

        a = world.a
        with scopes_disabled():
            last = academic_year_create(year=world.year.year - 1)
            old_room = Classroom.objects.create(
                school=a.school, academic_year=last, grade=3, room=1
            )
            HomeroomAssignment.objects.create(classroom=old_room, teacher=a.users["homeroom_other"])
            from students.models import Enrolment

            Enrolment.objects.create(
                student=a.student, classroom=old_room, academic_year=last, number=1
            )
        # homeroom_other taught a.student last year: not visible this year.
        assert a.student.pk not in visible(world, a.users["homeroom_other"], a.school)
        assert AcademicYear.objects.count() == 2

    def test_homeroom_role_removed_means_assignment_no_longer_counts(self, world):
        a = world.a
        Membership.objects.filter(user=a.users["homeroom"], role=Role.HOMEROOM).delete()
        assert visible(world, a.users["homeroom"], a.school) == set()


@pytest.mark.django_db
class TestPermissionSets:
    def test_several_roles_add_up(self, world):
        a = world.a
        user = a.users["nurse"]
        Membership.objects.create(user=user, role=Role.COORDINATOR, school=a.school)
        perms = Access(user).school_perms(a.school)
        assert Perm.MANAGE_STAFF in perms and Perm.VIEW_ALL_STUDENTS in perms

    def test_roles_at_one_school_give_nothing_at_another(self, world):
        assert Access(world.a.users["coordinator"]).school_perms(world.b.school) == frozenset()

    def test_network_supervisor_covers_only_their_networks_schools(self, world):
        access = Access(world.a.users["network"])
        assert Perm.VIEW_AGGREGATES in access.school_perms(world.a.school)
        assert access.school_perms(world.b.school) == frozenset()
        assert access.district_perms(world.a.district) == frozenset()

    def test_inactive_user_has_no_access(self, world):
        user = world.a.users["coordinator"]
        user.is_active = False
        user.save()
        assert Access(user).school_perms(world.a.school) == frozenset()
