from django.urls import path

from students import print_views, views

app_name = "students"

urlpatterns = [
    path("<int:student_id>/", views.student_detail, name="student_detail"),
    path("<int:student_id>/edit/", views.student_edit, name="student_edit"),
    path("<int:student_id>/print/", print_views.student_print, name="student_print"),
    path(
        "classrooms/<int:classroom_id>/print/<slug:document>/",
        print_views.classroom_print,
        name="classroom_print",
    ),
    path("<int:student_id>/guardians/new/", views.guardian_edit, name="guardian_create"),
    path(
        "<int:student_id>/guardians/<int:guardian_id>/",
        views.guardian_edit,
        name="guardian_edit",
    ),
]
