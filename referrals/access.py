"""Who sees a referral and what they may do with it (docs/referrals.md), built on the
foundation's permissions (carecore/access.py).

A referral is seen by its sender, its current recipients (the holders of ``to_role`` at the
school, or ``to_user``), whoever holds READ_ALL_REFERRALS (the director, the counsellor, the
coordinator), and the student's homeroom teachers of this year. Everyone else, network and
district staff included, gets 404. The confidential notes: the sender, the recipients, and
SEE_REFERRAL_NOTES (the director and the counsellor)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from carecore.access import Perm, get_access, own_classroom_ids
from carecore.queries import first_or_404
from referrals.models import INTERNAL_ROLES, Agency, Referral
from students.models import Enrolment


def referral_recipient_roles(request) -> list[str]:
    """The user's roles at the request's school that internal referrals can be sent to."""
    roles = get_access(request).school_roles(request.school)
    return sorted(r for r in roles if r in INTERNAL_ROLES)


def referred_students_subquery(request):
    """The ids of the students of the request's school with an open referral to the user, by
    one of their roles or by name, as a subquery (no query of its own); None for users who
    have no referrals at the school (supervisors). Registered with students_for_user
    (referrals/apps.py): the recipients see the student until the referral is closed."""
    if Perm.USE_REFERRALS not in request.schoolperms:
        return None
    to_me = Q(to_user=request.user)
    roles = referral_recipient_roles(request)
    if roles:
        to_me |= Q(to_role__in=roles)
    return (
        Referral.objects.filter(school=request.school, status__in=Referral.OPEN_STATUSES)
        .filter(to_me)
        .values("student_id")
    )


def referrals_for_user(request) -> QuerySet[Referral]:
    """The referrals of the request's school that the user may see."""
    qs = Referral.objects.filter(school=request.school)
    if Perm.READ_ALL_REFERRALS in request.schoolperms:
        return qs
    if Perm.USE_REFERRALS not in request.schoolperms:
        return qs.none()
    mine = Q(sender=request.user) | Q(to_user=request.user)
    recipient_roles = referral_recipient_roles(request)
    if recipient_roles:
        mine |= Q(to_role__in=recipient_roles)
    classroom_ids = own_classroom_ids(request)
    if classroom_ids:
        mine |= Q(
            student_id__in=Enrolment.objects.filter(classroom_id__in=classroom_ids).values(
                "student_id"
            )
        )
    return qs.filter(mine)


def referral_get_for_user(request, pk: int) -> Referral:
    """A referral the user may see (404 otherwise), with what its page shows."""
    return first_or_404(
        referrals_for_user(request)
        .filter(pk=pk)
        .select_related(
            "school__district",
            "student",
            "sender",
            "to_user",
            "agency",
            "accepted_by",
            "closed_by",
            "care_plan",
        )
    )


def is_referral_recipient(request, referral) -> bool:
    """The user receives this internal referral: it names them, or one of their roles at the
    school. An external referral's recipient is the agency (nobody in the system)."""
    if referral.kind != "internal":
        return False
    if referral.to_user_id is not None:
        return referral.to_user_id == request.user.pk
    return referral.to_role in get_access(request).school_roles(request.school)


def can_manage_referral(request, referral) -> bool:
    """Record an agency's answer and result, follow up and close: the sender, and
    MANAGE_REFERRALS (the counsellor and the coordinator)."""
    if referral.sender_id is not None and referral.sender_id == request.user.pk:
        return True
    return Perm.MANAGE_REFERRALS in request.schoolperms


def can_see_referral_notes(request, referral) -> bool:
    """The confidential notes: the sender, the recipients, and SEE_REFERRAL_NOTES (the director
    and the counsellor)."""
    if referral.sender_id is not None and referral.sender_id == request.user.pk:
        return True
    if is_referral_recipient(request, referral):
        return True
    return Perm.SEE_REFERRAL_NOTES in request.schoolperms


# --- partner agencies ------------------------------------------------------------------------
def agency_get_for_district(request, pk: int, *, permission: str | None = None) -> Agency:
    """A partner agency of the request's district (inside ``district_view``): another district's
    agency, or one that does not exist, answers 404; ``permission`` for an action on it (403)."""
    agency = first_or_404(Agency.objects.filter(district=request.district, pk=pk))
    if permission and permission not in request.districtperms:
        raise PermissionDenied
    return agency
