"""The school's side of the portal's content (docs/portal.md, "Content"), under
s/<school_code>/family/ (namespace "portal_staff"): the families' messages (inbox, a thread,
writing to a student's parents), asking the parents for a consent, proposing a home visit, and
the counsellor's requests for help.

Every page names its permission; the rows go through portal.staff_access (404 outside reach).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.form_views import form_saved, student_page
from carecore.queries import first_or_404
from portal import services
from portal.forms import (
    AppointmentForm,
    ConsentRequestForm,
    HelpAnswerForm,
    MessageForm,
    StartMessageForm,
)
from portal.models import ConsentRequest, HelpRequest, MessageThread
from portal.routes import staff_pages
from portal.staff_access import (
    family_student_get,
    help_request_get,
    thread_get_for_staff,
    threads_for_staff,
)
from students.access import can_record_consent, parent_users_for, student_get_for_user
from visits import appointments
from visits.access import require_record_visits
from visits.models import VisitAppointment


def _url(name: str, request, **kwargs) -> str:
    return reverse(f"portal_staff:{name}", kwargs={"school_code": request.school.code, **kwargs})


# --- messages ----------------------------------------------------------------------------------
@staff_pages("messages/")
@school_view(Perm.MESSAGE_FAMILIES)
def inbox(request):
    """The threads of the families the user writes to, newest first, each with how many of the
    parent's messages came after the school last read it (one query)."""
    threads = list(
        threads_for_staff(request)
        .filter(last_message_at__isnull=False)
        .select_related("student", "parent")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__from_family=True)
                & (Q(staff_read_at__isnull=True) | Q(messages__created__gt=F("staff_read_at"))),
            )
        )
        .order_by("-last_message_at", "-pk")[:200]
    )
    return render(
        request, "portal/staff/inbox.html", {"school": request.school, "threads": threads}
    )


def _thread_page(request, thread, form, status=200):
    if request.method == "GET":
        audit_view(request, _("Viewed the messages with a parent"), student=thread.student)
    context = {
        "school": request.school,
        "student": thread.student,
        "thread": thread,
        "thread_messages": list(thread.messages.select_related("author")),
        "form": form,
    }
    return render(request, "portal/staff/thread.html", context, status=status)


@staff_pages("messages/<int:thread_id>/")
@school_view(Perm.MESSAGE_FAMILIES)
def thread(request, thread_id):
    found = thread_get_for_staff(request, thread_id)
    form = MessageForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda data: services.message_send(
            thread=found, author=request.user, body=data["body"], from_family=False, request=request
        ),
        success=_("Your message is sent."),
        then=_url("thread", request, thread_id=found.pk),
    )
    if saved:
        return saved
    if request.method == "GET":
        services.thread_mark_read(thread=found, by_family=False)
    return _thread_page(request, found, form, 400 if form.errors else 200)


@staff_pages("students/<int:student_id>/messages/")
@school_view(Perm.MESSAGE_FAMILIES)
def student_messages(request, student_id):
    """A student's parents with an account, their threads, and a form to write to one."""
    student = family_student_get(request, student_id)
    parents = list(parent_users_for(student).order_by("first_name", "pk"))
    form = StartMessageForm(request.POST or None, parents=parents)
    saved = form_saved(
        request,
        form,
        lambda data: services.message_send(
            thread=services.thread_for(student=student, parent=data["parent"]),
            author=request.user,
            body=data["body"],
            from_family=False,
            request=request,
        ),
        success=_("Your message is sent."),
        then=lambda message: _url("thread", request, thread_id=message.thread_id),
    )
    if saved:
        return saved
    threads = list(
        MessageThread.objects.filter(student=student, school=request.school).select_related(
            "parent"
        )
    )
    return student_page(
        request,
        "portal/staff/student_messages.html",
        student,
        parents=parents,
        threads=threads,
        form=form,
    )


# --- consent requests --------------------------------------------------------------------------
@staff_pages("students/<int:student_id>/consent-requests/")
@school_view(Perm.VIEW_SCHOOL)
def consent_requests(request, student_id):
    """The student's consent requests and their answers; asking for one (who records consent)."""
    student = student_get_for_user(request, student_id)
    if not can_record_consent(request, student):
        raise PermissionDenied
    return _ask_parents(
        request,
        student,
        ConsentRequestForm(request.POST or None),
        services.consent_request_ask,
        success=_("The request is sent to the parents."),
        page="consent_requests",
        template="portal/staff/consent_requests.html",
        context=lambda: {
            "requests": list(
                ConsentRequest.objects.filter(
                    student=student, school=request.school
                ).select_related("asked_by", "answered_by")
            )
        },
    )


def _ask_parents(request, student, form, ask, *, success, page, template, context, audit=None):
    """A student's page of what the school asks the parents (a consent, a home-visit
    appointment) with the form to ask: on a valid POST ``ask(student=, user=, request=, **data)``
    is the service, then the ``success`` message and back to the ``page``; else ``template``
    with the form, whether the student has parents with an account and ``context()``."""
    saved = form_saved(
        request,
        form,
        lambda data: ask(student=student, user=request.user, request=request, **data),
        success=success,
        then=_url(page, request, student_id=student.pk),
    )
    return saved or student_page(
        request,
        template,
        student,
        audit=audit,
        has_parents=parent_users_for(student).exists(),
        form=form,
        **context(),
    )


def _cancel(request, student_id, model, pk, *, allowed, cancel, message: str, page: str):
    """A POST cancelling one of the student's rows (``model``, ``pk``): 404 for a student or a
    row out of reach, 403 unless ``allowed(student)``; ``cancel(row)`` is the service; back to
    the student's ``page`` with ``message``."""
    student = student_get_for_user(request, student_id)
    row = first_or_404(model.objects.filter(student=student, school=request.school, pk=pk))
    if not allowed(student):
        raise PermissionDenied
    cancel(row)
    messages.success(request, message)
    return redirect(_url(page, request, student_id=student.pk))


@staff_pages("students/<int:student_id>/consent-requests/<int:consent_request_id>/cancel/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def consent_request_cancel(request, student_id, consent_request_id):
    return _cancel(
        request,
        student_id,
        ConsentRequest,
        consent_request_id,
        allowed=lambda student: can_record_consent(request, student),
        cancel=lambda row: services.consent_request_cancel(
            consent_request=row, user=request.user, request=request
        ),
        message=_("The request is withdrawn."),
        page="consent_requests",
    )


# --- home-visit appointments -------------------------------------------------------------------
@staff_pages("students/<int:student_id>/appointments/")
@school_view(Perm.VIEW_SCHOOL)
def student_appointments(request, student_id):
    """The student's home-visit appointments with the family's answers; proposing one (whoever
    records the student's visits)."""
    student = student_get_for_user(request, student_id)
    if request.method == "POST":
        require_record_visits(request)
    return _ask_parents(
        request,
        student,
        AppointmentForm(request.POST or None),
        services.appointment_propose,
        success=_("The appointment is sent to the family."),
        page="student_appointments",
        template="portal/staff/appointments.html",
        audit=None if request.method == "POST" else _("Viewed the home-visit appointments"),
        context=lambda: {
            "appointments": list(appointments.student_appointments(student=student)),
            "can_propose": Perm.RECORD_VISITS in request.schoolperms,
        },
    )


@staff_pages("students/<int:student_id>/appointments/<int:appointment_id>/cancel/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def appointment_cancel(request, student_id, appointment_id):
    return _cancel(
        request,
        student_id,
        VisitAppointment,
        appointment_id,
        allowed=lambda student: Perm.RECORD_VISITS in request.schoolperms,
        cancel=lambda row: appointments.appointment_cancel(
            appointment=row, user=request.user, request=request
        ),
        message=_("The appointment is cancelled."),
        page="student_appointments",
    )


# --- requests for help (the counsellor's) ------------------------------------------------------
@staff_pages("help/")
@school_view(Perm.ANSWER_HELP_REQUESTS)
def help_list(request):
    """The school's requests for help, those waiting first (one query)."""
    found = list(
        HelpRequest.objects.filter(school=request.school)
        .select_related("student", "answered_by")
        .order_by(
            F("answered_at").asc(nulls_first=True),
            "-created",
        )[:300]
    )
    return render(
        request,
        "portal/staff/help_list.html",
        {
            "school": request.school,
            "requests": found,
            "waiting": sum(1 for r in found if r.status == HelpRequest.Status.OPEN),
        },
    )


@staff_pages("help/<int:help_id>/")
@school_view(Perm.ANSWER_HELP_REQUESTS)
def help_detail(request, help_id):
    found = help_request_get(request, help_id)
    form = HelpAnswerForm(request.POST or None, initial={"answer": found.answer})
    saved = form_saved(
        request,
        form,
        lambda data: services.help_request_answer(
            help_request=found, answer=data["answer"], user=request.user
        ),
        success=_("Your answer is sent to the student."),
        then=_url("help_list", request),
    )
    if saved:
        return saved
    return render(
        request,
        "portal/staff/help_detail.html",
        {"school": request.school, "student": found.student, "help": found, "form": form},
        status=400 if form.errors else 200,
    )
