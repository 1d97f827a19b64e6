"""The coordinator's import of an existing attendance export (carecore.imports.views)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance import imports
from attendance.models import LeaveKind, Status
from attendance.routes import pages
from carecore.access import Perm, school_view
from carecore.dates import format_date
from carecore.imports.views import ImportViews
from students.import_views import StudentImportForm
from students.imports import room_label

ACTION_LABELS = {"new": gettext_lazy("New"), "replace": gettext_lazy("Replaces the day's mark")}


def status_label(code: str) -> str:
    for choices in (LeaveKind, Status):
        if code in choices.values:
            return str(choices(code).label)
    return code


class AttendanceImportViews(ImportViews):
    importer = imports.ATTENDANCE_IMPORTS
    id_kwarg = "attendance_import_id"
    # The file and its academic year, as the student import asks.
    form_class = StudentImportForm
    templates = ("attendance/import/start.html", "attendance/import/detail.html")
    title = gettext_lazy("Import attendance")
    importing_text = gettext_lazy("Importing the attendance…")
    counts = (
        ("new", gettext_lazy("New marks")),
        ("replaced", gettext_lazy("Replace a mark")),
        ("students", gettext_lazy("Students")),
        ("days", gettext_lazy("Days")),
    )

    def initial(self, request) -> dict:
        year = request.academic_year
        return {"academic_year": year.pk if year else None}

    def columns(self) -> list[dict]:
        return [
            {"name": "student", "text": _("The student code or the 13-digit national ID")},
            {"name": "date", "text": _("The day: 16/06/2568 (B.E.) or 2025-06-16")},
            {
                "name": "status",
                "text": _("มา, ขาด, สาย, ลาป่วย, ลากิจ or กิจกรรม (or ม, ข, ส, ป, ก)"),
            },
        ]

    def template_file(self, request, fmt: str):
        return imports.template_file(fmt)

    def period_label(self, record) -> str:
        return _("Academic year %(year)s") % {"year": record.academic_year}

    def preview_row(self, row: dict) -> dict:
        return {
            **row,
            "room_label": room_label(row["grade"], row["room"]),
            "date": format_date(datetime.date.fromisoformat(row["date"])),
            "status_label": status_label(row["status"]),
            "action_label": ACTION_LABELS[row["action"]],
        }


pages.add(*AttendanceImportViews().urlpatterns(school_view(Perm.MANAGE_ATTENDANCE)))
