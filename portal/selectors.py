"""Reads of the family's pages (docs/portal.md, "Content"): what a parent sees of a child and a
student of themselves. Only what the family may see: attendance and absences, the behaviour
notices meant for parents and the conduct points, forms waiting, appointments, consent requests
and messages; never screening results, counselling notes or another child.

Each function runs a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from attendance import selectors as attendance
from behaviour import selectors as behaviour
from portal.models import ConsentRequest, HelpRequest, MessageThread
from schools.selectors import current_academic_year, current_term
from screening.links import (
    WindowState,
    link_raters_for_student,
    screening_window_get,
    window_state,
)
from screening.models import FormLink, SdqResponse, Status
from students.models import Enrolment
from visits.appointments import current_appointment


# --- attendance and behaviour ------------------------------------------------------------------
@dataclass
class Attendance:
    term: object
    summary: object  # attendance.rules.Summary
    absences: list  # attendance.Mark: absent, late or on leave, newest first


def child_attendance(student, *, limit: int | None = None) -> Attendance | None:
    """The current term's summary and the days missed or late (``limit``: the newest only)."""
    term = current_term()
    if term is None:
        return None
    absences = attendance.student_absences(student, since=term.start)
    return Attendance(
        term=term,
        summary=attendance.student_attendance_summary(student, term),
        absences=absences[:limit] if limit else absences,
    )


@dataclass
class Conduct:
    year: object
    conduct: object  # behaviour.selectors.Conduct
    notices: list  # behaviour.Incident the parents are shown


def child_conduct(student, *, limit: int | None = None) -> Conduct | None:
    """This year's conduct points and the behaviour notices meant for parents (never a
    sensitive category, never the teacher's note)."""
    year = current_academic_year()
    if year is None:
        return None
    notices = behaviour.parent_notices(student, year)
    return Conduct(
        year=year,
        conduct=behaviour.student_conduct(student, year),
        notices=list(notices[:limit] if limit else notices),
    )


# --- screening forms waiting -------------------------------------------------------------------
@dataclass
class FormWaiting:
    rater: str
    term: object
    closes: datetime.date
    started: bool  # a draft is saved


def _grade(student, term) -> int | None:
    enrolment = (
        Enrolment.objects.filter(student=student, academic_year_id=term.academic_year_id)
        .select_related("classroom")
        .first()
    )
    return enrolment.classroom.grade if enrolment else None


def form_waiting(student, rater: str) -> FormWaiting | None:
    """The SDQ form of ``rater`` (the parent, or the student's self-report) waiting for the
    family: the school's window is open this term, the form is meant for this child (the
    self-report by age) and it is not sent yet."""
    term = current_term()
    window = screening_window_get(school=student.school, term=term)
    if window_state(window) != WindowState.OPEN:
        return None
    if rater not in link_raters_for_student(
        student=student, grade=_grade(student, term), term=term
    ):
        return None
    response = SdqResponse.objects.filter(student=student, term=term, rater=rater).first()
    if response is not None and response.status == Status.COMPLETE:
        return None
    return FormWaiting(rater=rater, term=term, closes=window.closes, started=response is not None)


def form_link_for(student, rater: str) -> FormLink | None:
    """The form's link of the child for this term (the one on the printed slip, made when it is
    missing), when the form waits for the family; None otherwise."""
    waiting = form_waiting(student, rater)
    if waiting is None:
        return None
    link, _created = FormLink.objects.get_or_create(student=student, term=waiting.term, rater=rater)
    return link


def form_link_url(link: FormLink) -> str:
    return reverse("screening_public:link_form", kwargs={"code": link.code})


# --- the school's requests and messages --------------------------------------------------------
def consent_requests_waiting(student) -> list[ConsentRequest]:
    return list(
        ConsentRequest.objects.filter(
            student=student, school_id=student.school_id, status=ConsentRequest.Status.WAITING
        )
    )


def consent_requests_answered(student, *, limit: int = 5) -> list[ConsentRequest]:
    return list(
        ConsentRequest.objects.filter(
            student=student,
            school_id=student.school_id,
            status__in=[ConsentRequest.Status.GIVEN, ConsentRequest.Status.REFUSED],
        )[:limit]
    )


def unread_from_school(student, parent) -> int:
    """The school's messages to this parent about this child that they have not read."""
    thread = MessageThread.objects.filter(student=student, parent=parent).first()
    if thread is None:
        return 0
    unread = Q(from_family=False)
    if thread.parent_read_at:
        unread &= Q(created__gt=thread.parent_read_at)
    return thread.messages.filter(unread).count()


def appointment_for_family(student):
    return current_appointment(student=student)


def help_requests_of(student) -> list[HelpRequest]:
    return list(
        HelpRequest.objects.filter(student=student, school_id=student.school_id).select_related(
            "answered_by"
        )
    )
