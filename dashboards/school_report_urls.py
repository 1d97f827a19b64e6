from django.urls import path

from dashboards import report_views

app_name = "dash_school_reports"

urlpatterns = [
    path("pdf/", report_views.school_report_pdf, name="pdf"),
]
