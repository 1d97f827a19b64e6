"""Set-up shared by the portal's tests and its browser journey."""

from __future__ import annotations

from django_scopes import scopes_disabled

from attendance.services import roll_save
from attendance.tests.factories import last_school_day
from behaviour.services import incident_record
from behaviour.tests.factories import CategoryFactory


def absence_and_notice(world, category_name: str, points: int = 5):
    """School A's student absent on the latest school day, and a behaviour notice (a category
    told to the parent) that day, both recorded by the homeroom teacher. Returns the day."""
    a = world.a
    day = last_school_day(world.year)
    with scopes_disabled():
        roll_save(
            classroom=a.classroom,
            day=day,
            marks={a.student.pk: ("absent", "")},
            user=a.users["homeroom"],
        )
        category = CategoryFactory(school=a.school, name=category_name, points=points)
        incident_record(student=a.student, category=category, date=day, user=a.users["homeroom"])
    return day
