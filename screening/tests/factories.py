"""Factories for screening results. Scores and bands come from the services
(screening.services.sdq_response_save); a factory row holds only what a test sets."""

import factory

from carecore.tests.factories import ScopedFactory
from schools.tests.factories import this_term
from screening.models import SdqResponse
from screening.tests.helpers import calm_answers
from students.tests.factories import StudentFactory


class SdqResponseFactory(ScopedFactory):
    """A teacher's complete SDQ form (calm answers) entered on the form, for the current term."""

    class Meta:
        model = SdqResponse

    student = factory.SubFactory(StudentFactory)
    term = factory.LazyFunction(this_term)
    rater = "teacher"
    status = "complete"
    source = "form"
    answers = factory.LazyFunction(calm_answers)
