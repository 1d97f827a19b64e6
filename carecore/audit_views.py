"""The audit log pages: a school's (for its director) and a district's (for its administrator)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_events_for_district, audit_events_for_school
from carecore.auditchain import latest_verification
from carecore.dates import format_date
from carecore.forms import ThaiDateField
from carecore.models import AuditEvent

PAGE_SIZE = 50
# The chain is verified nightly; older than this, the page says the check has stopped.
STALE_AFTER = datetime.timedelta(hours=48)


class AuditFilterForm(forms.Form):
    student = forms.CharField(
        label=gettext_lazy("Student"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of the name, or the student's number in this system."),
    )
    user = forms.CharField(
        label=gettext_lazy("Who"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Part of the name of the person who acted."),
    )
    action = forms.ChoiceField(
        label=pgettext_lazy("audit log", "Action"),
        required=False,
        choices=[("", gettext_lazy("Any action")), *AuditEvent.Action.choices],
    )
    date_from = ThaiDateField(label=gettext_lazy("From"), required=False)
    date_to = ThaiDateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The last day is before the first day."))
        return cleaned


def _filters(form: AuditFilterForm) -> dict:
    """The filters that were filled in correctly; a field with an error is left out (its message
    shows above the list)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


# --- showing recorded changes ------------------------------------------------------------------
_MODELS: dict[str, type[models.Model]] = {}


def _model_for(object_type: str) -> type[models.Model] | None:
    if not _MODELS:
        for model in apps.get_models():
            _MODELS.setdefault(model._meta.model_name, model)
    return _MODELS.get(object_type)


def _value_display(field, value: str) -> str:
    if value == "":
        return "—"
    if field is None:
        return value
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return str(labels.get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value == "True" else _("No")
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return format_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return value


@dataclass
class ChangeRow:
    label: str
    old: str
    new: str


def change_rows(event: AuditEvent) -> list[ChangeRow]:
    """The recorded changes with field names and values as a person reads them (in the current
    language; dates in the Buddhist Era)."""
    if not isinstance(event.changes, dict):
        return []
    model = _model_for(event.object_type)
    names = list(event.changes)
    if model is not None:
        # In the order of the form (the database keeps JSON keys in its own order).
        order = {f.name: i for i, f in enumerate(model._meta.fields)}
        names.sort(key=lambda name: order.get(name, len(order)))
    rows = []
    for name in names:
        values = event.changes[name]
        try:
            old, new = (str(v) if v is not None else "" for v in values)
        except (TypeError, ValueError):
            continue
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        label = capfirst(field.verbose_name) if field is not None else name
        rows.append(ChangeRow(label, _value_display(field, old), _value_display(field, new)))
    return rows


def _page(request, events):
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.change_rows = change_rows(event)
    return page


# --- views -------------------------------------------------------------------------------------
@school_view(Perm.VIEW_AUDIT_LOG)
def school_audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_school(school=request.school, filters=_filters(form))
    return render(
        request,
        "carecore/audit_log.html",
        {
            "school": request.school,
            "form": form,
            "page_obj": _page(request, events),
            "show_school": False,
        },
    )


def _verification_context() -> dict:
    """The latest check of the audit log's hash chain (the whole log: every district's entries
    are one chain), and whether the nightly check seems to have stopped."""
    verification = latest_verification()
    stale = verification is not None and verification.finished < timezone.now() - STALE_AFTER
    return {"verification": verification, "verification_stale": stale}


@district_view(Perm.VIEW_AUDIT_LOG)
def district_audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_district(district=request.district, filters=_filters(form))
    page = _page(request, events)
    # One query for the names of the schools on this page.
    school_ids = {e.school_id for e in page if e.school_id}
    names = dict(request.district.schools.filter(pk__in=school_ids).values_list("pk", "name"))
    for event in page:
        event.school_name = names.get(event.school_id, "")
    return render(
        request,
        "carecore/audit_log.html",
        {
            "district": request.district,
            "form": form,
            "page_obj": page,
            "show_school": True,
            **_verification_context(),
        },
    )
