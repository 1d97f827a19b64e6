"""Where attendance's pages live (carecore/routes.py): under the school's attendance/."""

from carecore.routes import SCHOOL, Pages

pages = Pages("attendance", SCHOOL + "attendance/")
