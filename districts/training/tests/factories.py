"""Training courses for the tests."""

from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from districts.training import services


def make_course(side, *, school=None, users=(), others=(), day=None, hours=Decimal(6), **extra):
    """A course of the side's district (``school`` None) or of ``school``, attended by ``users``
    (keys of ``side.users``, staff of the side's school) and ``others`` (names typed)."""
    day = day or timezone.localdate()
    with scopes_disabled():
        memberships = side.school.memberships.filter(user__in=[side.users[u] for u in users])
        return services.course_create(
            district=side.district,
            school=school,
            title=extra.pop("title", "อบรมการคัดกรองนักเรียนด้วยแบบประเมิน SDQ"),
            provider=extra.pop("provider", "สำนักงานเขตพื้นที่การศึกษา"),
            starts_on=day,
            ends_on=day,
            hours=hours,
            memberships=memberships,
            others=others,
            user=side.users["district_supervisor"],
            **extra,
        )
