"""A school's students under s/<school_code>/students/ (namespace "students") and its class lists
under s/<school_code>/classrooms/ (namespace "classrooms"); each view places itself
(students/routes.py)."""

from students import (  # noqa: F401  (the views' modules place their pages)
    consent_views,
    import_views,
    print_views,
    seen_views,
    subject_access_views,
    views,
)
from students.record import views as record_views  # noqa: F401
from students.routes import classroom_pages, pages

urlpatterns = [classroom_pages.urlpattern(), pages.urlpattern()]
