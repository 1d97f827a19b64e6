"""The plans pages: each view places itself (districts/plans/routes.py)."""

from districts.plans import views  # noqa: F401  (they place their pages)
from districts.plans.routes import district_pages, school_pages

urlpatterns = [district_pages.urlpattern(), school_pages.urlpattern()]
