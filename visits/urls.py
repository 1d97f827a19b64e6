from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.school_progress, name="school_progress"),
    path("classrooms/<int:classroom_id>/", views.classroom_progress, name="classroom_progress"),
    path("classrooms/<int:classroom_id>/print/", views.classroom_print, name="classroom_print"),
    path("students/<int:student_id>/", views.student_visits, name="student_visits"),
    path("students/<int:student_id>/new/", views.visit_new, name="visit_new"),
    path("<int:visit_id>/", views.visit_detail, name="visit"),
    path("<int:visit_id>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:visit_id>/record/", views.record_update, name="record_update"),
    path("<int:visit_id>/print/", views.visit_print, name="visit_print"),
    path("<int:visit_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:visit_id>/photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
]
