"""Reads of guardian consent (PDPA): the state of each purpose for a student, and its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from students.consent_models import GuardianConsent
from students.consent_uses import consent_uses

Purpose = GuardianConsent.Purpose


@dataclass(frozen=True)
class ConsentState:
    """One purpose for one student: the current consent, or the latest (withdrawn) one."""

    purpose: str
    current: GuardianConsent | None
    latest: GuardianConsent | None

    @property
    def label(self) -> str:
        return str(Purpose(self.purpose).label)

    @property
    def status(self) -> str:
        """ "given", "withdrawn" (the latest consent was withdrawn) or "none" (never recorded)."""
        if self.current is not None:
            return "given"
        if self.latest is not None:
            return "withdrawn"
        return "none"


def consent_history(*, student) -> QuerySet[GuardianConsent]:
    """Every consent of the student, withdrawn ones included, newest first."""
    return GuardianConsent.objects.filter(
        student=student, school_id=student.school_id
    ).select_related("guardian", "recorded_by", "withdrawn_by")


def consent_states(*, student) -> list[ConsentState]:
    """The state of every purpose, in the order of ``Purpose`` (one query)."""
    latest: dict[str, GuardianConsent] = {}
    current: dict[str, GuardianConsent] = {}
    for consent in consent_history(student=student):
        latest.setdefault(consent.purpose, consent)
        if consent.is_current:
            current.setdefault(consent.purpose, consent)
    return [ConsentState(p, current.get(p), latest.get(p)) for p in Purpose.values]


def consent_current(*, student, purpose: str) -> GuardianConsent | None:
    return (
        GuardianConsent.objects.filter(
            student=student,
            school_id=student.school_id,
            purpose=purpose,
            withdrawn_at__isnull=True,
        )
        .select_related("guardian")
        .first()
    )


def has_photo_consent(*, student) -> bool:
    """Whether photos may be taken at the student's home visits now."""
    return GuardianConsent.objects.filter(
        student=student,
        school_id=student.school_id,
        purpose=Purpose.HOME_VISIT_PHOTOS,
        withdrawn_at__isnull=True,
    ).exists()


def external_consent_withdrawal(*, referral) -> GuardianConsent | None:
    """For an open external referral: the guardian's withdrawn consent to outside agencies when
    it was withdrawn after the referral was made and no new consent was given since; the sender
    has to act on it (tell the agency, close or keep the referral with a reason)."""
    if referral.kind != "external" or not referral.is_open:
        return None
    latest = (
        GuardianConsent.objects.filter(
            student_id=referral.student_id,
            school_id=referral.school_id,
            purpose=Purpose.EXTERNAL_REFERRAL,
        )
        .order_by("-recorded_at", "-id")
        .first()
    )
    if latest is None or latest.is_current or latest.withdrawn_at < referral.created:
        return None
    return latest


@dataclass(frozen=True)
class WithdrawalEffects:
    """What withdrawing a consent will do, shown before the person confirms."""

    photos: int = 0  # home-visit photos that will be deleted
    visits_with_photos: int = 0
    referrals: list = field(default_factory=list)  # open external referrals to be marked


def consent_withdrawal_effects(*, consent: GuardianConsent) -> WithdrawalEffects:
    """What each use of the consent's purpose (students.consent_uses) will stop."""
    effects: dict = {}
    for use in consent_uses(consent.purpose):
        effects |= use.preview(consent.student)
    return WithdrawalEffects(**effects)
