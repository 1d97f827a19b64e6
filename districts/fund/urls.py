"""The fund's pages: each view places itself (districts/fund/routes.py)."""

from districts.fund import views  # noqa: F401  (they place their pages)
from districts.fund.routes import district_pages, school_pages

urlpatterns = [district_pages.urlpattern(), school_pages.urlpattern()]
