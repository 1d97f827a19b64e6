"""Where the dropout cases' pages live: the school's under s/<school_code>/cases/ (namespace
"dropouts") and the district's under d/<district_code>/cases/ (namespace "dropouts_district")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

pages = Pages("dropouts", SCHOOL + "cases/")
district_pages = Pages("dropouts_district", DISTRICT + "cases/")
