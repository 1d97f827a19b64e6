from django.urls import path

from dashboards import school_views

app_name = "dash_school"

urlpatterns = [
    path("", school_views.dashboard, name="dashboard"),
    path("students/", school_views.students, name="students"),
]
