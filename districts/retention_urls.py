from django.urls import path

from districts import retention_views

app_name = "retention"

urlpatterns = [
    path("", retention_views.retention, name="settings"),
    path("dry-run/", retention_views.retention_dry_run, name="dry_run"),
    path("runs/<int:run_id>/", retention_views.retention_run, name="run"),
    path("runs/<int:run_id>/confirm/", retention_views.retention_run_confirm, name="confirm"),
]
