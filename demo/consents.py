"""Demo data of guardian consent: the students of teacher1's classroom (the one whose home
visits have photos) have their guardian's consent to photos, signed on paper at the start of the
year, as a school collects it with the home-visit letter."""

from __future__ import annotations

import datetime

from students.consent_models import GuardianConsent
from students.models import Enrolment, Guardian


def seed_photo_consents(*, classroom_id: int, given_on: datetime.date, user=None) -> int:
    """Bulk-create the consents (run inside scopes_disabled); returns how many were made."""
    students = list(
        Enrolment.objects.filter(classroom_id=classroom_id)
        .exclude(
            student__consents__purpose=GuardianConsent.Purpose.HOME_VISIT_PHOTOS,
            student__consents__withdrawn_at__isnull=True,
        )
        .values_list("student_id", "student__school_id")
    )
    guardians: dict[int, Guardian] = {}
    for guardian in Guardian.objects.filter(
        student_id__in=[s for s, _school in students], is_primary=True
    ):
        guardians.setdefault(guardian.student_id, guardian)
    rows = []
    for student_id, school_id in students:
        guardian = guardians.get(student_id)
        rows.append(
            GuardianConsent(
                school_id=school_id,
                student_id=student_id,
                purpose=GuardianConsent.Purpose.HOME_VISIT_PHOTOS,
                guardian=guardian,
                given_by=(
                    f"{guardian} ({guardian.get_relation_display()})" if guardian else "ผู้ปกครอง"
                )[:200],
                given_on=given_on,
                method=GuardianConsent.Method.PAPER,
                recorded_by=user,
            )
        )
    GuardianConsent.objects.bulk_create(rows)
    return len(rows)
