from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, register_converter

from carecore import file_views, mfa_views
from carecore import views as carecore_views
from carecore.converters import DistrictCodeConverter, SchoolCodeConverter

register_converter(SchoolCodeConverter, "school_code")
register_converter(DistrictCodeConverter, "district_code")

# The admin logs in through allauth, so two-factor authentication applies there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    # Every app's URLs are named by module path: the foundation imports none of them.
    path("", include("schools.home_urls")),
    path("s/<school_code:school_code>/classrooms/", include("students.classroom_urls")),
    path("s/<school_code:school_code>/", include("schools.urls")),
    path("s/<school_code:school_code>/students/", include("students.urls")),
    path("s/<school_code:school_code>/screening/", include("screening.urls")),
    path("s/<school_code:school_code>/visits/", include("visits.urls")),
    path("s/<school_code:school_code>/care/", include("care.urls")),
    path("", include("referrals.urls")),
    path("d/<district_code:district_code>/screening/", include("screening.district_urls")),
    path("s/<school_code:school_code>/cases/", include("dropouts.urls")),
    path("d/<district_code:district_code>/cases/", include("dropouts.district_urls")),
    path("s/<school_code:school_code>/dashboard/", include("dashboards.school_urls")),
    path("s/<school_code:school_code>/reports/", include("dashboards.school_report_urls")),
    path("s/<school_code:school_code>/students/", include("dashboards.student_report_urls")),
    path("d/<district_code:district_code>/dashboard/", include("dashboards.district_urls")),
    path("d/<district_code:district_code>/reports/", include("dashboards.district_report_urls")),
    path("n/<int:network_id>/dashboard/", include("dashboards.network_urls")),
    path("national/", include("dashboards.national_urls")),
    path("d/<district_code:district_code>/retention/", include("districts.retention_urls")),
    # Parents and students answer their screening forms here, without an account.
    path("f/", include("screening.public_urls")),
    path("", include("districts.urls")),
    path("accounts/", include("allauth.urls")),
    path("files/", file_views.generated_file_list, name="generated_file_list"),
    path("files/<uuid:file_id>/", file_views.generated_file_detail, name="generated_file"),
    path(
        "files/<uuid:file_id>/status/",
        file_views.generated_file_status,
        name="generated_file_status",
    ),
    path(
        "files/<uuid:file_id>/download/",
        file_views.generated_file_download,
        name="generated_file_download",
    ),
    path(
        "files/<uuid:file_id>/retry/", file_views.generated_file_retry, name="generated_file_retry"
    ),
    path("notifications/", carecore_views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/",
        carecore_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read/",
        carecore_views.notifications_mark_all_read,
        name="notifications_mark_all_read",
    ),
    path("i18n/setlang/", carecore_views.set_language, name="set_language"),
    path("two-factor/", mfa_views.mfa_help, name="mfa_help"),
    path("admin/", admin.site.urls),
]
