"""The student's care summary, under the student's addresses (/s/<school>/students/<id>/...):
it is a report across the steps, so it lives here, above them, not in the students app."""

from django.urls import path

from dashboards import report_views

app_name = "dash_student_reports"

urlpatterns = [
    path(
        "<int:student_id>/care-summary/print/",
        report_views.care_summary_print,
        name="care_summary_print",
    ),
]
