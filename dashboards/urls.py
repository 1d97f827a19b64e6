"""The dashboards and reports, each place's under its own address and namespace: the school's,
a student's care summary (among the student's addresses, as a report across the steps it lives
here, above them), the district's, a network's and the national overview."""

from django.urls import include, path

from dashboards import district_views, national_views, report_views, school_views

school_dashboard_urls = [
    path("", school_views.dashboard, name="dashboard"),
    path("students/", school_views.students, name="students"),
]

school_report_urls = [
    path("pdf/", report_views.school_report_pdf, name="pdf"),
]

student_report_urls = [
    path(
        "<int:student_id>/care-summary/print/",
        report_views.care_summary_print,
        name="care_summary_print",
    ),
]

district_dashboard_urls = [
    path("", district_views.district_dashboard, name="dashboard"),
    path("targets/", district_views.district_targets, name="targets"),
]

district_report_urls = [
    path("pdf/", report_views.district_report_pdf, name="pdf"),
    path("xlsx/", report_views.district_report_xlsx, name="xlsx"),
]

network_dashboard_urls = [
    path("", district_views.network_dashboard, name="dashboard"),
]

national_urls = [
    path("", national_views.overview, name="overview"),
]

SCHOOL = "s/<school_code:school_code>/"
DISTRICT = "d/<district_code:district_code>/"

urlpatterns = [
    path(f"{SCHOOL}dashboard/", include((school_dashboard_urls, "dash_school"))),
    path(f"{SCHOOL}reports/", include((school_report_urls, "dash_school_reports"))),
    path(f"{SCHOOL}students/", include((student_report_urls, "dash_student_reports"))),
    path(f"{DISTRICT}dashboard/", include((district_dashboard_urls, "dash_district"))),
    path(f"{DISTRICT}reports/", include((district_report_urls, "dash_district_reports"))),
    path("n/<int:network_id>/dashboard/", include((network_dashboard_urls, "dash_network"))),
    path("national/", include((national_urls, "dash_national"))),
]
