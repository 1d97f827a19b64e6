"""Helpers for attendance tests: a classroom of many students, a school week."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from conftest import make_student


def fill_classroom(side, count: int, start: int = 7000) -> list:
    """``count`` more students in ``side``'s classroom (numbers after the first student)."""
    with scopes_disabled():
        return [
            make_student(side.school, side.classroom, start + i, number=i + 2) for i in range(count)
        ]


def weekdays_from(start: datetime.date, n: int) -> list[datetime.date]:
    """The first ``n`` weekdays from ``start`` (included)."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def last_school_day(year) -> datetime.date:
    """The latest weekday up to today in ``year`` (a roll can be taken on it)."""
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    assert day >= year.start
    return day
