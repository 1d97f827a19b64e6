"""Reads of the district's plan: the plan with its strategies, projects and indicators, and each
indicator's actual against its target (``indicator_results``), in a fixed number of queries
whatever the number of schools.

A school-level indicator counts the district's schools that meet it in the plan's academic year
(docs/district-work.md, "The district's plan"):

- *runs the system*: a care group (screening) or a home visit marked done in the year;
- *runs all five steps*: in the year, records of each of the five steps of the care system:
  knowing the student (a home visit done), screening (a care group), promoting (a care activity),
  preventing and solving (a care plan or a support given), referring (a referral sent);
- *reports on time*: every deadline of the district for the school due in the year up to today
  (districts.deadlines) met on or before its due date; a school with no deadline due yet does
  not count;
- *the care system judged effective*: the latest supervision visit of the year sent to the
  school (districts.supervision) has a mean level at or above the middle of its scale
  ((levels + 1) / 2, the summary's "not weak");
- *every staff member trained*: every staff member with an account attended a course in the
  year (districts.training).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone

from care.models import Activity, CarePlan, Support
from districts.deadlines.models import Completion, Deadline
from districts.plans.models import Indicator, Measure, Plan, Project, Strategy
from districts.supervision.models import Visit, VisitStep
from districts.supervision.selectors import SENT
from districts.training import selectors as training
from referrals.models import Referral
from schools.models import AcademicYear, School
from screening.models import CareGroup
from visits.models import HomeVisit


def plan_with_parts(plan: Plan) -> Plan:
    """``plan`` with its strategies (each with its projects and their owners) and indicators
    prefetched (three queries)."""
    projects = Project.objects.select_related("owner").order_by("number", "pk")
    strategies = Strategy.objects.prefetch_related(Prefetch("projects", queryset=projects))
    plan_ = (
        Plan.objects.filter(pk=plan.pk)
        .select_related("academic_year", "district")
        .prefetch_related(Prefetch("strategies", queryset=strategies), "indicators")
        .get()
    )
    return plan_


def budget_of(plan: Plan) -> Decimal:
    """The plan's total budget (one query)."""
    total = Project.objects.filter(strategy__plan=plan).aggregate(total=Sum("budget"))["total"]
    return total or Decimal(0)


# --- the school-level measures -------------------------------------------------------------------
class Measures:
    """The school ids meeting each measure in one academic year, each computed once when first
    asked (one to three queries each)."""

    def __init__(self, district, year: AcademicYear, school_ids: list[int], today=None):
        self.district = district
        self.year = year
        self.school_ids = set(school_ids)
        self.today = today or timezone.localdate()
        self._cache: dict[str, set[int]] = {}

    def _ids(self, queryset) -> set[int]:
        return set(queryset.values_list("school_id", flat=True).distinct()) & self.school_ids

    def _once(self, name, compute) -> set[int]:
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def visited(self):
        return self._once(
            "visited",
            lambda: self._ids(
                HomeVisit.objects.filter(academic_year=self.year, status=HomeVisit.Status.DONE)
            ),
        )

    def screened(self):
        return self._once(
            "screened",
            lambda: self._ids(CareGroup.objects.filter(term__academic_year=self.year)),
        )

    def promoted(self):
        return self._once(
            "promoted",
            lambda: self._ids(Activity.objects.filter(term__academic_year=self.year)),
        )

    def solved(self):
        return self._once(
            "solved",
            lambda: (
                self._ids(CarePlan.objects.filter(term__academic_year=self.year))
                | self._ids(Support.objects.filter(term__academic_year=self.year))
            ),
        )

    def referred(self):
        return self._once(
            "referred",
            lambda: self._ids(
                Referral.objects.filter(sent_on__range=(self.year.start, self.year.end))
            ),
        )

    def runs_system(self) -> set[int]:
        return self.screened() | self.visited()

    def runs_all(self) -> set[int]:
        return self.visited() & self.screened() & self.promoted() & self.solved() & self.referred()

    def on_time(self) -> set[int]:
        """Schools with a deadline due so far in the year, each met by its due date (two
        queries)."""

        def compute():
            until = min(self.year.end, self.today - datetime.timedelta(days=1))
            deadlines = list(
                Deadline.objects.filter(
                    district=self.district, due_on__gte=self.year.start, due_on__lte=until
                ).values("pk", "network_id", "due_on")
            )
            if not deadlines:
                return set()
            met = set(
                Completion.objects.filter(deadline_id__in=[d["pk"] for d in deadlines]).values_list(
                    "deadline_id", "school_id", "done_on"
                )
            )
            due = {d["pk"]: d["due_on"] for d in deadlines}
            on_time = {(d, s) for d, s, done in met if done <= due[d]}
            networks = dict(
                School.objects.filter(pk__in=self.school_ids).values_list("pk", "network_id")
            )
            good = set()
            for school, network in networks.items():
                mine = [d for d in deadlines if d["network_id"] in (None, network)]
                if mine and all((d["pk"], school) in on_time for d in mine):
                    good.add(school)
            return good

        return self._once("on_time", compute)

    def effective(self) -> set[int]:
        """Schools whose latest supervision visit sent in the year has a mean level at or above
        the middle of its scale (two queries)."""

        def compute():
            latest: dict[int, Visit] = {}
            for visit in (
                Visit.objects.filter(
                    round__district=self.district,
                    status__in=SENT,
                    visited_on__range=(self.year.start, self.year.end),
                )
                .select_related("round")
                .order_by("-visited_on", "-pk")
            ):
                latest.setdefault(visit.school_id, visit)
            visits = list(latest.values())
            levels = {}
            for step in VisitStep.objects.filter(visit__in=visits, level__isnull=False).values(
                "visit_id", "number", "level"
            ):
                levels.setdefault(step["visit_id"], []).append(step)
            good = set()
            for visit in visits:
                rows = levels.get(visit.pk, [])
                if not rows:
                    continue
                form = visit.round.form
                shares = [
                    (r["level"] - 1) / (form[r["number"] - 1]["levels"] - 1)
                    for r in rows
                    if r["number"] <= len(form)
                ]
                # the middle of each step's scale is (levels + 1) / 2: a share of one half
                if shares and sum(shares) / len(shares) >= 0.5:
                    good.add(visit.school_id)
            return good & self.school_ids

        return self._once("effective", compute)

    def trained(self) -> set[int]:
        def compute():
            counts = training.counts_per_school(self.district, self.year, self.school_ids)
            return {s for s, (staff, done) in counts.items() if staff and staff == done}

        return self._once("trained", compute)

    def of(self, measure: str) -> set[int] | None:
        return {
            Measure.RUNS_SYSTEM: self.runs_system,
            Measure.RUNS_ALL: self.runs_all,
            Measure.REPORTS_ON_TIME: self.on_time,
            Measure.GUIDANCE_EFFECTIVE: self.effective,
            Measure.STAFF_TRAINED: self.trained,
        }.get(measure, lambda: None)()


@dataclass
class Result:
    indicator: Indicator
    schools: int  # the district's schools
    count: int | None  # schools meeting it (a school-level indicator)
    actual: Decimal | None  # in the target's unit

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual >= self.indicator.target

    @property
    def computed(self) -> bool:
        return self.indicator.measure != Measure.TYPED


def indicator_results(
    plan: Plan, *, school_ids: list[int], today=None
) -> tuple[list[Result], Measures]:
    """Each indicator of ``plan`` (prefetched) with its actual: typed, or the count of
    ``school_ids`` (the district's schools) meeting its measure, and that count as a percent of
    them for a target in percent."""
    measures = Measures(plan.district, plan.academic_year, school_ids, today=today)
    n = len(school_ids)
    results = []
    for indicator in plan.indicators.all():
        met = measures.of(indicator.measure)
        if met is None:
            results.append(Result(indicator, n, None, indicator.actual))
            continue
        count = len(met)
        if indicator.unit == Indicator.Unit.PERCENT:
            actual = (Decimal(100 * count) / n).quantize(Decimal("0.01")) if n else None
        else:
            actual = Decimal(count)
        results.append(Result(indicator, n, count, actual))
    return results, measures
