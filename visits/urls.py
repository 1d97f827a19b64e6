"""Home visits under s/<school_code>/visits/ (namespace "visits"): each view places itself
(visits/routes.py)."""

from visits import views  # noqa: F401  (places the pages)
from visits.routes import pages

urlpatterns = [pages.urlpattern()]
