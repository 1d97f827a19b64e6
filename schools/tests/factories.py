"""Factories for schools and their classrooms."""

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.tests.factories import ScopedFactory
from districts.tests.factories import DistrictFactory
from schools.models import AcademicYear, Classroom, Grade, School, Term
from schools.selectors import current_term
from schools.services import academic_year_create


def current_academic_year() -> AcademicYear:
    """This year's academic year with its two terms (the world fixture's, when there is one)."""
    year = AcademicYear.be_year_for(timezone.localdate())
    with scopes_disabled():
        return AcademicYear.objects.filter(year=year).first() or academic_year_create(year=year)


def this_term() -> Term:
    """Today's term (between terms, the latest started), its academic year made if need be."""
    current_academic_year()
    with scopes_disabled():
        return current_term()


class SchoolFactory(ScopedFactory):
    """A school of a new district (pass district=, and network= if it has one)."""

    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"{1040100000 + n:010d}")  # 10 digits, as OBEC codes
    name = factory.Sequence(lambda n: f"โรงเรียนทดสอบ {n}")
    district = factory.SubFactory(DistrictFactory)
    network = None


class ClassroomFactory(ScopedFactory):
    """A room of this year; rooms of one grade at one school are numbered 1, 2, 3…"""

    class Meta:
        model = Classroom

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyFunction(current_academic_year)
    grade = Grade.P4
    room = factory.Sequence(lambda n: 10 + n)
