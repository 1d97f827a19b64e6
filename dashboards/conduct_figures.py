"""Attendance and behaviour in the dashboards' figures (docs/dashboards.md): counts that add up
like every other figure (per classroom, so per grade, school, network, district), computed by
``figures.compute`` and so kept in the rollups (``SchoolFigures.counts``).

The same rules as the apps' own pages (docs/attendance.md, docs/behaviour.md):

- **Attendance** of the term so far (the daily roll, period 0): ``att_days`` student-days
  (students x the school's teaching days so far: weekdays without the school's days without
  school) and ``att_missed`` days missed on them (absent, sick or personal leave); the rate is
  ``(att_days - att_missed) / att_days``, the same figure as ``attendance.selectors.school_rates``.
  ``att_absent`` and ``att_leave`` split the days missed. Per school: ``att_flagged``, students
  with an attendance flag open now (the flags page), and ``att_flagged_term``, students flagged
  during the term.
- **Behaviour** of the term: incidents not cancelled, ``beh_bad`` (misconduct; of which
  ``beh_sensitive``: drugs, sexual behaviour, violence, counted and never detailed) and
  ``beh_good`` (good deeds). The conduct score is the academic year's (100 points each year):
  ``beh_low`` students under ``behaviour.selectors.LOW_SCORE`` (60: a correction activity and
  the parents called in) and ``beh_watch`` from 60 to under ``WATCH_SCORE`` (80: watched).

Five queries whatever the number of schools, classrooms and students.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django_scopes import scopes_disabled

from attendance import rules
from attendance.models import AttendanceFlag, LeaveKind, Mark, SchoolHoliday, Status
from behaviour.models import Incident, Kind
from behaviour.selectors import LOW_SCORE, WATCH_SCORE, with_conduct
from schools.models import Term
from students.models import Enrolment

ATTENDANCE_KEYS = ("att_days", "att_missed", "att_absent", "att_leave")
BEHAVIOUR_KEYS = ("beh_bad", "beh_sensitive", "beh_good", "beh_low", "beh_watch")
SCHOOL_KEYS = ("att_flagged", "att_flagged_term")


def missed_q(prefix: str = "") -> Q:
    """Class time missed (docs/attendance.md): absent, sick or personal leave."""
    return Q(**{f"{prefix}status": Status.ABSENT}) | Q(
        **{
            f"{prefix}status": Status.LEAVE,
            f"{prefix}leave_kind__in": [LeaveKind.SICK, LeaveKind.PERSONAL],
        }
    )


def last_day(term: Term, today: datetime.date) -> datetime.date:
    return min(term.end, today)


def school_days_so_far(
    school_ids: list[int], term: Term, today: datetime.date
) -> dict[int, list[datetime.date]]:
    """Each school's teaching days of the term up to ``today`` (one query)."""
    off: dict[int, list] = defaultdict(list)
    for school_id, start, end in SchoolHoliday.objects.filter(
        school_id__in=school_ids, start__lte=term.end, end__gte=term.start
    ).values_list("school_id", "start", "end"):
        off[school_id].append((start, end))
    upto = last_day(term, today)
    return {
        pk: rules.teaching_days(term.start, upto, rules.expand_holidays(off[pk]))
        for pk in school_ids
    }


def daily_marks_on_teaching_days(school_ids: list[int], term: Term, today: datetime.date):
    """The daily roll's marks of the term's classrooms on teaching days up to ``today``: weekdays
    (Monday to Friday) that are not one of the school's days without school."""
    holiday = SchoolHoliday.objects.filter(
        school_id=OuterRef("school_id"), start__lte=OuterRef("date"), end__gte=OuterRef("date")
    )
    return (
        Mark.objects.filter(
            period=0,
            school_id__in=school_ids,
            roll__classroom__academic_year_id=term.academic_year_id,
            date__gte=term.start,
            date__lte=last_day(term, today),
            date__iso_week_day__lte=5,
        )
        .exclude(Exists(holiday))
        .order_by()
    )


def add_counts(result: dict, school_ids: list[int], term: Term, today: datetime.date) -> None:
    """Add the attendance and behaviour counts to ``figures.compute``'s ``result`` (per school:
    ``SchoolCounts`` with ``total``, ``classrooms`` and ``grades``), five queries."""
    if not school_ids:
        return
    with scopes_disabled():  # the schools were chosen by the caller through the access layer
        days = school_days_so_far(school_ids, term, today)
        missed = daily_marks_on_teaching_days(school_ids, term, today).filter(missed_q())
        per_room: dict[int, dict[str, int]] = defaultdict(dict)
        for row in missed.values("roll__classroom_id").annotate(
            absent=Count("pk", filter=Q(status=Status.ABSENT)), n=Count("pk")
        ):
            per_room[row["roll__classroom_id"]].update(
                att_missed=row["n"], att_absent=row["absent"], att_leave=row["n"] - row["absent"]
            )
        live = Incident.objects.filter(
            school_id__in=school_ids, term=term, cancelled_at__isnull=True
        ).order_by()
        per_school_incidents: dict[int, dict[str, int]] = defaultdict(dict)
        for row in live.values("school_id", "classroom_id").annotate(
            bad=Count("pk", filter=Q(kind=Kind.BAD)),
            sensitive=Count("pk", filter=Q(kind=Kind.BAD, category__sensitive=True)),
            good=Count("pk", filter=Q(kind=Kind.GOOD)),
        ):
            counts = {
                "beh_bad": row["bad"],
                "beh_sensitive": row["sensitive"],
                "beh_good": row["good"],
            }
            if row["classroom_id"] is not None:
                _add(per_room[row["classroom_id"]], counts)
            else:  # no classroom that year: counted for the school only
                _add(per_school_incidents[row["school_id"]], counts)
        # Only a student with points taken off this year can be under the bands.
        penalised = Incident.objects.filter(
            school_id__in=school_ids,
            academic_year_id=term.academic_year_id,
            kind=Kind.BAD,
            cancelled_at__isnull=True,
        ).values("student_id")
        scored = with_conduct(
            Enrolment.objects.filter(
                classroom__school_id__in=school_ids,
                academic_year_id=term.academic_year_id,
                student_id__in=penalised,
            ),
            term.academic_year_id,
            student_ref="student_id",
        )
        for row in (
            scored.filter(score__lt=WATCH_SCORE)
            .values("classroom_id")
            .annotate(
                low=Count("pk", filter=Q(score__lt=LOW_SCORE)),
                watch=Count("pk", filter=Q(score__gte=LOW_SCORE)),
            )
            .order_by()
        ):
            _add(per_room[row["classroom_id"]], {"beh_low": row["low"], "beh_watch": row["watch"]})
        flagged = {
            row["school_id"]: row
            for row in AttendanceFlag.objects.filter(school_id__in=school_ids)
            .values("school_id")
            .annotate(
                open=Count("student_id", distinct=True, filter=Q(state=AttendanceFlag.State.OPEN)),
                term=Count("student_id", distinct=True, filter=Q(term=term)),
            )
            .order_by()
        }
    for school_id, school in result.items():
        school_days = len(days.get(school_id, []))
        extra = {key: 0 for key in (*ATTENDANCE_KEYS, *BEHAVIOUR_KEYS)}
        for classroom_id, counts in school.classrooms.items():
            room = {
                **{key: 0 for key in (*ATTENDANCE_KEYS, *BEHAVIOUR_KEYS)},
                **per_room.get(classroom_id, {}),
            }
            room["att_days"] = counts.get("students", 0) * school_days
            counts.update(room)
            _add(school.grades.setdefault(counts["grade"], {}), room)
            _add(extra, room)
        _add(extra, per_school_incidents.get(school_id, {}))
        found = flagged.get(school_id, {})
        extra["att_flagged"] = found.get("open", 0)
        extra["att_flagged_term"] = found.get("term", 0)
        _add(school.total, extra)


def _add(into: dict, other: dict) -> dict:
    for key, value in other.items():
        into[key] = into.get(key, 0) + value
    return into
