"""The good-practice library: a school's pages under s/<school_code>/practices/, the district's
under d/<district_code>/practices/, a network's under n/<network_id>/practices/; each view places
itself (districts/practices/routes.py)."""

from districts.practices import views  # noqa: F401  (places the pages)
from districts.practices.routes import district_pages, network_pages, pages

urlpatterns = [pages.urlpattern(), district_pages.urlpattern(), network_pages.urlpattern()]
