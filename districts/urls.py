"""A district's pages under d/<district_code>/ and a network's under n/<network_id>/ (namespace
"districts"), and the district's data retention under d/<district_code>/retention/ (namespace
"retention")."""

from django.urls import include, path

from carecore import audit_views
from districts import retention_views, security_views, views

district_urls = [
    path("", views.district_detail, name="district_detail"),
    path("staff/", views.district_staff_list, name="district_staff_list"),
    path("staff/new/", views.district_staff_create, name="district_staff_create"),
    path("staff/<int:user_id>/", views.district_staff_edit, name="district_staff_edit"),
    path("schools/<school_code:school_code>/leaders/", views.school_leaders, name="school_leaders"),
    path("audit/", audit_views.district_audit_log, name="district_audit_log"),
    path("security/", security_views.district_security, name="district_security"),
]

district_and_network_urls = [
    path("d/<district_code:district_code>/", include(district_urls)),
    path("n/<int:network_id>/", views.network_detail, name="network_detail"),
]

retention_urls = [
    path("", retention_views.retention, name="settings"),
    path("dry-run/", retention_views.retention_dry_run, name="dry_run"),
    path("runs/<int:run_id>/", retention_views.retention_run, name="run"),
    path("runs/<int:run_id>/confirm/", retention_views.retention_run_confirm, name="confirm"),
]

urlpatterns = [
    path("", include((district_and_network_urls, "districts"))),
    path("d/<district_code:district_code>/retention/", include((retention_urls, "retention"))),
]
