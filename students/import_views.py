"""The coordinator's student import: upload, the job's progress, problems or preview, confirm."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from schools.models import AcademicYear, Classroom, Grade
from students import imports
from students.models import StudentImport

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

ACTION_LABELS = {
    "new": gettext_lazy("New"),
    "updated": gettext_lazy("Updated"),
    "moved": gettext_lazy("Moved"),
    "enrolled": gettext_lazy("Enrolled"),
    "unchanged": gettext_lazy("Unchanged"),
}
STATUS_COLOURS = {
    StudentImport.Status.UPLOADED: "secondary",
    StudentImport.Status.VALIDATING: "info",
    StudentImport.Status.INVALID: "danger",
    StudentImport.Status.READY: "primary",
    StudentImport.Status.IMPORTING: "info",
    StudentImport.Status.DONE: "success",
    StudentImport.Status.FAILED: "danger",
}


class StudentImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or Thai TIS-620) or Excel .xlsx, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )
    academic_year = forms.ModelChoiceField(
        queryset=AcademicYear.objects.all(),
        label=gettext_lazy("Academic year"),
        empty_label=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the list of years, however many times the widget is drawn.
        field = self.fields["academic_year"]
        field.choices = [(year.pk, str(year)) for year in field.queryset]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large: at most 10 MB."))
        problem = imports.check_file_name(upload.name)
        if problem:
            raise forms.ValidationError(str(imports.MESSAGES[problem]))
        return upload


def _import_get(request, import_id) -> StudentImport:
    """An import of the request's school; any other id answers 404."""
    student_import = (
        StudentImport.objects.filter(school=request.school, pk=import_id)
        .select_related("academic_year", "uploaded_by")
        .first()
    )
    if student_import is None:
        raise Http404
    return student_import


def _detail_url(request, student_import) -> str:
    return reverse(
        "students:import_detail",
        kwargs={"school_code": request.school.code, "import_id": student_import.pk},
    )


def _room_label(grade, room) -> str:
    return f"{Grade(grade).label}/{room}" if grade else ""


def _columns() -> list[dict]:
    return [
        {
            "name": name,
            "thai": imports.THAI_HEADERS[name],
            "label": imports.FIELD_LABELS[name],
            "required": name in imports.REQUIRED,
        }
        for name in imports.REQUIRED + imports.OPTIONAL
    ]


@school_view(Perm.EDIT_STUDENTS)
def student_import_start(request):
    form = StudentImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"academic_year": request.academic_year},
    )
    if request.method == "POST" and form.is_valid():
        student_import = imports.student_import_create(
            school=request.school,
            academic_year=form.cleaned_data["academic_year"],
            uploaded_by=request.user,
            upload=form.cleaned_data["file"],
        )
        return redirect(_detail_url(request, student_import))
    recent = list(
        StudentImport.objects.filter(school=request.school).select_related(
            "academic_year", "uploaded_by"
        )[:10]
    )
    for student_import in recent:
        student_import.colour = STATUS_COLOURS[student_import.status]
    return render(
        request,
        "students/import_start.html",
        {"school": request.school, "form": form, "columns": _columns(), "recent": recent},
    )


@school_view(Perm.EDIT_STUDENTS)
def student_import_template(request, fmt):
    content, content_type, filename = imports.template_file(
        fmt, thai=(get_language() or "th").startswith("th")
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _status_context(request, student_import) -> dict:
    return {
        "school": request.school,
        "student_import": student_import,
        "status_url": reverse(
            "students:import_status",
            kwargs={"school_code": request.school.code, "import_id": student_import.pk},
        ),
        "detail_url": _detail_url(request, student_import),
    }


@school_view(Perm.EDIT_STUDENTS)
def student_import_detail(request, import_id):
    student_import = _import_get(request, import_id)
    summary = student_import.summary or {}
    errors = [
        {
            "row": e.get("row"),
            "column": imports.error_column(e),
            "value": e.get("value", ""),
            "message": imports.error_message(e),
        }
        for e in student_import.errors or []
    ]
    preview = [
        {
            **p,
            "room_label": _room_label(p["grade"], p["room"]),
            "action_label": ACTION_LABELS[p["action"]],
        }
        for p in summary.get("preview", [])
    ]
    classrooms = []
    if student_import.status == StudentImport.Status.DONE and summary.get("classroom_ids"):
        classrooms = list(
            Classroom.objects.filter(school=request.school, pk__in=summary["classroom_ids"])
            .annotate(student_count=Count("enrolments"))
            .order_by("grade", "room")
        )
    return render(
        request,
        "students/import_detail.html",
        {
            **_status_context(request, student_import),
            "colour": STATUS_COLOURS[student_import.status],
            "summary": summary,
            "errors": errors,
            "bad_rows": len({e["row"] for e in errors if e["row"] is not None}),
            "preview": preview,
            "classrooms": classrooms,
        },
    )


@school_view(Perm.EDIT_STUDENTS)
def student_import_status(request, import_id):
    """The progress fragment that htmx polls; once the job is over it sends the browser to the
    import's page."""
    student_import = _import_get(request, import_id)
    context = _status_context(request, student_import)
    response = render(request, "students/fragment_import_status.html", context)
    if not student_import.is_running and request.headers.get("HX-Request"):
        response["HX-Redirect"] = context["detail_url"]
    return response


@school_view(Perm.EDIT_STUDENTS)
@require_POST
def student_import_confirm(request, import_id):
    student_import = _import_get(request, import_id)
    if not imports.student_import_confirm(student_import=student_import, user=request.user):
        messages.warning(request, _("This file is not ready to be imported."))
    return redirect(_detail_url(request, student_import))


@school_view(Perm.EDIT_STUDENTS)
@require_POST
def student_import_retry(request, import_id):
    student_import = _import_get(request, import_id)
    if not imports.student_import_retry(student_import=student_import):
        messages.warning(request, _("Only a failed import can be tried again."))
    return redirect(_detail_url(request, student_import))
