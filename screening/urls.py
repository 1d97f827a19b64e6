"""Screening: a school's under s/<school_code>/screening/ (namespace "screening"), the district's
criteria under d/<district_code>/screening/ (namespace "screening_district"), and the forms
parents and students answer without an account under f/ (namespace "screening_public"); each
view places itself (screening/routes.py)."""

from screening import (  # noqa: F401  (the views' modules place their pages)
    import_views,
    link_views,
    summary_views,
    views,
    window_views,
)
from screening.aspects import views as aspect_views  # noqa: F401
from screening.routes import district_pages, pages, public_pages

urlpatterns = [pages.urlpattern(), district_pages.urlpattern(), public_pages.urlpattern()]
