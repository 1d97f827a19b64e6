"""The demo's deadlines: district1's calendar, director1 sees one report due and one late (and
was told of the late one), the measured ones recorded for the schools at their target."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from carecore.models import Notification, User
from demo.world import demo_build
from districts.deadlines.models import Completion, Deadline, State
from districts.deadlines.selectors import school_card, standings

pytestmark = pytest.mark.django_db


def test_the_demo_district_has_a_calendar_director1_meets():
    result = demo_build(schools=3, students=240, seed=11)
    today = timezone.localdate()
    director1 = User.objects.get(username="director1")
    school = director1.memberships.get().school
    with scopes_disabled():
        deadlines = list(Deadline.objects.filter(district=result.district))
        assert len(deadlines) == 6
        assert {d.created_by.username for d in deadlines} == {"district1"}
        card = {r.deadline.title: r.state for r in school_card(school=school, today=today)}
        assert card["ส่งข้อมูลนักเรียนยากจนเพื่อขอรับทุนเสมอภาค"] == State.LATE
        assert card["ส่งแบบสรุปผลการคัดกรองนักเรียนรายห้อง"] == State.DUE
        assert Notification.objects.filter(
            user=director1, kind=Notification.Kind.DEADLINE_LATE
        ).exists()
        # Recorded completions agree with the live reading (none for a deadline not open).
        summaries = standings(
            deadlines=deadlines, schools=list(result.district.schools.all()), today=today
        )
        for summary in summaries:
            for row in summary.standings:
                if row.completion is not None:
                    assert row.is_done and row.done_on <= today
                    assert row.completion.done_on >= summary.deadline.opens_on
        measured = Completion.objects.filter(source="measured").count()
        opened = [d for d in deadlines if d.is_measured and d.opens_on <= today]
        assert measured >= 1 if opened else measured == 0
