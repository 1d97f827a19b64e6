"""Care under s/<school_code>/care/ (namespace "care"): the care activities and their coverage,
the care plans (ICP) and the support given; each view places itself (care/routes.py)."""

from care import coverage_views  # noqa: F401  (the views' modules place their pages)
from care.activities import views as activity_views  # noqa: F401
from care.plans import views as plan_views  # noqa: F401
from care.routes import pages
from care.support import views as support_views  # noqa: F401

urlpatterns = [pages.urlpattern()]
