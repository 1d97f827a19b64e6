"""The signed-in user's start: their home page and their classrooms (outside any school's URL)."""

from django.urls import path

from schools import views

urlpatterns = [
    path("", views.home, name="home"),
    path("classrooms/", views.my_classrooms, name="my_classrooms"),
]
