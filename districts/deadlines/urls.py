"""The deadlines' pages: each view places itself (districts/deadlines/routes.py)."""

from districts.deadlines import views  # noqa: F401  (they place their pages)
from districts.deadlines.routes import district_pages, school_pages

urlpatterns = [district_pages.urlpattern(), school_pages.urlpattern()]
