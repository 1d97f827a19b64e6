"""Reading referrals for pages, with a fixed number of queries per page.

Every list starts from ``carecore.access.referrals_for_user``: nobody lists a referral they
could not open. Overdue (docs/referrals.md): sent and not accepted by ``answer_due``, or
accepted and without a result by ``result_due``.
"""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from referrals.access import referral_recipient_roles, referrals_for_user
from referrals.models import Referral, ReferralUpdate
from referrals.services import overdue_q
from students.models import Enrolment

PAGE_SIZE = 50
SHOW_CHOICES = ("open", "overdue", "closed", "all")


def _for_list(qs: QuerySet[Referral], academic_year) -> QuerySet[Referral]:
    """What a list row shows: the student and their classroom this year, the sender, the
    recipient. Overdue first, then the other open ones, then the closed ones; newest first
    within each."""
    enrolment = Enrolment.objects.filter(student=OuterRef("student_id"))
    if academic_year is not None:
        enrolment = enrolment.filter(academic_year=academic_year)
    enrolment = enrolment.order_by("-academic_year__year")
    today = timezone.localdate()
    return (
        qs.select_related("student", "sender", "to_user", "agency")
        .annotate(
            rank=Case(
                When(overdue_q(today), then=Value(0)),
                When(status__in=Referral.OPEN_STATUSES, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            grade=Subquery(enrolment.values("classroom__grade")[:1]),
            room=Subquery(enrolment.values("classroom__room")[:1]),
        )
        .order_by("rank", "-sent_on", "-pk")
    )


def _filtered(qs: QuerySet[Referral], *, show: str, kind: str = "") -> QuerySet[Referral]:
    today = timezone.localdate()
    if show == "open":
        qs = qs.filter(status__in=Referral.OPEN_STATUSES)
    elif show == "overdue":
        qs = qs.filter(overdue_q(today))
    elif show == "closed":
        qs = qs.filter(status=Referral.Status.CLOSED)
    if kind in Referral.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def to_me_q(request) -> Q:
    """Referrals to the user: by name, or to one of their roles at the school."""
    mine = Q(to_user=request.user)
    roles = referral_recipient_roles(request)
    if roles:
        mine |= Q(to_role__in=roles)
    return mine


def _page(qs: QuerySet[Referral], page) -> Page:
    """One page (two queries: the count and the rows)."""
    return Paginator(qs, PAGE_SIZE).get_page(page)


def inbox(request, *, show: str = "all", page=1) -> Page:
    """Referrals to me (by role or by name), open first, overdue flagged."""
    qs = referrals_for_user(request).filter(to_me_q(request))
    return _page(_for_list(_filtered(qs, show=show), request.academic_year), page)


def sent(request, *, show: str = "all", page=1) -> Page:
    """Referrals I sent."""
    qs = referrals_for_user(request).filter(sender=request.user)
    return _page(_for_list(_filtered(qs, show=show), request.academic_year), page)


def school_referrals(request, *, show: str = "open", kind: str = "", term=None, page=1) -> Page:
    """Every referral of the school (the counsellor, the coordinator, the director); with
    ``term``, those sent during it (as the dashboards count them)."""
    qs = _filtered(referrals_for_user(request), show=show, kind=kind)
    if term is not None:
        qs = qs.filter(sent_on__gte=term.start, sent_on__lte=term.end)
    return _page(_for_list(qs, request.academic_year), page)


def counts(request, qs: QuerySet[Referral] | None = None) -> dict[str, int]:
    """How many are open, overdue, closed (one query)."""
    from django.db.models import Count

    qs = referrals_for_user(request) if qs is None else qs
    today = timezone.localdate()
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=Referral.OPEN_STATUSES)),
        overdue=Count("pk", filter=overdue_q(today)),
        closed=Count("pk", filter=Q(status=Referral.Status.CLOSED)),
        all=Count("pk"),
    )


def student_referrals(request, *, student) -> list[Referral]:
    """The student's referrals the user may see, newest first."""
    return list(
        referrals_for_user(request)
        .filter(student=student)
        .select_related("sender", "to_user", "agency")
        .order_by("-sent_on", "-pk")
    )


def plan_referrals(request, *, plan) -> list[Referral]:
    """Referrals made while ``plan`` was the student's open care plan (those the user may see)."""
    return list(
        referrals_for_user(request)
        .filter(care_plan=plan)
        .select_related("to_user", "agency")
        .order_by("-sent_on", "-pk")
    )


def referral_updates(referral: Referral) -> list[ReferralUpdate]:
    """The referral's log, oldest first."""
    return list(referral.updates.select_related("by").order_by("at", "pk"))


def waiting_count(request) -> int:
    """Open referrals to me at this school (for the school page's button)."""
    return (
        referrals_for_user(request)
        .filter(to_me_q(request), status__in=Referral.OPEN_STATUSES)
        .count()
    )


def classroom_label(referral: Referral) -> str:
    """ "ป.4/1" from the row's annotations, "" when not in a classroom this year."""
    from schools.models import Grade

    grade = getattr(referral, "grade", None)
    if grade is None:
        return ""
    return f"{Grade(grade).label}/{referral.room}"


def is_overdue(referral: Referral, today: datetime.date | None = None) -> bool:
    return referral.is_overdue(today)


def referrals_in_term(term):
    """Referrals (inside or outside the school) sent during ``term``."""
    return Referral.objects.filter(sent_on__gte=term.start, sent_on__lte=term.end)


def referred_student_ids(*, term, school_ids) -> set[int]:
    """Students of ``school_ids`` referred (internally or externally) during ``term``: a referral
    counts as care for the problem group (care/coverage.py uses the same rule)."""
    return set(
        referrals_in_term(term)
        .filter(school_id__in=list(school_ids))
        .values_list("student_id", flat=True)
    )
