"""Factories for referrals."""

import datetime

import factory
from django.utils import timezone

from carecore.tests.factories import ScopedFactory, UserFactory
from referrals.models import Referral
from students.tests.factories import StudentFactory


class ReferralFactory(ScopedFactory):
    """An internal referral to the counsellor, sent today, answer due in three days, at the
    student's school, sent by a new user (pass sender= for the world's teacher)."""

    class Meta:
        model = Referral

    student = factory.SubFactory(StudentFactory)
    school = factory.SelfAttribute("student.school")
    kind = Referral.Kind.INTERNAL
    sender = factory.SubFactory(UserFactory)
    to_role = Referral.ToRole.COUNSELLOR
    reason = "r"
    request = "q"
    sent_on = factory.LazyFunction(timezone.localdate)
    answer_due = factory.LazyAttribute(lambda r: r.sent_on + datetime.timedelta(days=3))
