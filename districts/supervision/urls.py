"""The supervision pages: each view places itself (districts/supervision/routes.py)."""

from districts.supervision import views  # noqa: F401  (they place their pages)
from districts.supervision.routes import district_pages, network_pages, school_pages

urlpatterns = [district_pages.urlpattern(), network_pages.urlpattern(), school_pages.urlpattern()]
