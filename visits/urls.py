"""Home visits under s/<school_code>/visits/ (namespace "visits")."""

from django.urls import include, path

from visits import views

visit_urls = [
    path("", views.visit_detail, name="visit"),
    path("edit/", views.visit_edit, name="visit_edit"),
    path("record/", views.record_update, name="record_update"),
    path("print/", views.visit_print, name="visit_print"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
]

visits_urls = [
    path("", views.school_progress, name="school_progress"),
    path("classrooms/<int:classroom_id>/", views.classroom_progress, name="classroom_progress"),
    path("classrooms/<int:classroom_id>/print/", views.classroom_print, name="classroom_print"),
    path("students/<int:student_id>/", views.student_visits, name="student_visits"),
    path("students/<int:student_id>/new/", views.visit_new, name="visit_new"),
    path("<int:visit_id>/", include(visit_urls)),
]

urlpatterns = [
    path("s/<school_code:school_code>/visits/", include((visits_urls, "visits"))),
]
