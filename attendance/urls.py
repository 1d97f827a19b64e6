"""attendance pages (see routes.py): the views place themselves; the import's pages join them."""

from attendance import import_views, views  # noqa: F401  (the views place their pages)
from attendance.routes import pages

urlpatterns = [pages.urlpattern()]
