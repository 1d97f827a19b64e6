"""Rounds and visits of supervision for the tests."""

import datetime

from django.utils import timezone
from django_scopes import scopes_disabled

from districts.supervision import services
from districts.supervision.defaults import DEFAULT_STEPS

DAY = datetime.timedelta(days=1)


def make_round(side, *, schools=None, title="นิเทศ ติดตามระบบดูแลช่วยเหลือนักเรียน ภาคเรียนที่ 1"):
    """A round of the side's district over ``schools`` (the side's school by default)."""
    today = timezone.localdate()
    with scopes_disabled():
        return services.round_create(
            district=side.district,
            title=title,
            starts_on=today - 7 * DAY,
            ends_on=today + 7 * DAY,
            supervisors="นางสาวศึกษา นิเทศก์ ศึกษานิเทศก์",
            schools=schools or [side.school],
            user=side.users["district_supervisor"],
        )


def entries(levels=(3, 2, 4, 1, 3), **texts):
    """One entry per default step; ``texts``: findings_N / recommendations_N."""
    return [
        services.StepEntry(
            level=level,
            ticks=[True, False, True][: len(DEFAULT_STEPS[n - 1]["items"])],
            findings=texts.get(f"findings_{n}", ""),
            recommendations=texts.get(f"recommendations_{n}", ""),
        )
        for n, level in enumerate(levels, start=1)
    ]


def make_visit(side, round_, *, school=None, send=True, levels=(3, 2, 4, 1, 3), **texts):
    with scopes_disabled():
        return services.visit_save(
            round_=round_,
            school=school or side.school,
            visited_on=timezone.localdate(),
            overall="",
            entries=entries(levels, **texts),
            user=side.users["district_supervisor"],
            send=send,
        )
