"""The dropout cases: the school's under s/<school_code>/cases/ (namespace "dropouts") and the
district's under d/<district_code>/cases/ (namespace "dropouts_district"); each view places
itself (dropouts/routes.py)."""

from dropouts import views  # noqa: F401  (places the pages)
from dropouts.routes import district_pages, pages

urlpatterns = [pages.urlpattern(), district_pages.urlpattern()]
