"""Reads of the district fund (docs/district-work.md, "The district fund").

- ``support_evidence``: what a school's records say about its students' need (screening groups,
  individual care plans, home visits' poverty and requests for funds, support already received),
  a fixed number of queries for any number of students;
- ``candidates``: the school's students of the fund's year with evidence, for nominating;
- ``fund_figures`` and ``school_rows``: the fund's totals (budget, committed, paid, remaining)
  and its counts per school: figures, never names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from care.models import CarePlan, Support
from carecore.dates import format_date
from districts.fund.models import Fund, Nomination, Payment
from schools.models import School
from screening.models import CareGroup, Level
from students.models import Enrolment
from visits.models import Help, HomeVisit, Problem

# The kinds of evidence that make a student a candidate (support already received is shown
# beside them, but alone is no reason to nominate).
NEED_KINDS = frozenset({"group", "plan", "visit"})


def _baht(amount) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def support_evidence(*, school, academic_year, student_ids=None) -> dict[int, list[dict]]:
    """``{student id: [{"kind", "text"}, ...]}`` from the school's records of the year: the
    students screened at risk or with problems, an individual care plan, a home visit that saw
    poverty or was asked for funds, support received. Four queries."""
    out: dict[int, list[dict]] = defaultdict(list)

    def of_students(qs, path="student_id"):
        qs = qs.filter(school=school)
        return qs if student_ids is None else qs.filter(**{f"{path}__in": student_ids})

    groups = (
        of_students(
            CareGroup.objects.filter(
                term__academic_year=academic_year, level__in=[Level.RISK, Level.PROBLEM]
            )
        )
        .select_related("term")
        .order_by("student_id", "-term__number")
    )
    seen = set()
    for group in groups:
        if group.student_id in seen:
            continue  # the latest term's group
        seen.add(group.student_id)
        out[group.student_id].append(
            {
                "kind": "group",
                "text": _("Screening, term %(term)s/%(year)s: %(group)s")
                % {
                    "term": group.term.number,
                    "year": academic_year.year,
                    "group": group.get_level_display(),
                },
            }
        )
    plans = of_students(
        CarePlan.objects.filter(
            Q(term__academic_year=academic_year) | ~Q(status=CarePlan.Status.CLOSED)
        )
    ).order_by("student_id", "-opened_on")
    for plan in plans:
        out[plan.student_id].append(
            {
                "kind": "plan",
                "text": _("Individual care plan of %(date)s (%(status)s): %(problem)s")
                % {
                    "date": format_date(plan.opened_on),
                    "status": plan.get_status_display(),
                    "problem": plan.problem[:200],
                },
            }
        )
    visits = of_students(
        HomeVisit.objects.filter(academic_year=academic_year, status=HomeVisit.Status.DONE)
    ).only("student_id", "date", "problems", "help_needed", "income_per_month", "household_size")
    for visit in visits.order_by("student_id", "-date"):
        facts = []
        if Problem.POVERTY in (visit.problems or []):
            facts.append(str(Problem.POVERTY.label))
        if Help.SCHOLARSHIP in (visit.help_needed or []):
            facts.append(_("the family asks for a scholarship or funds"))
        if not facts:
            continue
        if visit.income_per_month is not None:
            facts.append(
                _("household income %(amount)s baht a month")
                % {"amount": f"{visit.income_per_month:,}"}
            )
        out[visit.student_id].append(
            {
                "kind": "visit",
                "text": _("Home visit of %(date)s: %(facts)s")
                % {"date": format_date(visit.date), "facts": ", ".join(facts)},
            }
        )
    supports = of_students(Support.objects.filter(term__academic_year=academic_year)).order_by(
        "student_id", "date"
    )
    for support in supports:
        amount = (
            _("%(amount)s baht") % {"amount": _baht(support.amount)}
            if support.amount is not None
            else "—"
        )
        out[support.student_id].append(
            {
                "kind": "support",
                "text": _("Received %(kind)s (%(source)s) %(amount)s on %(date)s")
                % {
                    "kind": support.get_kind_display(),
                    "source": support.source,
                    "amount": amount,
                    "date": format_date(support.date),
                },
            }
        )
    return dict(out)


def has_need(evidence: list[dict]) -> bool:
    return any(item["kind"] in NEED_KINDS for item in evidence)


@dataclass
class Candidate:
    student: object
    classroom: object
    evidence: list[dict]
    nomination: Nomination | None = None


def candidates(*, school, fund: Fund) -> list[Candidate]:
    """The school's students of the fund's year whose records show a need, and those already
    nominated, the strongest need first: six queries."""
    enrolments = list(
        Enrolment.objects.filter(classroom__school=school, academic_year=fund.academic_year)
        .select_related("student", "classroom")
        .order_by("classroom__grade", "classroom__room", "number")
    )
    evidence = support_evidence(school=school, academic_year=fund.academic_year)
    nominated = {n.student_id: n for n in Nomination.objects.filter(fund=fund, school=school)}
    rows = [
        Candidate(
            e.student, e.classroom, evidence.get(e.student_id, []), nominated.get(e.student_id)
        )
        for e in enrolments
        if has_need(evidence.get(e.student_id, [])) or e.student_id in nominated
    ]
    # The strongest need first: the most kinds of evidence (screening, plan, visit), then class
    # order (the sort is stable).
    rows.sort(key=lambda row: -len({i["kind"] for i in row.evidence if i["kind"] in NEED_KINDS}))
    return rows


# --- figures ------------------------------------------------------------------------------------
@dataclass
class Figures:
    budget: Decimal = Decimal(0)
    amount_per_student: Decimal = Decimal(0)
    nominated: int = 0
    waiting: int = 0
    selected: int = 0
    declined: int = 0
    paid: Decimal = Decimal(0)
    paid_students: int = 0

    @property
    def committed(self) -> Decimal:
        return self.selected * self.amount_per_student

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    @property
    def used_percent(self) -> int:
        return int(self.committed * 100 / self.budget) if self.budget else 0


_COUNTS = {
    "nominated": Count("pk"),
    "waiting": Count("pk", filter=Q(status=Nomination.Status.NOMINATED)),
    "selected": Count("pk", filter=Q(status=Nomination.Status.SELECTED)),
    "declined": Count("pk", filter=Q(status=Nomination.Status.DECLINED)),
}


def fund_figures(fund: Fund) -> Figures:
    """The fund's totals: two queries."""
    counts = Nomination.objects.filter(fund=fund).aggregate(**_COUNTS)
    paid = Payment.objects.filter(nomination__fund=fund).aggregate(
        total=Sum("amount"), students=Count("nomination", distinct=True)
    )
    return Figures(
        budget=fund.budget,
        amount_per_student=fund.amount_per_student,
        paid=paid["total"] or Decimal(0),
        paid_students=paid["students"],
        **counts,
    )


@dataclass
class SchoolRow:
    school: School
    figures: Figures = field(default_factory=Figures)


def school_rows(fund: Fund, *, only_with_nominations: bool = False) -> list[SchoolRow]:
    """Every school of the fund's district with its counts and payments: three queries."""
    counts = {
        row["school_id"]: row
        for row in Nomination.objects.filter(fund=fund).values("school_id").annotate(**_COUNTS)
    }
    paid = {
        row["school_id"]: row
        for row in Payment.objects.filter(nomination__fund=fund)
        .values("school_id")
        .annotate(total=Sum("amount"), students=Count("nomination", distinct=True))
    }
    rows = []
    schools = School.objects.filter(district_id=fund.district_id).select_related("network")
    for school in schools.order_by("network__name", "name"):
        if only_with_nominations and school.pk not in counts:
            continue
        c = counts.get(school.pk, {})
        p = paid.get(school.pk, {})
        rows.append(
            SchoolRow(
                school,
                Figures(
                    amount_per_student=fund.amount_per_student,
                    nominated=c.get("nominated", 0),
                    waiting=c.get("waiting", 0),
                    selected=c.get("selected", 0),
                    declined=c.get("declined", 0),
                    paid=p.get("total") or Decimal(0),
                    paid_students=p.get("students", 0),
                ),
            )
        )
    return rows


def funds_of_district(district) -> list[Fund]:
    """The district's funds, newest year first, with their counts: one query."""
    return list(
        Fund.objects.filter(district=district)
        .select_related("academic_year")
        .annotate(
            n_nominated=Count("nominations"),
            n_selected=Count(
                "nominations", filter=Q(nominations__status=Nomination.Status.SELECTED)
            ),
        )
    )


def fund_for_report(*, district, academic_year) -> Fund | None:
    """The district's fund of ``academic_year`` (for the district report), or None."""
    if academic_year is None:
        return None
    return Fund.objects.filter(district=district, academic_year=academic_year).first()
