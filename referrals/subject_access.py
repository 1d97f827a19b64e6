"""Referrals in the subject-access export (the engine: students/subject_access.py): the
referrals and what came back, with their log. A referral's confidential notes only for who may
read them (``referral_note_ids``)."""

from django.utils.translation import gettext_lazy

from referrals.models import Referral, ReferralUpdate
from students.subject_access import Collector, register_sections


def _confidential(request, student) -> dict:
    from referrals.access import can_see_referral_notes, referrals_for_user

    return {
        "referral_note_ids": [
            r.pk
            for r in referrals_for_user(request).filter(student=student)
            if can_see_referral_notes(request, r)
        ]
    }


@register_sections("referrals", order=50, linked=(Referral,), confidential=_confidential)
def referral_sections(collector: Collector) -> None:
    referrals = list(
        Referral.objects.filter(student=collector.student)
        .select_related("sender", "to_user", "agency", "accepted_by", "closed_by")
        .order_by("sent_on", "pk")
    )
    note_ids = collector.referral_note_ids
    collector.add(
        "referrals",
        gettext_lazy("Referrals"),
        referrals,
        Referral,
        skip={"overdue_notified"},
        hide=lambda r: set() if r.pk in note_ids else {"sensitive_notes"},
    )
    collector.add(
        "referral_updates",
        gettext_lazy("Referral log"),
        ReferralUpdate.objects.filter(referral__in=referrals)
        .select_related("by")
        .order_by("referral_id", "pk"),
        ReferralUpdate,
    )
