"""Factories for students, their enrolments and guardians."""

import factory
from django.utils import timezone

from carecore.tests.factories import ScopedFactory
from conftest import make_national_id
from schools.tests.factories import ClassroomFactory, SchoolFactory
from students.models import Enrolment, Guardian, Student


class EnrolmentFactory(ScopedFactory):
    """A student in a room of this year, at the room's school, under a class number of its own."""

    class Meta:
        model = Enrolment

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(
        "students.tests.factories.StudentFactory",
        school=factory.SelfAttribute("..classroom.school"),
    )
    academic_year = factory.SelfAttribute("classroom.academic_year")
    number = factory.Sequence(lambda n: 100 + n)  # clear of the world's class numbers


class StudentFactory(ScopedFactory):
    """A boy born in 2015 with a valid national ID; ``classroom=`` enrols him there too (and
    makes the classroom's school his)."""

    class Meta:
        model = Student
        skip_postgeneration_save = True

    class Params:
        n = factory.Sequence(lambda n: 700000 + n)  # clear of the world's and the tests' numbers
        classroom = None

    school = factory.LazyAttribute(
        lambda s: s.classroom.school if s.classroom is not None else SchoolFactory()
    )
    student_code = factory.LazyAttribute(lambda s: f"{s.n:06d}")
    national_id = factory.LazyAttribute(lambda s: make_national_id(s.n))
    prefix = Student.Prefix.BOY
    first_name = factory.LazyAttribute(lambda s: f"นักเรียน{s.n}")
    last_name = "ทดสอบ"
    gender = Student.Gender.MALE
    birth_date = factory.LazyFunction(lambda: timezone.localdate().replace(year=2015))
    enrolment = factory.Maybe(
        "classroom",
        yes_declaration=factory.RelatedFactory(
            EnrolmentFactory,
            factory_related_name="student",
            classroom=factory.SelfAttribute("..classroom"),
        ),
    )


class GuardianFactory(ScopedFactory):
    class Meta:
        model = Guardian

    student = factory.SubFactory(StudentFactory)
    first_name = "สมศรี"
    last_name = factory.SelfAttribute("student.last_name")
    relation = Guardian.Relation.MOTHER
    is_primary = True
