"""Parent and student forms without an account: the per-student codes (FormLink), the school's
screening window, and the throttle on wrong codes.

A code names one student, one term and one rater (parent or student). It is created the first
time the classroom's slips are printed and reused on every reprint, so the paper a family already
has stays valid. It opens the form only while the school's window for that term is open
(docs/screening.md, "Parent and student forms").
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from carecore.dates import ARABIC_DIGITS
from screening import scoring
from screening.models import CODE_ALPHABET, CODE_LENGTH, FormLink, Rater, ScreeningWindow
from students.models import Enrolment

# The raters who answer through a link; the teacher fills their form with an account.
LINK_RATERS = (Rater.PARENT, Rater.STUDENT)


# --- codes -------------------------------------------------------------------------------------
def code_normalise(text: str | None) -> str:
    """What a person typed or scanned, as stored: capitals, no spaces or dashes; Thai digits
    read as digits. ``abcd-efgh`` and `` ABCD EFGH`` both give ``ABCDEFGH``."""
    text = str(text or "").translate(ARABIC_DIGITS).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def code_is_well_formed(code: str) -> bool:
    """Eight symbols of the slip alphabet (no 0, O, 1, I or L)."""
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


# --- which forms go through links --------------------------------------------------------------
def link_raters_for_grade(grade: int | None) -> tuple[str, ...]:
    """The forms that go through links in a classroom of the grade: ป.4 and up, the parent's
    form and the self-report (which only students of age get: ``link_raters_for_student``);
    ป.1–3 and kindergarten: none, the teacher's form is entered at school."""
    if grade is None:
        return ()
    by_grade = tuple(r for r in scoring.sdq_forms_for_grade(grade) if r in LINK_RATERS)
    return (*by_grade, Rater.STUDENT) if by_grade else ()


def link_raters_for_student(*, student, grade: int | None, term) -> tuple[str, ...]:
    """The link forms one student of the grade gets in the term (the self-report by age)."""
    forms = scoring.sdq_forms(grade, student.age_on(term.start))
    return tuple(r for r in link_raters_for_grade(grade) if r in forms)


def link_enrolment(link: FormLink) -> Enrolment | None:
    """The student's classroom in the academic year of the link's term."""
    return (
        Enrolment.objects.filter(
            student_id=link.student_id, academic_year_id=link.term.academic_year_id
        )
        .select_related("classroom")
        .first()
    )


# --- the classroom's links ---------------------------------------------------------------------
@dataclass
class SlipRow:
    enrolment: Enrolment
    links: dict[str, FormLink] = field(default_factory=dict)

    @property
    def student(self):
        return self.enrolment.student


def _classroom_enrolments(classroom) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(classroom=classroom).select_related("student").order_by("number")
    )


def form_links_of_classroom(*, classroom, term) -> list[SlipRow]:
    """Each student of the classroom with the links that already exist for the term (two
    queries; creates nothing)."""
    rows = {e.student_id: SlipRow(enrolment=e) for e in _classroom_enrolments(classroom)}
    if rows and term is not None:
        for link in FormLink.objects.filter(student_id__in=list(rows), term=term):
            rows[link.student_id].links[link.rater] = link
    return list(rows.values())


@transaction.atomic
def form_links_for_classroom(*, classroom, term) -> list[SlipRow]:
    """Each student of the classroom with a link for every form of theirs that goes through a
    link (the self-report by age), creating the missing ones. Existing codes are kept, so a
    reprint gives the same codes. A bounded number of queries, whatever the size of the room."""
    raters = link_raters_for_grade(classroom.grade)
    rows = form_links_of_classroom(classroom=classroom, term=term)
    if not raters or term is None:
        return rows
    for _attempt in range(5):
        missing = [
            FormLink(student=row.student, term=term, rater=rater)
            for row in rows
            for rater in link_raters_for_student(
                student=row.student, grade=classroom.grade, term=term
            )
            if rater not in row.links
        ]
        if not missing:
            break
        # A code already taken (about one chance in 10^11) or a link made meanwhile by a
        # colleague printing the same room: those rows are skipped and looked up again below.
        FormLink.objects.bulk_create(missing, ignore_conflicts=True)
        by_student = {row.student.pk: row for row in rows}
        for link in FormLink.objects.filter(student_id__in=list(by_student), term=term):
            by_student[link.student_id].links[link.rater] = link
    return rows


# --- the screening window ----------------------------------------------------------------------
class WindowState(enum.StrEnum):
    """Compares equal to its value, so templates test ``state == "open"``."""

    NONE = "none"  # the school has set no dates for the term
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"


def screening_window_get(*, school, term) -> ScreeningWindow | None:
    if term is None:
        return None
    return ScreeningWindow.objects.filter(school=school, term=term).first()


def window_state(window: ScreeningWindow | None, today: datetime.date | None = None):
    if window is None:
        return WindowState.NONE
    today = today or timezone.localdate()
    if today < window.opens:
        return WindowState.NOT_YET
    if today > window.closes:
        return WindowState.CLOSED
    return WindowState.OPEN


def screening_window_save(
    *, school, term, opens: datetime.date, closes: datetime.date, user
) -> ScreeningWindow:
    """Set the days in which parents and students may answer (both days included)."""
    window, created = ScreeningWindow.objects.get_or_create(
        school=school,
        term=term,
        defaults={"opens": opens, "closes": closes, "created_by": user},
    )
    if not created:
        window.opens, window.closes = opens, closes
        window.save(update_fields=["opens", "closes"])
    return window


def screening_window_delete(*, school, term) -> None:
    ScreeningWindow.objects.filter(school=school, term=term).delete()


# --- throttling wrong codes --------------------------------------------------------------------
# Codes are 8 symbols of 31 (about 8.5e11 codes); on top of that, an address that keeps
# trying wrong codes is stopped for a while. Schools share one address on their Wi-Fi, so the
# limit is generous: a family that mistypes twice does not lock out the parents' meeting.
def _throttle_limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "SCREENING_LINK_MAX_FAILURES", 20)),
        int(getattr(settings, "SCREENING_LINK_FAILURE_WINDOW", 600)),
    )


def _throttle_key(ip: str | None) -> str:
    return f"screening-link-failures:{ip or 'unknown'}"


def link_throttle_blocked(ip: str | None) -> bool:
    limit, _seconds = _throttle_limits()
    return (cache.get(_throttle_key(ip)) or 0) >= limit


def link_throttle_failure(ip: str | None) -> None:
    """Count one wrong code from ``ip``; the count starts from the first failure and is
    forgotten ``SCREENING_LINK_FAILURE_WINDOW`` seconds later."""
    _limit, seconds = _throttle_limits()
    key = _throttle_key(ip)
    if not cache.add(key, 1, seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, seconds)
