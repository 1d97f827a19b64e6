"""Factories for care plans."""

import factory
from django.utils import timezone

from care.models import CarePlan
from carecore.tests.factories import ScopedFactory, UserFactory
from schools.tests.factories import this_term
from students.tests.factories import StudentFactory


class CarePlanFactory(ScopedFactory):
    """An open care plan of the current term, at the student's school."""

    class Meta:
        model = CarePlan

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    term = factory.LazyFunction(this_term)
    opened_on = factory.LazyFunction(timezone.localdate)
    problem = "ขาดเรียนบ่อย"
    goals = "มาเรียนสม่ำเสมอ"
    opened_by = factory.SubFactory(UserFactory)
