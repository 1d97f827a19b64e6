"""Importing SDQ answers (the coordinator: upload, the job's progress, problems or preview,
confirm) and exporting SDQ results (those who see every student, and the coordinator)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.file_views import generated_file_response
from carecore.imports.views import ImportFileForm, ImportViews
from carecore.jobs import generated_file_start
from schools.models import Term
from schools.selectors import current_term, term_code, term_from_code
from screening import exports, imports
from screening.models import Rater
from screening.routes import pages
from screening.selectors import term_for_request
from students.imports import room_label

ACTION_LABELS = {
    "new": gettext_lazy("New"),
    "replace": gettext_lazy("Replaces the form entered before"),
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


class ScreeningImportForm(ImportFileForm):
    term = TermField(label=gettext_lazy("Term"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _term_choices()


def _rater_label(code) -> str:
    try:
        return Rater(code).label
    except ValueError:
        return code


class ScreeningImportViews(ImportViews):
    importer = imports.SCREENING_IMPORTS
    id_kwarg = "screening_import_id"
    form_class = ScreeningImportForm
    templates = ("screening/import/start.html", "screening/import/detail.html")
    title = gettext_lazy("Import SDQ answers")
    importing_text = gettext_lazy("Importing the answers…")
    counts = (
        ("new", gettext_lazy("New forms")),
        ("replaced", gettext_lazy("Replace forms entered before")),
        ("students", gettext_lazy("Students")),
    )

    def initial(self, request) -> dict:
        initial_term = term_for_request(request) if request.method == "GET" else None
        return {"term": term_code(initial_term) if initial_term else None}

    def columns(self) -> list[dict]:
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

    def template_file(self, request, fmt: str) -> tuple[bytes, str, str]:
        return imports.template_file(fmt)

    def period_label(self, record) -> str:
        return _("Term %(term)s") % {"term": record.term}

    def preview_row(self, row: dict) -> dict:
        return {
            **row,
            "room_label": room_label(row["grade"], row["room"]),
            "rater_label": _rater_label(row["rater"]),
            "level_label": LEVEL_LABELS.get(row["level"], row["level"]),
            "level_colour": LEVEL_COLOURS.get(row["level"], "secondary"),
            "action_label": ACTION_LABELS[row["action"]],
        }

    def detail_context(self, request, record, summary: dict) -> dict:
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
        return {"raters": raters, "levels": levels, "term_code": term_code(record.term)}


pages.add(*ScreeningImportViews().urlpatterns(school_view(Perm.MANAGE_SCREENING)))


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


@pages("export/", name="export")
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


@pages("export/file/", name="export_file")
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
