"""The training pages: each view places itself (districts/training/routes.py)."""

from districts.training import views  # noqa: F401  (they place their pages)
from districts.training.routes import district_pages, school_pages

urlpatterns = [district_pages.urlpattern(), school_pages.urlpattern()]
