from allauth.account.decorators import secure_admin_login
from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.utils.module_loading import module_has_submodule

from carecore import (
    channel_views,
    file_views,
    mfa_views,
    routes,  # noqa: F401  (registers the converters of the places' codes)
)
from carecore import views as carecore_views

# The admin logs in through allauth, so two-factor authentication applies there too.
admin.site.login = secure_admin_login(admin.site.login)

# The apps with pages: every installed app with a ``routes`` module (its ``Pages``), in the order
# of INSTALLED_APPS (the foundation names none of them). Each app's urls.py places its pages
# (under s/<school_code>/, d/<district_code>/, n/<network_id>/, national/ or f/) and names their
# namespace.
APPS_WITH_PAGES = tuple(
    config.name
    for config in apps.get_app_configs()
    if config.name != "carecore" and module_has_submodule(config.module, "routes")
)

# One generated file (a PDF or a spreadsheet made in the background).
file_urls = [
    path("", file_views.generated_file_detail, name="generated_file"),
    path("status/", file_views.generated_file_status, name="generated_file_status"),
    path("download/", file_views.generated_file_download, name="generated_file_download"),
    path("retry/", file_views.generated_file_retry, name="generated_file_retry"),
]

notification_urls = [
    path("", carecore_views.notification_list, name="notification_list"),
    path("<int:notification_id>/", carecore_views.notification_open, name="notification_open"),
    path("read/", carecore_views.notifications_mark_all_read, name="notifications_mark_all_read"),
    path("settings/", channel_views.notification_settings, name="notification_settings"),
]

urlpatterns = [
    *(path("", include(f"{app}.urls")) for app in APPS_WITH_PAGES),
    path("accounts/", include("allauth.urls")),
    path("files/", file_views.generated_file_list, name="generated_file_list"),
    path("files/<uuid:file_id>/", include(file_urls)),
    path("notifications/", include(notification_urls)),
    # LINE's webhook of one Official Account (signed; carecore/channel_views.py).
    path("line/webhook/<int:account_id>/", channel_views.line_webhook, name="line_webhook"),
    # The district's LINE Official Accounts (its administrator's; carecore/channel_views.py).
    channel_views.line_pages.urlpattern(),
    path("i18n/setlang/", carecore_views.set_language, name="set_language"),
    path("two-factor/", mfa_views.mfa_help, name="mfa_help"),
    path("admin/", admin.site.urls),
]
