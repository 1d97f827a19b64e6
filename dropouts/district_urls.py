"""The district's dropout cases, under /d/<district_code>/cases/ (namespace
"dropouts_district")."""

from django.urls import path

from dropouts import views

app_name = "dropouts_district"

urlpatterns = [
    path("", views.district_case_list, name="case_list"),
    path("new/", views.district_case_create, name="case_create"),
    path("settings/", views.case_settings, name="case_settings"),
    path("<int:case_id>/", views.district_case_detail, name="case_detail"),
    path("<int:case_id>/advance/", views.district_case_advance, name="case_advance"),
    path("<int:case_id>/round/", views.district_case_round, name="case_round"),
    path("<int:case_id>/observe/", views.district_case_observe, name="case_observe"),
    path("<int:case_id>/close/", views.district_case_close, name="case_close"),
    path("<int:case_id>/note/", views.district_case_note, name="case_note"),
    path("<int:case_id>/team/", views.district_case_team, name="case_team"),
    path("<int:case_id>/owner/", views.district_case_owner, name="case_owner"),
]
