"""Funds, need and nominations for the tests."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django_scopes import scopes_disabled

from districts.fund import services
from districts.fund.models import Fund
from schools.models import Term
from screening.models import CareGroup, Level

DAY = datetime.timedelta(days=1)


def fund_data(**changes) -> dict:
    today = timezone.localdate()
    return {
        "title": "กองทุนเพื่อนักเรียนยากจน",
        "budget": Decimal("10000"),
        "amount_per_student": Decimal("2000"),
        "criteria": "ครอบครัวมีรายได้ต่ำกว่า 3,000 บาทต่อเดือน\nผ่านการเยี่ยมบ้านแล้ว",
        "opens_on": today - 3 * DAY,
        "closes_on": today + 10 * DAY,
    } | changes


def make_fund(side, year, *, publish=True, **changes) -> Fund:
    with scopes_disabled():
        fund = services.fund_create(
            district=side.district,
            academic_year=year,
            data=fund_data(**changes),
            user=side.users["district_supervisor"],
        )
        return services.fund_publish(fund=fund) if publish else fund


def make_need(student, year, level=Level.RISK) -> CareGroup:
    """The student screened at risk in the year's first term."""
    with scopes_disabled():
        term = Term.objects.get(academic_year=year, number=1)
        return CareGroup.objects.create(
            student=student, term=term, school=student.school, derived_level=level, level=level
        )


def make_nomination(side, fund, student=None, **kwargs):
    student = student or side.student
    with scopes_disabled():
        return services.nomination_create(
            fund=fund,
            school=side.school,
            student=student,
            reason=kwargs.pop("reason", "ครอบครัวยากจน บิดาว่างงาน"),
            user=side.users["director"],
            **kwargs,
        )
