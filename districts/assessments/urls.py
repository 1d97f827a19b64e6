"""The self-assessment pages: each view places itself (districts/assessments/routes.py)."""

from districts.assessments import views  # noqa: F401  (they place their pages)
from districts.assessments.routes import district_pages, network_pages, school_pages

urlpatterns = [district_pages.urlpattern(), school_pages.urlpattern(), network_pages.urlpattern()]
