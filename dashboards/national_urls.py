from django.urls import path

from dashboards import national_views

app_name = "dash_national"

urlpatterns = [
    path("", national_views.overview, name="overview"),
]
