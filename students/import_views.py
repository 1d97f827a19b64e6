"""The coordinator's student import (carecore.imports.views): upload, the job's progress,
problems or preview, confirm."""

from django import forms
from django.db.models import Count
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.imports.views import ImportFileForm, ImportViews
from schools.models import AcademicYear, Classroom
from students import imports
from students.models import StudentImport
from students.routes import pages

ACTION_LABELS = {
    "new": gettext_lazy("New"),
    "updated": gettext_lazy("Updated"),
    "moved": gettext_lazy("Moved"),
    "enrolled": gettext_lazy("Enrolled"),
    "unchanged": gettext_lazy("Unchanged"),
}


class StudentImportForm(ImportFileForm):
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


class StudentImportViews(ImportViews):
    importer = imports.STUDENT_IMPORTS
    form_class = StudentImportForm
    templates = ("students/import_start.html", "students/import_detail.html")
    title = gettext_lazy("Import students")
    importing_text = gettext_lazy("Importing the students…")
    counts = (
        ("created", gettext_lazy("New students")),
        ("updated", gettext_lazy("Updated")),
        ("moved", gettext_lazy("Moved to another classroom")),
        ("enrolled", gettext_lazy("Placed in a classroom for the year")),
        ("unchanged", gettext_lazy("Unchanged")),
    )
    counts_if_any = frozenset({"enrolled"})

    def initial(self, request) -> dict:
        return {"academic_year": request.academic_year}

    def columns(self) -> list[dict]:
        return [
            {
                "name": name,
                "thai": imports.THAI_HEADERS[name],
                "label": imports.FIELD_LABELS[name],
                "required": name in imports.REQUIRED,
            }
            for name in imports.REQUIRED + imports.OPTIONAL
        ]

    def template_file(self, request, fmt: str) -> tuple[bytes, str, str]:
        return imports.template_file(fmt, thai=(get_language() or "th").startswith("th"))

    def period_label(self, record) -> str:
        return _("Academic year %(year)s") % {"year": record.academic_year.year}

    def preview_row(self, row: dict) -> dict:
        return {
            **row,
            "room_label": imports.room_label(row["grade"], row["room"]),
            "action_label": ACTION_LABELS[row["action"]],
        }

    def detail_context(self, request, record, summary: dict) -> dict:
        classrooms = []
        if record.status == StudentImport.Status.DONE and summary.get("classroom_ids"):
            classrooms = list(
                Classroom.objects.filter(school=request.school, pk__in=summary["classroom_ids"])
                .annotate(student_count=Count("enrolments"))
                .order_by("grade", "room")
            )
        return {"classrooms": classrooms}


pages.add(*StudentImportViews().urlpatterns(school_view(Perm.EDIT_STUDENTS)))
