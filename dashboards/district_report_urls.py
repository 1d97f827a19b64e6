from django.urls import path

from dashboards import report_views

app_name = "dash_district_reports"

urlpatterns = [
    path("pdf/", report_views.district_report_pdf, name="pdf"),
    path("xlsx/", report_views.district_report_xlsx, name="xlsx"),
]
