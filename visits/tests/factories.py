"""Factories for home visits."""

import factory
from django.utils import timezone

from carecore.tests.factories import ScopedFactory, UserFactory
from schools.tests.factories import current_academic_year
from students.tests.factories import StudentFactory
from visits.models import HomeVisit


class HomeVisitFactory(ScopedFactory):
    """A home visit done today by the homeroom teacher, at the student's school."""

    class Meta:
        model = HomeVisit

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    academic_year = factory.LazyFunction(current_academic_year)
    status = HomeVisit.Status.DONE
    date = factory.LazyFunction(timezone.localdate)
    visitors = "ครูประจำชั้น"
    recorded_by = factory.SubFactory(UserFactory)
    updated_by = factory.SelfAttribute("recorded_by")
