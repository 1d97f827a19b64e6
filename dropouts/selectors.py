"""Reading dropout cases for pages: the list (late first, then by deadline) with its filters, the
figures at its top, one case with its log, team and observations, and the student search of the
new-case form. Each page takes a fixed number of queries."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from carecore.national_id import normalize_national_id
from carecore.queries import true_when
from dropouts.models import (
    IN_EDUCATION,
    CaseLogEntry,
    CaseObservation,
    CaseTeamMember,
    DropoutCase,
    Outcome,
    Situation,
    Step,
)

PAGE_SIZE = 50
STATE_CHOICES = ("open", "late", "closed", "all")
SEARCH_LIMIT = 20


def _open() -> Q:
    return ~Q(step=Step.CLOSED)


def _late(today: datetime.date) -> Q:
    return _open() & Q(step_due__lt=today)


@dataclass
class Figures:
    open: int = 0
    late: int = 0
    closed: int = 0
    median_days_to_close: float | None = None
    # Closed cases back in education (back in school, or in non-formal education).
    in_education: int = 0
    # Closed cases that reached "back in school" at least once (their follow-up is over), and
    # of them those still in school at the last observation (closed as back in school).
    observed: int = 0
    stayed: int = 0

    @property
    def in_education_share(self) -> float | None:
        return 100 * self.in_education / self.closed if self.closed else None

    @property
    def stayed_share(self) -> float | None:
        return 100 * self.stayed / self.observed if self.observed else None


def case_figures(cases: QuerySet[DropoutCase], *, today: datetime.date | None = None) -> Figures:
    """Open and late cases, the median days from report to close, the share of closed cases back
    in education, and the share still in school at the last observation (two queries)."""
    today = today or timezone.localdate()
    closed = Q(step=Step.CLOSED)
    has_observations = Exists(CaseObservation.objects.filter(case=OuterRef("pk")))
    counts = (
        cases.order_by()
        .annotate(has_observations=has_observations)
        .aggregate(
            open=Count("pk", filter=_open()),
            late=Count("pk", filter=_late(today)),
            closed=Count("pk", filter=closed),
            in_education=Count("pk", filter=closed & Q(outcome__in=IN_EDUCATION)),
            observed=Count("pk", filter=closed & Q(has_observations=True)),
            stayed=Count(
                "pk", filter=closed & Q(has_observations=True, outcome=Outcome.BACK_IN_SCHOOL)
            ),
        )
    )
    figures = Figures(**counts)
    durations = [
        (closed_on - reported_on).days
        for reported_on, closed_on in cases.filter(closed)
        .order_by()
        .values_list("reported_on", "closed_on")
    ]
    if durations:
        figures.median_days_to_close = statistics.median(durations)
    return figures


@dataclass
class CaseFilters:
    state: str = "open"
    step: str = ""
    situation: str = ""
    school_id: int | None = None
    q: str = ""

    @classmethod
    def from_request(cls, params, *, school_ids=()) -> CaseFilters:
        state = params.get("state") or "open"
        step = params.get("step") or ""
        situation = params.get("situation") or ""
        school = params.get("school") or ""
        school_id = int(school) if school.isdigit() and int(school) in set(school_ids) else None
        return cls(
            state=state if state in STATE_CHOICES else "open",
            step=step if step in Step.values else "",
            situation=situation if situation in Situation.values else "",
            school_id=school_id,
            q=(params.get("q") or "").strip()[:100],
        )

    def query_string(self, **override) -> str:
        from urllib.parse import urlencode

        values = {
            "state": self.state,
            "step": self.step,
            "situation": self.situation,
            "school": self.school_id or "",
            "q": self.q,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@dataclass
class CaseListing:
    page: Page
    rows: list[DropoutCase] = field(default_factory=list)


def case_list(
    cases: QuerySet[DropoutCase],
    *,
    filters: CaseFilters,
    page: int | str = 1,
    today: datetime.date | None = None,
) -> CaseListing:
    """The cases, filtered: late first, then by the step's deadline (soonest first), closed ones
    by closing date (two queries: the count and the page)."""
    today = today or timezone.localdate()
    qs = cases
    if filters.state == "open":
        qs = qs.filter(_open())
    elif filters.state == "late":
        qs = qs.filter(_late(today))
    elif filters.state == "closed":
        qs = qs.filter(step=Step.CLOSED)
    if filters.step:
        qs = qs.filter(step=filters.step)
    if filters.situation:
        qs = qs.filter(situation=filters.situation)
    if filters.school_id:
        qs = qs.filter(school_id=filters.school_id)
    if filters.q:
        words = Q()
        for word in filters.q.split()[:4]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(student__first_name__icontains=word)
                | Q(student__last_name__icontains=word)
                | Q(village__icontains=word)
            )
        qs = qs.filter(words)
    qs = (
        qs.select_related("school", "student", "owner")
        .annotate(is_late=true_when(_late(today)))
        .order_by(
            "-is_late",
            F("step_due").asc(nulls_last=True),
            F("closed_on").desc(nulls_last=True),
            "-pk",
        )
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    return CaseListing(page=page_obj, rows=list(page_obj.object_list))


def case_counts(cases: QuerySet[DropoutCase], *, today: datetime.date | None = None) -> dict:
    """Open and late cases (one query), for the links on the district's and school's pages."""
    today = today or timezone.localdate()
    return cases.order_by().aggregate(
        open=Count("pk", filter=_open()), late=Count("pk", filter=_late(today))
    )


@dataclass
class CaseDetail:
    log: list[CaseLogEntry]
    team: list[CaseTeamMember]
    observations: list[CaseObservation]

    @property
    def pending_observation(self) -> CaseObservation | None:
        return next((o for o in self.observations if not o.recorded), None)

    @property
    def current_observations(self) -> list[CaseObservation]:
        return self.observations


def case_detail(case: DropoutCase) -> CaseDetail:
    """The case's log (newest first), team and observations (three queries)."""
    return CaseDetail(
        log=list(CaseLogEntry.objects.filter(case=case).order_by("-date", "-pk")),
        team=list(CaseTeamMember.objects.filter(case=case).order_by("pk")),
        observations=list(
            CaseObservation.objects.filter(case=case).select_related("by").order_by("due_on", "pk")
        ),
    )


def student_search(*, district, q: str):
    """Students of the district's schools matching a name or a national ID (at most 20)."""
    from students.models import Student

    q = (q or "").strip()[:100]
    if len(q) < 2:
        return []
    qs = Student.objects.filter(school__district=district)
    digits = normalize_national_id(q)
    if digits.isdigit() and len(digits) >= 4:
        qs = qs.filter(Q(national_id__endswith=digits) | Q(national_id=digits))
    else:
        words = Q()
        for word in q.split()[:3]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(nickname__icontains=word)
            )
        qs = qs.filter(words)
    return list(
        qs.select_related("school").order_by("first_name", "last_name", "pk")[:SEARCH_LIMIT]
    )
