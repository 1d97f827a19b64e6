"""The signed-in user's start, outside any school: their home page and their classrooms; and a
school's own pages under s/<school_code>/ (namespace "schools")."""

from django.urls import include, path

from carecore import audit_views
from schools import settings_views, views

school_urls = [
    path("", views.school_detail, name="school_detail"),
    path(
        "classrooms/<int:classroom_id>/teachers/",
        views.classroom_teachers,
        name="classroom_teachers",
    ),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views.staff_edit, name="staff_edit"),
    path("settings/", settings_views.school_settings, name="school_settings"),
    path("emblem/", settings_views.school_emblem, name="school_emblem"),
    path("audit/", audit_views.school_audit_log, name="audit_log"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("classrooms/", views.my_classrooms, name="my_classrooms"),
    path("s/<school_code:school_code>/", include((school_urls, "schools"))),
]
