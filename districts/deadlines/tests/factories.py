"""Factories for the district's deadlines."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from carecore.tests.factories import ScopedFactory
from districts.deadlines.models import Completion, Deadline
from districts.tests.factories import DistrictFactory


class DeadlineFactory(DjangoModelFactory):
    """A report of every school of a new district, open since a week, due in a week."""

    class Meta:
        model = Deadline

    district = factory.SubFactory(DistrictFactory)
    kind = "report"
    title = factory.Sequence(lambda n: f"รายงานผลการดำเนินงาน {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    target_percent = factory.LazyAttribute(
        lambda d: 100 if d.kind in ("screening", "home_visits") else None
    )


class CompletionFactory(ScopedFactory):
    """A school's mark of done, today."""

    class Meta:
        model = Completion

    deadline = factory.SubFactory(DeadlineFactory)
    source = "marked"
    done_on = factory.LazyFunction(timezone.localdate)
