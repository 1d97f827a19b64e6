import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def school_day(world):
    """The latest weekday up to today in the world's academic year (a roll can be taken)."""
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    assert day >= world.year.start
    return day
