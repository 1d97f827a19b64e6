"""The school's dropout cases, under /s/<school_code>/cases/ (namespace "dropouts")."""

from django.urls import path

from dropouts import views

app_name = "dropouts"

urlpatterns = [
    path("", views.school_case_list, name="case_list"),
    path("report/<int:student_id>/", views.school_case_report, name="case_report"),
    path("<int:case_id>/", views.school_case_detail, name="case_detail"),
    path("<int:case_id>/advance/", views.school_case_advance, name="case_advance"),
    path("<int:case_id>/round/", views.school_case_round, name="case_round"),
    path("<int:case_id>/observe/", views.school_case_observe, name="case_observe"),
    path("<int:case_id>/close/", views.school_case_close, name="case_close"),
    path("<int:case_id>/note/", views.school_case_note, name="case_note"),
    path("<int:case_id>/team/", views.school_case_team, name="case_team"),
]
