"""The national overview (OBEC): every district's figures, summed from the schools' rollups in
the database (one aggregate query over every school's row of the term), with no student."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, Min, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from dashboards.figures import View, total_of
from dashboards.models import SchoolFigures
from districts.models import District
from schools.models import School, Term

# The counts the overview sums (a district's row adds its schools' counts).
KEYS = (
    "students",
    "screened",
    "visited",
    "profile_done",
    "cared",
    "normal",
    "risk",
    "problem",
    "special",
    "normal_cared",
    "risk_cared",
    "problem_cared",
    "special_cared",
    "problem_with_plan",
    "plans_open",
    "plans_overdue",
    "referrals_open",
    "referrals_overdue",
    "referrals_sent",
    "dropout_open",
    "dropout_late",
    "dropout_back",
    "support_students",
)


@dataclass
class DistrictRow:
    district: District
    schools: int
    computed: int
    view: View


@dataclass
class Overview:
    term: Term
    rows: list[DistrictRow]
    total: View
    schools: int
    computed: int
    oldest: object
    newest: object
    stale: int

    @property
    def missing(self) -> int:
        return self.schools - self.computed


def overview(*, term: Term) -> Overview:
    """Three queries: the districts, their number of schools, and the sums of the rollups."""
    districts = list(District.objects.order_by("code"))
    school_counts = dict(
        School.objects.values_list("district_id").annotate(n=Count("pk")).order_by()
    )
    sums = {f"k_{key}": Sum(Cast(KT(f"counts__{key}"), IntegerField())) for key in KEYS}
    rows = (
        SchoolFigures.objects.filter(term=term)
        .values("school__district_id")
        .annotate(
            n=Count("pk"),
            stale_n=Count("pk", filter=Q(stale=True)),
            oldest=Min("computed"),
            newest=Max("computed"),
            **sums,
        )
        .order_by()
    )
    by_district = {r["school__district_id"]: r for r in rows}
    out = []
    for d in districts:
        r = by_district.get(d.pk, {})
        counts = {key: r.get(f"k_{key}") or 0 for key in KEYS}
        out.append(
            DistrictRow(
                district=d,
                schools=school_counts.get(d.pk, 0),
                computed=r.get("n", 0),
                view=View(counts),
            )
        )
    oldest = [r["oldest"] for r in by_district.values() if r["oldest"]]
    newest = [r["newest"] for r in by_district.values() if r["newest"]]
    return Overview(
        term=term,
        rows=out,
        total=View(total_of(r.view.counts for r in out)),
        schools=sum(r.schools for r in out),
        computed=sum(r.computed for r in out),
        oldest=min(oldest) if oldest else None,
        newest=max(newest) if newest else None,
        stale=sum(r["stale_n"] for r in by_district.values()),
    )


SORTS = {
    "code": lambda r: r.district.code,
    "name": lambda r: r.district.name,
    "students": lambda r: r.view.students,
    "screened": lambda r: r.view.screened_share or 0,
    "visited": lambda r: r.view.visited_share or 0,
    "cared": lambda r: r.view.cared_share or 0,
    "problem": lambda r: r.view.group_share("problem") or 0,
    "plans_overdue": lambda r: r.view["plans_overdue"],
    "referrals_overdue": lambda r: r.view["referrals_overdue"],
    "dropout_open": lambda r: r.view["dropout_open"],
}
