"""The family's side of the portal's content (docs/portal.md, "Content"), under /family/
(namespace "portal"): a parent's page of one child (attendance, behaviour notices and points,
forms waiting, the home-visit appointment, consent requests, messages with the school) and a
student's own pages (attendance and points, the self-report, a confidential request for help).

The decorators (portal.access) give the child or the student, and 404 for anything else.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from carecore.form_views import form_saved
from carecore.queries import first_or_404
from portal import selectors, services
from portal.access import child_view, student_view
from portal.forms import AppointmentAnswerForm, HelpRequestForm, MessageForm
from portal.models import ConsentRequest, HelpRequest
from portal.routes import pages
from screening.models import Rater
from students.family_models import GuardianLink
from visits.models import VisitAppointment


def _child_url(name: str, child, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"student_id": child.pk, **kwargs})


def _render(request, template: str, child, status: int = 200, **context):
    context = {"child": child, "school": child.school, **context}
    return render(request, template, context, status=status)


# --- a parent's child --------------------------------------------------------------------------
@pages("children/<int:student_id>/")
@child_view
def child(request, child):
    """One page with everything waiting about the child, newest first, phone first."""
    return _render(
        request,
        "portal/family/child.html",
        child,
        attendance=selectors.child_attendance(child, limit=5),
        conduct=selectors.child_conduct(child, limit=3),
        form=selectors.form_waiting(child, Rater.PARENT),
        appointment=selectors.appointment_for_family(child),
        consent_requests=selectors.consent_requests_waiting(child),
        unread=selectors.unread_from_school(child, request.user),
    )


@pages("children/<int:student_id>/attendance/")
@child_view
def child_attendance(request, child):
    return _render(
        request,
        "portal/family/attendance.html",
        child,
        attendance=selectors.child_attendance(child),
    )


@pages("children/<int:student_id>/behaviour/")
@child_view
def child_behaviour(request, child):
    return _render(
        request, "portal/family/behaviour.html", child, conduct=selectors.child_conduct(child)
    )


@pages("children/<int:student_id>/form/")
@child_view
def child_form(request, child):
    """The parent's screening form of the child: the link of the printed slip (made when
    missing) while the form waits, else back to the child's page."""
    link = selectors.form_link_for(child, Rater.PARENT)
    if link is None:
        messages.info(request, _("No screening form waits for you now."))
        return redirect(_child_url("child", child))
    return redirect(selectors.form_link_url(link))


@pages("children/<int:student_id>/messages/")
@child_view
def child_messages(request, child):
    """The parent's messages with the school about the child; writing one tells the child's
    homeroom teachers."""
    thread = services.thread_for(student=child, parent=request.user)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_send(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                from_family=True,
                request=request,
            )
        except ValidationError as error:
            form.add_error("body", error.message_dict.get("body") or error.messages)
        else:
            messages.success(request, _("Your message is sent to the teacher."))
            return redirect(_child_url("child_messages", child))
    elif request.method == "GET":
        services.thread_mark_read(thread=thread, by_family=True)
    return render(
        request,
        "portal/family/messages.html",
        {
            "child": child,
            "school": child.school,
            "thread": thread,
            "thread_messages": list(thread.messages.select_related("author")),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _row_of(model, student, pk):
    """The ``model`` row ``pk`` about ``student``, at the student's school; else 404."""
    return first_or_404(model.objects.filter(student=student, school_id=student.school_id, pk=pk))


@pages("children/<int:student_id>/appointments/<int:appointment_id>/")
@child_view
def appointment_answer(request, child, appointment_id):
    """Confirm the teacher's day ("confirm"), or suggest another day with a note ("another")."""
    appointment = _row_of(VisitAppointment, child, appointment_id)
    form = AppointmentAnswerForm(request.POST or None)
    confirm = "confirm" in request.POST

    def answer(data):
        return services.appointment_answer(
            appointment=appointment,
            user=request.user,
            request=request,
            confirm=confirm,
            suggested_date=None if confirm else data["suggested_date"],
            suggested_time=None if confirm else data["suggested_time"],
            note=data["note"],
        )

    saved = form_saved(
        request,
        form,
        answer,
        success=_("Thank you: the teacher will see that you confirmed the visit.")
        if confirm
        else _("Thank you: the teacher will see the day you suggest."),
        then=_child_url("child", child),
    )
    if saved:
        return saved
    return _render(
        request,
        "portal/family/appointment.html",
        child,
        appointment=appointment,
        form=form,
        another_open=bool(form.errors) or appointment.status == VisitAppointment.Status.ANOTHER_DAY,
        status=400 if form.errors else 200,
    )


@pages("children/<int:student_id>/consents/<int:consent_request_id>/")
@child_view
def consent_answer(request, child, consent_request_id):
    """The school's request for a consent: yes or no (POST "yes" / "no")."""
    asked = _row_of(ConsentRequest, child, consent_request_id)
    error = None
    if request.method == "POST":
        if "yes" not in request.POST and "no" not in request.POST:
            error = _("Choose yes or no.")
        else:
            link = GuardianLink.objects.active().filter(user=request.user, student=child).first()
            try:
                services.consent_request_answer(
                    consent_request=asked,
                    yes="yes" in request.POST,
                    user=request.user,
                    guardian=link.guardian if link else None,
                    request=request,
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("Thank you: your answer is recorded."))
                return redirect(_child_url("child", child))
    return _render(
        request,
        "portal/family/consent.html",
        child,
        asked=asked,
        error=error,
        status=400 if error else 200,
    )


# --- a student's own pages ---------------------------------------------------------------------
@pages("me/record/")
@student_view
def my_record(request, student):
    """The student's own attendance this term and conduct points this year."""
    return render(
        request,
        "portal/family/my_record.html",
        {
            "student": student,
            "school": student.school,
            "attendance": selectors.child_attendance(student),
            "conduct": selectors.child_conduct(student),
        },
    )


@pages("me/form/")
@student_view
def my_form(request, student):
    """The student's self-report of this term, while the school's window is open."""
    link = selectors.form_link_for(student, Rater.STUDENT)
    if link is None:
        messages.info(request, _("No screening form waits for you now."))
        return redirect("portal:home")
    return redirect(selectors.form_link_url(link))


@pages("me/help/")
@student_view
def my_help(request, student):
    """Ask the counsellor for help, in confidence; the requests sent and their answers."""
    form = HelpRequestForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda data: services.help_request_send(student=student, author=request.user, **data),
        success=_("Your request is sent. Only the counsellor reads it; the answer comes here."),
        then=reverse("portal:my_help"),
    )
    if saved:
        return saved
    return render(
        request,
        "portal/family/my_help.html",
        {
            "student": student,
            "school": student.school,
            "requests": selectors.help_requests_of(student),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@pages("me/help/<int:help_id>/")
@student_view
def my_help_detail(request, student, help_id):
    found = _row_of(HelpRequest, student, help_id)
    if found.answered_at and found.student_read_at is None:
        services.help_request_read(help_request=found)
    return render(
        request,
        "portal/family/my_help_detail.html",
        {"student": student, "school": student.school, "help": found},
    )
