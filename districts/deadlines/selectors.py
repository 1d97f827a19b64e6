"""Reads of the deadlines: which schools a deadline is for, how far each school is (the share
measured from its data, its completion) and its state. Every function runs a fixed number of
queries whatever the number of schools, students or deadlines: the district's pages read
hundreds of schools.

Measured kinds (docs/district-work.md, "Deadlines"): the students are the school's enrolments
of the academic year the due date falls in; *screened* is a care group in that year for a term
that began by the due date (a school screens once a year, in term 1, and the group holds), and
*visited* a home visit marked done in that year: the dashboards' figures "screened" and
"visited" (dashboards/figures.py), counted the same way.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Min, Q, QuerySet

from carecore.thai import thai_sort_key
from districts.deadlines.models import (
    OPEN_STATES,
    Completion,
    Deadline,
    Kind,
    State,
    state_of,
)
from schools.models import AcademicYear, School
from screening.models import CareGroup
from students.models import Enrolment
from visits.models import HomeVisit

# The school's home page shows what is open, what opens within this many days, and what is late
# (not met) up to this many days after its due date; the school's list shows everything.
CARD_AHEAD_DAYS = 14
CARD_LATE_DAYS = 60
# The order of a deadline's schools: those to chase first.
STATE_ORDER = (State.LATE, State.DUE, State.UPCOMING, State.DONE_LATE, State.DONE)


@dataclass
class Standing:
    """One school on one deadline."""

    deadline: Deadline
    school: School
    state: State
    done_on: datetime.date | None = None
    completion: Completion | None = None
    # Measured kinds: the school's students of the year, and how many are screened or visited.
    students: int | None = None
    met: int | None = None

    @property
    def share(self) -> float | None:
        """Percent screened or visited, one decimal; None when there is nothing to count."""
        if not self.students:
            return None
        return round(100 * (self.met or 0) / self.students, 1)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_done(self) -> bool:
        return self.state in (State.DONE, State.DONE_LATE)


@dataclass
class DeadlineSummary:
    """A deadline with its schools' standings, and how many are in each state."""

    deadline: Deadline
    standings: list[Standing] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(State.values, 0)
        for standing in self.standings:
            counts[standing.state] += 1
        return counts

    @property
    def schools(self) -> int:
        return len(self.standings)


# --- which deadlines, which schools -------------------------------------------------------------
def deadlines_of_school(school: School) -> QuerySet[Deadline]:
    """The deadlines of the school's district for all its schools or for the school's network."""
    return Deadline.objects.filter(district_id=school.district_id).filter(
        Q(network__isnull=True) | Q(network_id=school.network_id)
    )


def is_for(deadline: Deadline, school: School) -> bool:
    return deadline.district_id == school.district_id and deadline.network_id in (
        None,
        school.network_id,
    )


def district_schools(district) -> list[School]:
    """The district's schools with their network, by network and name (one query)."""
    schools = list(School.objects.filter(district=district).select_related("network"))
    schools.sort(
        key=lambda s: (thai_sort_key(s.network.name if s.network else ""), thai_sort_key(s.name))
    )
    return schools


def year_bounds(academic_year: AcademicYear | None) -> Q:
    """The deadlines due in ``academic_year`` (every deadline when there is none)."""
    if academic_year is None:
        return Q()
    return Q(due_on__gte=academic_year.start, due_on__lte=academic_year.end)


# --- the measured share -------------------------------------------------------------------------
def measure(
    *, school_ids: Iterable[int], deadlines: Iterable[Deadline]
) -> dict[tuple[int, int], tuple[int, int]]:
    """``{(deadline id, school id): (met, students)}`` for the measured deadlines among
    ``deadlines``, at each of ``school_ids``: one query (none when no deadline is measured).

    The enrolments of the deadlines' academic years, each joined to its student's first
    screened term of the year (care groups aggregated once) and to whether a done visit of the
    year exists (visits aggregated once), are counted by school, year, first screened term and
    visited: hash joins over three grouped tables. A correlated subquery per enrolment took
    about 1.7 times as long at 25,000 students (bench/deadlines.py; docs/district-work.md)."""
    measured = [d for d in deadlines if d.is_measured]
    school_ids = list(school_ids)
    if not measured or not school_ids:
        return {}
    years = {AcademicYear.be_year_for(d.due_on) for d in measured}
    enrolments = Enrolment.objects.filter(
        classroom__school_id__in=school_ids, academic_year__year__in=years
    ).values(
        "student_id",
        "academic_year_id",
        sid=F("classroom__school_id"),
        year=F("academic_year__year"),
    )
    screened = (
        CareGroup.objects.filter(school_id__in=school_ids, term__academic_year__year__in=years)
        .values("student_id", ay=F("term__academic_year_id"))
        .annotate(first=Min("term__start"))
        .order_by()
    )
    visited = (
        HomeVisit.objects.filter(
            school_id__in=school_ids,
            academic_year__year__in=years,
            status=HomeVisit.Status.DONE,
        )
        .values("student_id", ay=F("academic_year_id"))
        .distinct()
        .order_by()
    )
    parts = [q.query.sql_with_params() for q in (enrolments.order_by(), screened, visited)]
    # Constant SQL around Django's compiled queries; the values stay parameters.
    sql = (
        "SELECT e.sid, e.year, g.first, v.student_id IS NOT NULL, COUNT(*)"
        " FROM ({}) e"
        " LEFT JOIN ({}) g ON g.student_id = e.student_id AND g.ay = e.academic_year_id"
        " LEFT JOIN ({}) v ON v.student_id = e.student_id AND v.ay = e.academic_year_id"
        " GROUP BY e.sid, e.year, g.first, v.student_id IS NOT NULL"
    )
    sql = sql.format(*(part_sql for part_sql, _params in parts))
    params = [value for _sql, part_params in parts for value in part_params]
    groups: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for school_id, year, first, was_visited, n in cursor.fetchall():
            groups[school_id, year].append((_as_date(first), bool(was_visited), n))
    result = {}
    for deadline in measured:
        year = AcademicYear.be_year_for(deadline.due_on)
        for school_id in school_ids:
            students = met = 0
            for first, was_visited, n in groups.get((school_id, year), ()):
                students += n
                if _counts_as_met(deadline, first, was_visited):
                    met += n
            result[deadline.pk, school_id] = (met, students)
    return result


def _as_date(value) -> datetime.date | None:
    """A date from the cursor (SQLite gives its text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _counts_as_met(deadline: Deadline, first_screened, was_visited: bool) -> bool:
    if deadline.kind == Kind.SCREENING:
        return first_screened is not None and first_screened <= deadline.due_on
    return was_visited


def reached(deadline: Deadline, met: int, students: int) -> bool:
    """The share reaches the deadline's target (a school without students reaches nothing)."""
    return students > 0 and met * 100 >= deadline.target_percent * students


# --- standings ----------------------------------------------------------------------------------
def standings(
    *,
    deadlines: list[Deadline],
    schools: list[School],
    today: datetime.date,
    full: bool = False,
) -> list[DeadlineSummary]:
    """Each deadline with the standing of each of its schools (among ``schools``): three
    queries at most (the completions, the measured shares). ``full``: the completions whole,
    with who marked them (the district's page of one deadline); else only their dates."""
    if not deadlines:
        return []
    school_ids = [s.pk for s in schools]
    completions = Completion.objects.filter(deadline__in=deadlines, school_id__in=school_ids)
    if full:
        completions = completions.select_related("done_by")
    else:
        completions = completions.only("pk", "deadline_id", "school_id", "done_on", "source")
    done = {(c.deadline_id, c.school_id): c for c in completions}
    shares = measure(school_ids=school_ids, deadlines=deadlines)
    summaries = []
    for deadline in deadlines:
        summary = DeadlineSummary(deadline)
        for school in schools:
            if not is_for(deadline, school):
                continue
            summary.standings.append(
                standing_of(
                    deadline,
                    school,
                    completion=done.get((deadline.pk, school.pk)),
                    share=shares.get((deadline.pk, school.pk)),
                    today=today,
                )
            )
        summaries.append(summary)
    return summaries


def standing_of(
    deadline: Deadline,
    school: School,
    *,
    completion: Completion | None,
    share: tuple[int, int] | None,
    today: datetime.date,
) -> Standing:
    """A school's standing: met on its completion's day; a measured deadline whose share
    reaches its target before the morning check records it counts as met today."""
    met, students = share if share is not None else (None, None)
    done_on = completion.done_on if completion is not None else None
    if done_on is None and share is not None and reached(deadline, met, students):
        done_on = today
    return Standing(
        deadline=deadline,
        school=school,
        state=state_of(deadline, done_on, today),
        done_on=done_on,
        completion=completion,
        students=students,
        met=met,
    )


def sorted_standings(rows: Iterable[Standing]) -> list[Standing]:
    """Late first, then due, not open yet, done late, done; by network and name within each."""
    rank = {state: i for i, state in enumerate(STATE_ORDER)}
    return sorted(
        rows,
        key=lambda r: (
            rank[r.state],
            thai_sort_key(r.school.network.name if r.school.network else ""),
            thai_sort_key(r.school.name),
        ),
    )


# --- a school's deadlines -----------------------------------------------------------------------
def school_standings(
    *, school: School, today: datetime.date, deadlines: QuerySet[Deadline]
) -> list[Standing]:
    """The school's standing on each of ``deadlines`` (the school's, already filtered): two
    queries, three when one of them is measured."""
    deadlines = list(deadlines.select_related("network"))
    return [
        summary.standings[0]
        for summary in standings(deadlines=deadlines, schools=[school], today=today)
        if summary.standings
    ]


def school_card(*, school: School, today: datetime.date) -> list[Standing]:
    """What the school's home page shows: deadlines open or late (up to ``CARD_LATE_DAYS``
    after their due date) and not met, and those opening within ``CARD_AHEAD_DAYS``; the
    nearest due date first."""
    deadlines = deadlines_of_school(school).filter(
        due_on__gte=today - datetime.timedelta(days=CARD_LATE_DAYS),
        opens_on__lte=today + datetime.timedelta(days=CARD_AHEAD_DAYS),
    )
    rows = school_standings(school=school, today=today, deadlines=deadlines)
    return [r for r in rows if not r.is_done]
