"""Factories for behaviour: categories, incidents and correction activities."""

import factory
from django.utils import timezone

from behaviour.models import Category, Correction, Incident, Kind
from carecore.tests.factories import ScopedFactory
from schools.tests.factories import current_academic_year
from students.tests.factories import StudentFactory


class CategoryFactory(ScopedFactory):
    """A misconduct category of 10 points, told to the parent."""

    class Meta:
        model = Category

    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    name = factory.Sequence(lambda n: f"หมวด{n}")
    kind = Kind.BAD
    points = 10
    sensitive = False
    tell_parent = factory.LazyAttribute(lambda c: not c.sensitive)


class IncidentFactory(ScopedFactory):
    """An incident today, in a category of the student's school, with the category's points."""

    class Meta:
        model = Incident

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    category = factory.SubFactory(CategoryFactory, school=factory.SelfAttribute("..school"))
    academic_year = factory.LazyFunction(current_academic_year)
    kind = factory.SelfAttribute("category.kind")
    points = factory.SelfAttribute("category.points")
    date = factory.LazyFunction(timezone.localdate)


class CorrectionFactory(ScopedFactory):
    class Meta:
        model = Correction

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    academic_year = factory.LazyFunction(current_academic_year)
    date = factory.LazyFunction(timezone.localdate)
    activity = "ทำความสะอาดห้องเรียน"
    points = 5
