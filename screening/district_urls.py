from django.urls import path

from screening.aspects import views as aspect_views

app_name = "screening_district"

# Under /d/<district_code>/screening/: the district's screening criteria.
urlpatterns = [
    path("criteria/", aspect_views.district_criteria, name="criteria"),
]
