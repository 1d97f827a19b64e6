from django.urls import path

from carecore import audit_views
from districts import security_views, views

app_name = "districts"

urlpatterns = [
    path("d/<district_code:district_code>/", views.district_detail, name="district_detail"),
    path(
        "d/<district_code:district_code>/staff/",
        views.district_staff_list,
        name="district_staff_list",
    ),
    path(
        "d/<district_code:district_code>/staff/new/",
        views.district_staff_create,
        name="district_staff_create",
    ),
    path(
        "d/<district_code:district_code>/staff/<int:user_id>/",
        views.district_staff_edit,
        name="district_staff_edit",
    ),
    path(
        "d/<district_code:district_code>/schools/<school_code:school_code>/leaders/",
        views.school_leaders,
        name="school_leaders",
    ),
    path(
        "d/<district_code:district_code>/audit/",
        audit_views.district_audit_log,
        name="district_audit_log",
    ),
    path(
        "d/<district_code:district_code>/security/",
        security_views.district_security,
        name="district_security",
    ),
    path("n/<int:network_id>/", views.network_detail, name="network_detail"),
]
