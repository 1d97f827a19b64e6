"""A district's pages under d/<district_code>/ and a network's under n/<network_id>/ (namespace
"districts"), and the district's data retention under d/<district_code>/retention/ (namespace
"retention"); each view places itself (districts/routes.py)."""

from django.urls import path

from carecore import audit_views
from carecore.routes import DISTRICT
from districts import retention_views, security_views, views  # noqa: F401  (they place their pages)
from districts.routes import pages, retention_pages

# The district's audit log is the foundation's view.
pages.add(path(DISTRICT + "audit/", audit_views.district_audit_log, name="district_audit_log"))

urlpatterns = [pages.urlpattern(), retention_pages.urlpattern()]
