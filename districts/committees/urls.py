"""The committee pages: each view places itself at the three places (routes.py)."""

from districts.committees import views  # noqa: F401  (they place their pages)
from districts.committees.routes import district_pages, network_pages, school_pages

urlpatterns = [school_pages.urlpattern(), network_pages.urlpattern(), district_pages.urlpattern()]
