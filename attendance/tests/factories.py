"""Helpers for attendance tests: a classroom of many students, a school week."""

import datetime

from django_scopes import scopes_disabled

from conftest import make_student


def fill_classroom(side, count: int, start: int = 7000) -> list:
    """``count`` more students in ``side``'s classroom (numbers after the first student)."""
    with scopes_disabled():
        return [
            make_student(side.school, side.classroom, start + i, number=i + 2) for i in range(count)
        ]


def last_weekdays(n: int, upto: datetime.date) -> list[datetime.date]:
    """The last ``n`` weekdays up to ``upto`` (included), oldest first."""
    days, day = [], upto
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= datetime.timedelta(days=1)
    return sorted(days)
