"""Behaviour under s/<school_code>/behaviour/ (namespace "behaviour"): each view places itself
(behaviour/routes.py)."""

from behaviour import views  # noqa: F401  (places the pages)
from behaviour.routes import pages

urlpatterns = [pages.urlpattern()]
