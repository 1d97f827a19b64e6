import pytest

from attendance.tests.factories import last_school_day


@pytest.fixture
def school_day(world):
    """The latest weekday up to today in the world's academic year (a roll can be taken)."""
    return last_school_day(world.year)
