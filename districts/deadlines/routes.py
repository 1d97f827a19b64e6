"""Where the deadlines' pages live: the district's under d/<district_code>/deadlines/ (namespace
"deadlines"), a school's under s/<school_code>/deadlines/ (namespace "school_deadlines")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("deadlines", DISTRICT + "deadlines/")
school_pages = Pages("school_deadlines", SCHOOL + "deadlines/")
