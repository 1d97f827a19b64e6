"""The district's dropout cases, under /d/<district_code>/cases/ (namespace
"dropouts_district")."""

from django.urls import path

from dropouts import views
from dropouts.urls import case_urls

app_name = "dropouts_district"

urlpatterns = [
    path("", views.district_case_list, name="case_list"),
    path("new/", views.district_case_create, name="case_create"),
    path("settings/", views.case_settings, name="case_settings"),
    *case_urls(in_district=True),
]
