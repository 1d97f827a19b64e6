from django.urls import path

from dashboards import district_views

app_name = "dash_network"

# Under /n/<network_id>/dashboard/: the network's dashboard.
urlpatterns = [
    path("", district_views.network_dashboard, name="dashboard"),
]
