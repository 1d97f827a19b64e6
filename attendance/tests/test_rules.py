"""The rules on plain dates: teaching days, streaks across weekends and days without school,
what counts as class time missed."""

import datetime

from attendance import rules
from attendance.models import LeaveKind, Status

MON = datetime.date(2025, 6, 16)  # a Monday


def day(offset: int) -> datetime.date:
    return MON + datetime.timedelta(days=offset)


def test_teaching_days_skip_weekends_and_days_without_school():
    off = rules.expand_holidays([(day(2), day(2))])  # Wednesday off
    days = rules.teaching_days(MON, day(13), off)
    assert day(2) not in days
    assert day(5) not in days and day(6) not in days  # the weekend
    assert len(days) == 9


def test_a_streak_runs_over_a_weekend_and_a_holiday():
    off = rules.expand_holidays([(day(7), day(7))])  # the second Monday off
    days = rules.teaching_days(MON, day(11), off)
    absent = {day(4): Status.ABSENT, day(8): Status.ABSENT, day(9): Status.ABSENT}
    # Friday, (weekend), (Monday off), Tuesday, Wednesday: three school days in a row.
    assert rules.streak_ending(days, absent, day(9)) == (3, day(4))
    assert rules.longest_streak(days, absent) == 3


def test_leave_late_or_a_present_day_ends_a_streak():
    days = rules.teaching_days(MON, day(4), set())
    for breaker in (Status.LATE, Status.LEAVE, Status.PRESENT):
        marks = {day(0): Status.ABSENT, day(1): breaker, day(2): Status.ABSENT}
        assert rules.streak_ending(days, marks, day(2)) == (1, day(2))
    # A school day without a mark between two absences is present (the default).
    marks = {day(0): Status.ABSENT, day(2): Status.ABSENT}
    assert rules.streak_ending(days, marks, day(2)) == (1, day(2))


def test_the_days_not_rolled_yet_end_nothing():
    days = rules.teaching_days(MON, day(4), set())
    marks = {day(0): Status.ABSENT, day(1): Status.ABSENT}
    # Asked on Friday while Wednesday to Friday have no roll yet: the run is still two.
    assert rules.streak_ending(days, marks, day(4)) == (2, MON)


def test_class_time_missed_and_the_rate():
    assert rules.misses_class(Status.ABSENT)
    assert rules.misses_class(Status.LEAVE, LeaveKind.SICK)
    assert rules.misses_class(Status.LEAVE, LeaveKind.PERSONAL)
    assert not rules.misses_class(Status.LEAVE, LeaveKind.ACTIVITY)
    assert not rules.misses_class(Status.LATE)
    assert rules.rate(8, 10) == 80.0
    assert rules.rate(0, 0) is None
    summary = rules.Summary(
        teaching_days=10, term_days=100, present=5, late=1, absent=2, sick=1, personal=0,
        activity=1, unmarked=0, streak=0, longest_streak=2, threshold=80,
    )  # fmt: skip
    assert summary.missed == 3 and summary.attended == 7 and summary.rate == 70.0
    assert summary.below_threshold
    assert summary.misses_allowed == 17  # 20 of the term's 100 days, 3 missed
