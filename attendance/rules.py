"""The rules of attendance (docs/attendance.md), as plain functions over dates and statuses.

- Teaching days: the term's weekdays (Monday to Friday) minus the school's days without school.
- A teaching day on which the student has no mark counts as attended: present is the default and
  the roll records it so; a day whose roll was never taken is shown as "no roll" but is not held
  against the child.
- Class time missed: absent, sick leave and personal leave (the Basic Education Core Curriculum's
  80 % is of class time, whatever the reason); late and a school activity count as attended.
- The rate: attended teaching days / teaching days so far, in per cent.
- A streak: absent (unexcused, ขาด) teaching days in a row, weekends and days without school
  skipped; leave, late, present or a day without a mark ends it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from attendance.models import LeaveKind, Status

# A rate flag waits until the term has this many teaching days: one absence on the second day
# is not 50 % attendance anyone should be warned about.
MIN_DAYS_FOR_RATE = 10

ONE_DAY = datetime.timedelta(days=1)


def expand_holidays(ranges: Iterable[tuple[datetime.date, datetime.date]]) -> set[datetime.date]:
    days: set[datetime.date] = set()
    for start, end in ranges:
        day = start
        while day <= end:
            days.add(day)
            day += ONE_DAY
    return days


def teaching_days(
    start: datetime.date, end: datetime.date, holidays: set[datetime.date]
) -> list[datetime.date]:
    """The weekdays from ``start`` to ``end`` (both included) that are not days without school."""
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += ONE_DAY
    return days


def misses_class(status: str, leave_kind: str = "") -> bool:
    """Whether a mark is class time missed (absent, sick or personal leave)."""
    if status == Status.ABSENT:
        return True
    return status == Status.LEAVE and leave_kind != LeaveKind.ACTIVITY


def clean_mark(status: str, leave_kind: str = "") -> tuple[str, str] | None:
    """A mark as it is saved, (status, leave kind): a leave names its kind, any other status has
    none (the ``mark_leave_has_kind`` constraint). None when it cannot be read: an unknown status,
    or a leave without a known kind."""
    if status not in Status.values:
        return None
    if status != Status.LEAVE:
        return status, ""
    return (status, leave_kind) if leave_kind in LeaveKind.values else None


def rate(attended: int, days: int) -> float | None:
    """Attendance in per cent, one decimal; None before the first teaching day."""
    if days <= 0:
        return None
    return round(attended * 100 / days, 1)


def streak_ending(
    days: list[datetime.date], statuses: dict[datetime.date, str], upto: datetime.date
) -> tuple[int, datetime.date | None]:
    """(absent days in a row, the first of them) ending at the student's last marked teaching
    day on or before ``upto``. ``days``: teaching days in order; ``statuses``: the student's
    status per date (no entry: no mark that day)."""
    past = [d for d in days if d <= upto]
    # Days after the last mark: their roll is not taken yet (this morning's), they end nothing.
    while past and past[-1] not in statuses:
        past.pop()
    count, first = 0, None
    for day in reversed(past):
        if statuses.get(day) != Status.ABSENT:
            break
        count += 1
        first = day
    return count, first


def longest_streak(days: list[datetime.date], statuses: dict[datetime.date, str]) -> int:
    longest = current = 0
    for day in days:
        current = current + 1 if statuses.get(day) == Status.ABSENT else 0
        longest = max(longest, current)
    return longest


@dataclass
class Summary:
    """A student's attendance in a term so far (attendance.selectors.student_attendance_summary)."""

    teaching_days: int
    term_days: int  # teaching days of the whole term
    present: int
    late: int
    absent: int
    sick: int
    personal: int
    activity: int
    unmarked: int  # teaching days so far without a mark (the roll not taken): attended
    streak: int
    longest_streak: int
    threshold: int

    @property
    def missed(self) -> int:
        return self.absent + self.sick + self.personal

    @property
    def attended(self) -> int:
        return self.teaching_days - self.missed

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.teaching_days)

    @property
    def below_threshold(self) -> bool:
        return self.rate is not None and self.rate < self.threshold

    @property
    def misses_allowed(self) -> int:
        """Teaching days of the whole term the student may still miss and keep the threshold."""
        allowed = int(self.term_days * (100 - self.threshold) / 100)
        return max(allowed - self.missed, 0)
