"""Where the plan's pages live: the district's under d/<district_code>/plan/ (namespace
"plans"), the published plan read at a school's address s/<school_code>/plan/ (namespace
"plans_school")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("plans", DISTRICT + "plan/")
school_pages = Pages("plans_school", SCHOOL + "plan/")
