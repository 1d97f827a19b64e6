"""The signed-in user's start, outside any school: their home page and their classrooms; and a
school's own pages under s/<school_code>/ (namespace "schools"); each view places itself
(schools/routes.py)."""

from django.urls import path

from carecore import audit_views
from schools import settings_views, views  # noqa: F401  (they place their pages)
from schools.routes import pages, start_pages

# The school's audit log is the foundation's view.
pages.add(path("audit/", audit_views.school_audit_log, name="audit_log"))

urlpatterns = [start_pages.urlpattern(), pages.urlpattern()]
