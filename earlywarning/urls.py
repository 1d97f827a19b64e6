"""The early warning's pages: the school's list under s/<school_code>/early-warning/ (namespace
"earlywarning"), the district's counts and settings under d/<district_code>/early-warning/
("earlywarning_district"), a network's counts under n/<network_id>/early-warning/
("earlywarning_network"); each view places itself (earlywarning/routes.py)."""

from earlywarning import views  # noqa: F401  (places the pages)
from earlywarning.routes import district_pages, network_pages, pages

urlpatterns = [pages.urlpattern(), district_pages.urlpattern(), network_pages.urlpattern()]
