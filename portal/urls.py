"""portal pages (see routes.py): importing the view modules places them."""

from portal import account_views, family_views, slip_views, staff_views  # noqa: F401
from portal.routes import pages, staff_pages

urlpatterns = [pages.urlpattern(), staff_pages.urlpattern()]
