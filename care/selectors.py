"""Reading care plans and support for pages, with a fixed number of queries per page.

Overdue (docs/care.md): a plan that is not closed is overdue when its next review date has
passed, or when one of its actions is past its "by when" date and not done.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from care.models import CarePlan, CarePlanAction, Support, SupportKind
from carecore.access import Perm
from carecore.queries import true_when
from screening.models import CareGroup
from students.access import students_for_user
from students.models import Enrolment

SHOW_CHOICES = ("open", "overdue", "closed", "all")


def _late_actions(today: datetime.date):
    return CarePlanAction.objects.filter(plan=OuterRef("pk"), done=False, due__lt=today)


def plans_for_user(request) -> QuerySet[CarePlan]:
    """The plans of the students the user may see (whoever may see a student reads their
    plans)."""
    qs = CarePlan.objects.filter(school=request.school)
    if Perm.VIEW_ALL_STUDENTS in request.schoolperms:
        return qs
    return qs.filter(student__in=students_for_user(request).values("pk"))


def plan_get_for_user(request, pk: int) -> CarePlan:
    """A plan of a student the user may see (404 otherwise)."""
    plan = (
        plans_for_user(request)
        .filter(pk=pk)
        .select_related("student", "term__academic_year", "opened_by", "school__district")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def is_overdue(plan: CarePlan, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    if plan.status == CarePlan.Status.CLOSED:
        return False
    if plan.next_review and plan.next_review < today:
        return True
    return bool(getattr(plan, "late_actions", 0))


@dataclass
class PlanRow:
    plan: CarePlan
    enrolment: Enrolment | None = None
    group: CareGroup | None = None
    overdue: bool = False
    review_late: bool = False

    @property
    def student(self):
        return self.plan.student


@dataclass
class PlanList:
    rows: list[PlanRow]
    counts: dict[str, int]
    page: object = None


def plan_counts(qs: QuerySet[CarePlan], today: datetime.date) -> dict[str, int]:
    """How many plans are open (not closed), overdue and closed (one query)."""
    late = Exists(_late_actions(today))
    counts = qs.annotate(has_late=late).aggregate(
        open=Count("pk", filter=~Q(status=CarePlan.Status.CLOSED)),
        closed=Count("pk", filter=Q(status=CarePlan.Status.CLOSED)),
        overdue=Count(
            "pk",
            filter=~Q(status=CarePlan.Status.CLOSED)
            & (Q(next_review__lt=today) | Q(has_late=True)),
        ),
    )
    counts["all"] = counts["open"] + counts["closed"]
    return counts


def plan_rows(
    *, request, show: str = "open", classroom_id: int | None = None, term=None, page=1
) -> PlanList:
    """The list of plans page: overdue first, then by next review date.

    Queries: the counts per filter; the page of plans (with students); the current classrooms
    of those students; their care groups in ``term`` (plus the paginator's count)."""
    from django.core.paginator import Paginator

    today = timezone.localdate()
    qs = plans_for_user(request)
    if classroom_id:
        qs = qs.filter(
            student__enrolments__classroom_id=classroom_id,
            student__enrolments__academic_year=request.academic_year,
        )
    counts = plan_counts(qs, today)
    late = Exists(_late_actions(today))
    qs = qs.annotate(
        has_late=late,
        late_actions=Count(
            "actions", filter=Q(actions__done=False, actions__due__lt=today), distinct=True
        ),
    )
    overdue = ~Q(status=CarePlan.Status.CLOSED) & (Q(next_review__lt=today) | Q(has_late=True))
    if show == "overdue":
        qs = qs.filter(overdue)
    elif show == "closed":
        qs = qs.filter(status=CarePlan.Status.CLOSED)
    elif show == "open":
        qs = qs.exclude(status=CarePlan.Status.CLOSED)
    qs = (
        qs.annotate(
            overdue_first=Case(When(overdue, then=Value(0)), default=Value(1)),
            closed_last=true_when(Q(status=CarePlan.Status.CLOSED)),
        )
        .select_related("student")
        .order_by(
            "overdue_first",
            "closed_last",
            F("next_review").asc(nulls_last=True),
            "-opened_on",
            "-pk",
        )
    )
    paginator = Paginator(qs, 50)
    page_obj = paginator.get_page(page)
    plans = list(page_obj.object_list)
    rows = [PlanRow(plan=p) for p in plans]
    student_ids = {p.student_id for p in plans}
    if student_ids:
        enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(
                student_id__in=student_ids, academic_year=request.academic_year
            ).select_related("classroom")
        }
        groups = {}
        if term is not None:
            groups = {
                g.student_id: g
                for g in CareGroup.objects.filter(student_id__in=student_ids, term=term)
            }
        for row in rows:
            row.enrolment = enrolments.get(row.plan.student_id)
            row.group = groups.get(row.plan.student_id)
            row.overdue = is_overdue(row.plan, today)
            row.review_late = bool(
                row.plan.status != CarePlan.Status.CLOSED
                and row.plan.next_review
                and row.plan.next_review < today
            )
    return PlanList(rows=rows, counts=counts, page=page_obj)


def screened_term(*, school, term):
    """The term whose care groups count now: ``term`` when the school has groups in it, else
    the latest earlier term that has (screening is done in term 1; its groups still call for
    care in term 2). One query."""
    if term is None:
        return None
    group = (
        CareGroup.objects.filter(school=school, term__start__lte=term.start)
        .select_related("term__academic_year")
        .order_by("-term__start")
        .first()
    )
    return group.term if group else term


def students_needing_plans(*, request, term, classroom_id: int | None = None) -> list[CareGroup]:
    """Students the user may see who are in the risk or problem group in ``term`` and have no
    plan that is not closed (one query)."""
    if term is None:
        return []
    open_plans = CarePlan.objects.filter(student=OuterRef("student")).exclude(
        status=CarePlan.Status.CLOSED
    )
    qs = (
        CareGroup.objects.filter(
            school=request.school,
            term=term,
            level__in=["risk", "problem"],
            student__in=students_for_user(request).values("pk"),
        )
        .exclude(Exists(open_plans))
        .select_related("student")
        .order_by(
            Case(When(level="problem", then=Value(0)), default=Value(1)),
            "student__student_code",
        )
    )
    if classroom_id:
        qs = qs.filter(
            student__enrolments__classroom_id=classroom_id,
            student__enrolments__academic_year=term.academic_year_id,
        )
    return list(qs[:100])


def student_plans(*, student) -> list[CarePlan]:
    """A student's plans, newest first, each with ``late_actions`` and ``overdue`` (one query)."""
    today = timezone.localdate()
    plans = list(
        CarePlan.objects.filter(student=student)
        .annotate(
            late_actions=Count(
                "actions", filter=Q(actions__done=False, actions__due__lt=today), distinct=True
            )
        )
        .order_by("-opened_on", "-pk")
    )
    for plan in plans:
        plan.overdue = is_overdue(plan, today)
    return plans


def overdue_for_teacher(*, user, academic_year) -> list[dict]:
    """For a homeroom teacher's landing page: per school, how many plans of the students of
    their classrooms this year are overdue (one query; run inside the teacher's schools'
    scope)."""
    if academic_year is None:
        return []
    today = timezone.localdate()
    rows = (
        CarePlan.objects.filter(
            student__enrolments__classroom__assignments__teacher=user,
            student__enrolments__academic_year=academic_year,
        )
        .exclude(status=CarePlan.Status.CLOSED)
        .annotate(has_late=Exists(_late_actions(today)))
        .filter(Q(next_review__lt=today) | Q(has_late=True))
        .values("school_id", "school__code", "school__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("school__name")
    )
    return [{"code": r["school__code"], "name": r["school__name"], "count": r["n"]} for r in rows]


# --- plan detail -------------------------------------------------------------------------------
@dataclass
class PlanDetail:
    plan: CarePlan
    actions: list[CarePlanAction]
    follow_ups: list
    enrolment: Enrolment | None
    group: CareGroup | None
    teachers: list = field(default_factory=list)
    overdue: bool = False
    review_late: bool = False

    @property
    def late_actions(self) -> list[CarePlanAction]:
        today = timezone.localdate()
        return [a for a in self.actions if not a.done and a.due and a.due < today]


def plan_detail(*, plan: CarePlan) -> PlanDetail:
    """The plan with its actions, follow-ups (with who recorded them), the student's classroom
    in the plan's year with its teachers, and the student's group in the plan's term."""
    today = timezone.localdate()
    actions = list(plan.actions.all())
    follow_ups = list(plan.follow_ups.select_related("recorded_by"))
    enrolment = (
        Enrolment.objects.filter(student=plan.student, academic_year_id=plan.term.academic_year_id)
        .select_related("classroom")
        .first()
    )
    teachers = []
    if enrolment is not None:
        teachers = [a.teacher for a in enrolment.classroom.assignments.select_related("teacher")]
    # The group in the plan's term, else the latest one before it (screening is in term 1).
    year, number = plan.term.academic_year.year, plan.term.number
    group = (
        CareGroup.objects.filter(student=plan.student)
        .filter(
            Q(term__academic_year__year__lt=year)
            | Q(term__academic_year__year=year, term__number__lte=number)
        )
        .select_related("term__academic_year")
        .order_by("-term__academic_year__year", "-term__number")
        .first()
    )
    plan.late_actions = sum(1 for a in actions if not a.done and a.due and a.due < today)
    return PlanDetail(
        plan=plan,
        actions=actions,
        follow_ups=follow_ups,
        enrolment=enrolment,
        group=group,
        teachers=teachers,
        overdue=is_overdue(plan, today),
        review_late=bool(
            plan.status != CarePlan.Status.CLOSED and plan.next_review and plan.next_review < today
        ),
    )


# --- support -----------------------------------------------------------------------------------
def student_support(*, student) -> list[Support]:
    return list(
        Support.objects.filter(student=student)
        .select_related("term__academic_year")
        .order_by("-date", "-pk")
    )


@dataclass
class SupportTotals:
    by_kind: list[dict]
    by_source: list[dict]
    total_amount: Decimal
    records: int
    students: int


KIND_LABELS = dict(SupportKind.choices)


def support_totals(*, school, terms) -> SupportTotals:
    """Totals of the school's support in ``terms`` per kind and per source (three queries):
    records, students helped and amount."""
    qs = Support.objects.filter(school=school, term__in=terms)
    by_kind = [
        {
            "kind": r["kind"],
            "label": KIND_LABELS.get(r["kind"], r["kind"]),
            "records": r["records"],
            "students": r["students"],
            "amount": r["amount"] or Decimal(0),
        }
        for r in qs.values("kind")
        .annotate(
            records=Count("pk"), students=Count("student", distinct=True), amount=Sum("amount")
        )
        .order_by("kind")
    ]
    order = list(SupportKind.values)
    by_kind.sort(key=lambda r: order.index(r["kind"]) if r["kind"] in order else 99)
    sources: dict[tuple, dict] = defaultdict(dict)
    for r in (
        qs.values("kind", "source")
        .annotate(
            records=Count("pk"), students=Count("student", distinct=True), amount=Sum("amount")
        )
        .order_by("kind", "source")
    ):
        sources[(r["kind"], r["source"])] = {
            "kind": r["kind"],
            "label": KIND_LABELS.get(r["kind"], r["kind"]),
            "source": r["source"],
            "records": r["records"],
            "students": r["students"],
            "amount": r["amount"] or Decimal(0),
        }
    by_source = sorted(
        sources.values(),
        key=lambda r: (order.index(r["kind"]) if r["kind"] in order else 99, -r["amount"]),
    )
    overall = qs.aggregate(
        records=Count("pk"), students=Count("student", distinct=True), amount=Sum("amount")
    )
    return SupportTotals(
        by_kind=by_kind,
        by_source=by_source,
        total_amount=overall["amount"] or Decimal(0),
        records=overall["records"],
        students=overall["students"],
    )


def support_records(*, school, terms) -> QuerySet[Support]:
    return (
        Support.objects.filter(school=school, term__in=terms)
        .select_related("student", "term__academic_year")
        .order_by("-date", "-pk")
    )
