"""Under /d/<district_code>/agencies/: the district's directory of partner agencies."""

from django.urls import path

from referrals import agency_views

app_name = "agencies"

urlpatterns = [
    path("", agency_views.agency_list, name="list"),
    path("new/", agency_views.agency_create, name="create"),
    path("<int:agency_id>/edit/", agency_views.agency_edit, name="edit"),
    path("<int:agency_id>/active/", agency_views.agency_set_active, name="set_active"),
    path("<int:agency_id>/delete/", agency_views.agency_delete, name="delete"),
]
