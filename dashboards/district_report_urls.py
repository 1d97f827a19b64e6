from django.urls import path  # noqa: F401

app_name = "dash_district_reports"

urlpatterns = []
