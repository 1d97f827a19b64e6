"""Where the fund's pages live: the district's under d/<district_code>/fund/ (namespace
"fund"), a school's under s/<school_code>/fund/ (namespace "fund_school")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("fund", DISTRICT + "fund/")
school_pages = Pages("fund_school", SCHOOL + "fund/")
