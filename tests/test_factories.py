"""The test factories build valid rows, and keep related rows in one school."""

import pytest
from django_scopes import scopes_disabled

from care.tests.factories import CarePlanFactory
from carecore.tests.factories import MembershipFactory, UserFactory
from conftest import PASSWORD
from referrals.tests.factories import ReferralFactory
from schools.tests.factories import ClassroomFactory, SchoolFactory
from screening.tests.factories import SdqResponseFactory
from students.tests.factories import EnrolmentFactory, GuardianFactory, StudentFactory
from visits.tests.factories import HomeVisitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        UserFactory,
        MembershipFactory,
        SchoolFactory,
        ClassroomFactory,
        StudentFactory,
        EnrolmentFactory,
        GuardianFactory,
        HomeVisitFactory,
        SdqResponseFactory,
        CarePlanFactory,
        ReferralFactory,
    ],
)
def test_rows_pass_the_models_validation(factory):
    row = factory()
    with scopes_disabled():
        row.full_clean()


def test_a_user_signs_in_with_the_test_password(client):
    user = UserFactory()
    assert client.login(username=user.username, password=PASSWORD)


def test_a_student_in_a_classroom_is_enrolled_there_at_its_school():
    room = ClassroomFactory()
    student = StudentFactory(classroom=room)
    with scopes_disabled():
        enrolment = student.enrolments.get()
    assert student.school == room.school
    assert (enrolment.classroom, enrolment.academic_year) == (room, room.academic_year)


def test_related_rows_take_the_students_school(world):
    student = world.a.student
    for row in (
        HomeVisitFactory(student=student),
        CarePlanFactory(student=student),
        ReferralFactory(student=student),
    ):
        assert row.school == world.a.school
    assert EnrolmentFactory(classroom=world.b.classroom).student.school == world.b.school
