"""The ends of a view, as every app's views write them.

A form page's POST: the form is valid, the service is called; a rule the service enforces shows
on the form with what was typed kept; a form opened before someone else's save comes back at the
current revision; on success a message and a redirect. A page about one student or one
classroom: the page frame's school and the student or classroom, and the audit event of having
seen it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore.audit import audit_view
from carecore.models import AuditEvent
from carecore.writes import StaleRevision


def add_service_errors(form, error: ValidationError, aliases: dict[str, str] | None = None):
    """A service's refusal on the form: on the field it names when the form has that field
    (``aliases``: the service's name for a field the form calls otherwise), else above the
    form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        name = (aliases or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def form_saved(
    request,
    form,
    save: Callable[[dict], object],
    *,
    success: str | Callable[[object], str],
    then: str | Callable[[object], str],
    also: Iterable = (),
    on_stale: Callable[[object], HttpResponse] | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse | None:
    """On a POST whose ``form`` (and the forms or formsets in ``also``) are valid,
    ``save(form.cleaned_data)`` calls the service. Success: the ``success`` message and a
    redirect to ``then`` (each a text, or a function of what ``save`` returned). A
    ``ValidationError`` shows on the form and gives None, as does a GET or an invalid form:
    the view renders its page again. A ``StaleRevision`` gives ``on_stale(current)``'s answer
    (without ``on_stale`` it is raised)."""
    if request.method != "POST" or not all([f.is_valid() for f in (form, *also)]):
        return None
    try:
        saved = save(form.cleaned_data)
    except StaleRevision as error:
        if on_stale is None:
            raise
        return on_stale(error.current)
    except ValidationError as error:
        add_service_errors(form, error, aliases)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return redirect(then(saved) if callable(then) else then)


def district_settings_page(
    request,
    template: str,
    form,
    save: Callable[[], tuple[object, dict]],
    /,
    *,
    summary: str,
    success: str,
    then: str,
    **context,
) -> HttpResponse:
    """A district's settings page (its targets, its account security). On the POST of a valid
    form, ``save()`` writes and returns the row and its ``{field: [old, new]}`` changes; the
    changes, if there are any, go in the audit log under the district with ``summary``, then
    the ``success`` message and a redirect to ``then``. An invalid form gets a message above
    it. On a GET or an invalid form: ``template`` with the district, the form and the rest of
    ``context``."""
    district = request.district
    if request.method == "POST":
        if form.is_valid():
            saved, changes = save()
            if changes:
                audit_view(
                    request,
                    summary,
                    action=AuditEvent.Action.CHANGE,
                    obj=saved,
                    changes=changes,
                    district=district,
                )
            messages.success(request, success)
            return redirect(then)
        messages.error(request, _("Some values need fixing; see the marked fields."))
    return render(request, template, {"district": district, "form": form, **context})


def student_page(request, template: str, student, /, audit: str | None = None, **context):
    """Render ``template``, a page about ``student`` at the request's school, with ``school``
    and ``student`` and the rest of ``context``. ``audit``: the summary of the audit event that
    the user saw the student's data (none when the page writes its own or shows nothing new,
    e.g. a form shown again after a POST)."""
    if audit is not None:
        audit_view(request, audit, student=student)
    return render(request, template, {"school": request.school, "student": student, **context})


def classroom_page(request, template: str, classroom, /, audit: str | None = None, **context):
    """Render ``template``, a page about ``classroom`` at the request's school, with ``school``
    and ``classroom`` and the rest of ``context``. ``audit``: the summary of the audit event that
    the user saw the classroom's students (one event, about the classroom), which names the
    classroom as ``%(room)s``."""
    if audit is not None:
        audit_view(request, audit % {"room": classroom}, obj=classroom)
    return render(request, template, {"school": request.school, "classroom": classroom, **context})


def student_form_page(
    request, template: str, student, form, /, opened: str | None = None, **context
):
    """``student_page`` with ``form``, a form about the student. ``opened``, for a form that
    shows the student's data: the summary of the audit event of opening it (a GET; shown again
    after a POST, the form holds what was typed)."""
    audit = opened if request.method == "GET" else None
    return student_page(request, template, student, audit=audit, form=form, **context)
