"""Importing SDQ answers (the coordinator: upload, the job's progress, problems or preview,
confirm) and exporting SDQ results (those who see every student, and the coordinator)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.file_views import generated_file_response
from carecore.jobs import generated_file_start
from schools.models import Grade, Term
from schools.selectors import current_term, term_code, term_from_code
from screening import exports, imports
from screening.models import Rater, ScreeningImport
from screening.selectors import term_for_request

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

ACTION_LABELS = {
    "new": gettext_lazy("New"),
    "replace": gettext_lazy("Replaces the form entered before"),
}
STATUS_COLOURS = {
    ScreeningImport.Status.UPLOADED: "secondary",
    ScreeningImport.Status.VALIDATING: "info",
    ScreeningImport.Status.INVALID: "danger",
    ScreeningImport.Status.READY: "primary",
    ScreeningImport.Status.IMPORTING: "info",
    ScreeningImport.Status.DONE: "success",
    ScreeningImport.Status.FAILED: "danger",
}
LEVEL_COLOURS = {"normal": "success", "risk": "warning", "problem": "danger"}
LEVEL_LABELS = {
    "normal": gettext_lazy("Normal"),
    "risk": gettext_lazy("At risk"),
    "problem": pgettext_lazy("care group", "Has problems"),
}


def _term_choices() -> list[tuple[str, str]]:
    terms = Term.objects.select_related("academic_year").order_by("-academic_year__year", "-number")
    return [(term_code(t), str(t)) for t in terms]


class TermField(forms.ChoiceField):
    """A term by its code (2568-1); the choices are read once per form."""

    def clean(self, value):
        code = super().clean(value)
        term = term_from_code(code)
        if term is None:
            raise forms.ValidationError(_("Choose a term."))
        return term


class ScreeningImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Thai TIS-620) or Excel .xlsx, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
    term = TermField(label=gettext_lazy("Term"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _term_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 10 MB."))
        from students.imports import check_file_name

        problem = check_file_name(upload.name)
        if problem:
            raise forms.ValidationError(str(imports.MESSAGES[problem]))
        return upload


def _import_get(request, import_id) -> ScreeningImport:
    """An import of the request's school; any other id answers 404."""
    record = (
        ScreeningImport.objects.filter(school=request.school, pk=import_id)
        .select_related("term", "term__academic_year", "uploaded_by")
        .first()
    )
    if record is None:
        raise Http404
    return record


def _detail_url(request, record) -> str:
    return reverse(
        "screening:import_detail",
        kwargs={"school_code": request.school.code, "screening_import_id": record.pk},
    )


def _columns() -> list[dict]:
    columns = [
        {"name": "student_code", "text": _("The student's code (เลขประจำตัวนักเรียน)")},
        {"name": "rater", "text": _("teacher, parent or student (ครู, ผู้ปกครอง, นักเรียน)")},
        {"name": "q1 … q25", "text": _("The answers to items 1 to 25: 0, 1 or 2")},
    ]
    return [{**c, "required": True} for c in columns] + [
        {
            "name": "impact_difficulties … impact_burden",
            "text": _(
                "The impact questions (back page), 0 to 3 in the order on the paper: "
                "difficulties, chronicity, distress, home, friendships, classroom, leisure, "
                "peers, burden. Leave the questions that are not on the form empty."
            ),
            "required": False,
        }
    ]


@school_view(Perm.MANAGE_SCREENING)
def screening_import_start(request):
    initial_term = term_for_request(request) if request.method == "GET" else None
    form = ScreeningImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"term": term_code(initial_term) if initial_term else None},
    )
    if request.method == "POST" and form.is_valid():
        record = imports.screening_import_create(
            school=request.school,
            term=form.cleaned_data["term"],
            uploaded_by=request.user,
            upload=form.cleaned_data["file"],
        )
        return redirect(_detail_url(request, record))
    recent = list(
        ScreeningImport.objects.filter(school=request.school).select_related(
            "term", "term__academic_year", "uploaded_by"
        )[:10]
    )
    for record in recent:
        record.colour = STATUS_COLOURS[record.status]
    return render(
        request,
        "screening/import/start.html",
        {"school": request.school, "form": form, "columns": _columns(), "recent": recent},
    )


@school_view(Perm.MANAGE_SCREENING)
def screening_import_template(request, fmt):
    content, content_type, filename = imports.template_file(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _status_context(request, record) -> dict:
    return {
        "school": request.school,
        "screening_import": record,
        "status_url": reverse(
            "screening:import_status",
            kwargs={"school_code": request.school.code, "screening_import_id": record.pk},
        ),
        "detail_url": _detail_url(request, record),
    }


def _room_label(grade, room) -> str:
    return f"{Grade(grade).label}/{room}" if grade else ""


def _rater_label(code) -> str:
    try:
        return Rater(code).label
    except ValueError:
        return code


@school_view(Perm.MANAGE_SCREENING)
def screening_import_detail(request, screening_import_id):
    record = _import_get(request, screening_import_id)
    summary = record.summary or {}
    errors = [
        {
            "row": e.get("row"),
            "column": imports.error_column(e),
            "value": e.get("value", ""),
            "message": imports.error_message(e),
        }
        for e in record.errors or []
    ]
    preview = [
        {
            **p,
            "room_label": _room_label(p["grade"], p["room"]),
            "rater_label": _rater_label(p["rater"]),
            "level_label": LEVEL_LABELS.get(p["level"], p["level"]),
            "level_colour": LEVEL_COLOURS.get(p["level"], "secondary"),
            "action_label": ACTION_LABELS[p["action"]],
        }
        for p in summary.get("preview", [])
    ]
    raters = [
        {"label": _rater_label(r), "count": summary.get(f"rater_{r}", 0)} for r in Rater.values
    ]
    levels = [
        {
            "label": LEVEL_LABELS[level],
            "colour": LEVEL_COLOURS[level],
            "count": summary.get(f"level_{level}", 0),
        }
        for level in LEVEL_LABELS
    ]
    return render(
        request,
        "screening/import/detail.html",
        {
            **_status_context(request, record),
            "colour": STATUS_COLOURS[record.status],
            "summary": summary,
            "raters": raters,
            "levels": levels,
            "errors": errors,
            "bad_rows": len({e["row"] for e in errors if e["row"] is not None}),
            "preview": preview,
            "term_code": term_code(record.term),
        },
    )


@school_view(Perm.MANAGE_SCREENING)
def screening_import_status(request, screening_import_id):
    """The progress fragment that htmx polls; once the job is over it sends the browser to the
    import's page."""
    record = _import_get(request, screening_import_id)
    context = _status_context(request, record)
    response = render(request, "screening/import/fragment_status.html", context)
    if not record.is_running and request.headers.get("HX-Request"):
        response["HX-Redirect"] = context["detail_url"]
    return response


@school_view(Perm.MANAGE_SCREENING)
@require_POST
def screening_import_confirm(request, screening_import_id):
    record = _import_get(request, screening_import_id)
    if not imports.screening_import_confirm(screening_import=record, user=request.user):
        messages.warning(request, _("This file is not ready to be imported."))
    return redirect(_detail_url(request, record))


@school_view(Perm.MANAGE_SCREENING)
@require_POST
def screening_import_retry(request, screening_import_id):
    record = _import_get(request, screening_import_id)
    if not imports.screening_import_retry(screening_import=record):
        messages.warning(request, _("Only a failed import can be tried again."))
    return redirect(_detail_url(request, record))


# --- export ------------------------------------------------------------------------------------
def _require_export(request) -> None:
    """Those who see every student of the school (director, counsellor, coordinator)."""
    if not can_export(request):
        raise PermissionDenied


class ExportForm(forms.Form):
    term = TermField(label=gettext_lazy("Term"))
    format = forms.ChoiceField(
        label=gettext_lazy("File type"),
        choices=[("xlsx", gettext_lazy("Excel (.xlsx)")), ("csv", gettext_lazy("CSV"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    answers = forms.BooleanField(
        label=gettext_lazy("Add the answers (q1 … q25 and the impact questions)"),
        help_text=gettext_lazy(
            "A file with the answers can be imported again, for example into another term."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _term_choices()


@school_view(Perm.VIEW_SCHOOL)
def screening_export(request):
    """The export page: choose the term, the file type and whether to add the answers."""
    _require_export(request)
    term = term_for_request(request)
    form = ExportForm(initial={"term": term_code(term) if term else None, "format": "xlsx"})
    return render(
        request,
        "screening/import/export.html",
        {"school": request.school, "form": form, "columns": exports.COLUMNS},
    )


@school_view(Perm.VIEW_SCHOOL)
@require_POST
def screening_export_file(request):
    """Make the file in a job (a large school's XLSX takes seconds): POST term=2568-1,
    format=xlsx|csv, answers=on; the current term and XLSX when not given. Answers with the
    job's page (or its progress fragment for htmx)."""
    _require_export(request)
    data = request.POST.copy()
    if not data.get("term"):
        term = current_term()
        if term is None:
            messages.warning(request, _("No academic year has been set up yet."))
            return redirect("screening:export", school_code=request.school.code)
        data["term"] = term_code(term)
    data.setdefault("format", "xlsx")
    form = ExportForm(data)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return redirect("screening:export", school_code=request.school.code)
    term = form.cleaned_data["term"]
    fmt = form.cleaned_data["format"]
    answers = form.cleaned_data["answers"]
    generated = generated_file_start(
        kind="screening_export",
        title=_("SDQ results, term %(term)s") % {"term": term},
        user=request.user,
        permission=Perm.VIEW_SCHOOL,
        school=request.school,
        params={"term_id": term.pk, "format": fmt, "answers": answers},
    )
    exports.export_audit(
        school=request.school,
        term=term,
        user=request.user,
        fmt=fmt,
        answers=answers,
        request=request,
    )
    return generated_file_response(request, generated)


def can_export(request) -> bool:
    """For the job's check when the file is fetched: still one who may export."""
    perms = request.schoolperms
    return Perm.VIEW_ALL_STUDENTS in perms or Perm.MANAGE_SCREENING in perms
