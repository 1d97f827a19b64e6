"""The class list: a classroom's students (under the school's classrooms/ path)."""

from django.urls import path

from students import views

app_name = "classrooms"

urlpatterns = [
    path("<int:classroom_id>/", views.classroom_detail, name="classroom_detail"),
]
