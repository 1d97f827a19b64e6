"""The surveys' pages (districts/surveys/routes.py); each view places itself."""

from districts.surveys import public_views, views  # noqa: F401  (they place their pages)
from districts.surveys.routes import district_pages, public_pages, school_pages

urlpatterns = [
    district_pages.urlpattern(),
    school_pages.urlpattern(),
    public_pages.urlpattern(),
]
