"""Set-up shared by the dropout case tests: cases opened through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_scopes import scope

from dropouts import services
from dropouts.models import ReporterKind, Situation


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def open_child_case(world, *, reported_ago: int = 0, owner=None, side: str = "a", **extra):
    """A child not in any school, reported by a village head, opened by the district
    supervisor."""
    s = getattr(world, side)
    child = services.ChildDetails(
        prefix="ด.ช.",
        first_name=extra.pop("first_name", "สมปอง"),
        last_name="ตกหล่น",
        village="บ้านโนนสวรรค์",
        guardian_name="นางสมศรี ตกหล่น",
        guardian_phone="0812345678",
    )
    with scope(district=s.district.pk):
        return services.case_open(
            district=s.district,
            situation=extra.pop("situation", Situation.DROPPED_OUT),
            reported_on=ago(reported_ago),
            reporter_kind=ReporterKind.VILLAGE_HEAD,
            reporter_name="นายสมชาย ใจดี",
            description="ไม่ได้ไปโรงเรียน",
            causes=["poverty"],
            child=child,
            owner=owner,
            user=s.users["district_supervisor"],
            **extra,
        )


def open_student_case(world, *, student=None, reported_ago: int = 0, by_school=True, **extra):
    """School A's student at risk, reported by the school's coordinator."""
    student = student or world.a.student
    with scope(district=world.a.district.pk):
        return services.case_open(
            district=world.a.district,
            situation=extra.pop("situation", Situation.AT_RISK),
            reported_on=ago(reported_ago),
            reporter_kind=ReporterKind.SCHOOL,
            description="ขาดเรียนบ่อย",
            student=student,
            reported_by_school=by_school,
            user=world.a.users["coordinator" if by_school else "district_supervisor"],
            **extra,
        )


def advance(world, case, *, to: str | None = None, days_ago: int = 0, note: str = "ทำแล้ว"):
    with scope(district=case.district_id):
        return services.case_advance(
            case=case,
            revision=None,
            date=ago(days_ago),
            note=note,
            to_step=to,
            user=world.a.users["district_supervisor"],
        )


def walk_to(world, case, step: str, *, start_ago: int, every: int = 1):
    """Advance one step at a time until ``step``, ``every`` days apart from ``start_ago``."""
    days = start_ago
    while case.step != step:
        case = advance(world, case, days_ago=days)
        days -= every
    return case


def observe(world, case, *, still: bool, days_ago: int = 0, note: str = ""):
    with scope(district=case.district_id):
        return services.case_observation_record(
            case=case,
            revision=None,
            observed_on=ago(days_ago),
            still_in_school=still,
            note=note,
            user=world.a.users["district_supervisor"],
        )


def reload(case):
    from django_scopes import scopes_disabled

    from dropouts.models import DropoutCase

    with scopes_disabled():
        return DropoutCase.objects.get(pk=case.pk)
