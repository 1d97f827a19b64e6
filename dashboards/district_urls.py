from django.urls import path

from dashboards import district_views

app_name = "dash_district"

# Under /d/<district_code>/dashboard/: the district's dashboard and targets.
urlpatterns = [
    path("", district_views.district_dashboard, name="dashboard"),
    path("targets/", district_views.district_targets, name="targets"),
]
