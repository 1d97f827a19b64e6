"""The end of a form page's POST, as every app's form views write it: the form is valid, the
service is called; a rule the service enforces shows on the form with what was typed kept; a
form opened before someone else's save comes back at the current revision; on success a
message and a redirect."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
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


def settings_saved(
    request,
    form,
    save: Callable[[], tuple[object, dict]],
    *,
    summary: str,
    success: str,
    then: str,
    **where,
) -> HttpResponse | None:
    """The end of a settings page's POST (a district's targets, its account security): on a
    valid form, ``save()`` writes and returns the row and its ``{field: [old, new]}`` changes;
    the changes, if there are any, go in the audit log with ``summary`` (``where``: the place
    they are about, e.g. ``district=``), then the ``success`` message and a redirect to
    ``then``. An invalid form gets a message above it; None, as on a GET: the view renders
    its page again."""
    if request.method != "POST":
        return None
    if not form.is_valid():
        messages.error(request, _("Some values need fixing; see the marked fields."))
        return None
    saved, changes = save()
    if changes:
        audit_view(
            request, summary, action=AuditEvent.Action.CHANGE, obj=saved, changes=changes, **where
        )
    messages.success(request, success)
    return redirect(then)
