"""The dashboards and reports, each place's under its own address and namespace
(dashboards/routes.py); each view places itself."""

from dashboards import (  # noqa: F401  (the views' modules place their pages)
    district_views,
    national_views,
    report_views,
    school_views,
)
from dashboards.routes import ALL_PAGES

urlpatterns = [pages.urlpattern() for pages in ALL_PAGES]
