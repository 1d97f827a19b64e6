"""Where the supervision pages live: the district's under d/<district_code>/supervision/
(namespace "supervision"), a school's under s/<school_code>/supervision/ (namespace
"supervision_school")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("supervision", DISTRICT + "supervision/")
school_pages = Pages("supervision_school", SCHOOL + "supervision/")
