"""Where the surveys' pages live: the district office's under d/<district_code>/surveys/
(namespace "surveys"), a school's under s/<school_code>/surveys/ (namespace "surveys_school"),
and the pages people answer on, without an account, under survey/ (namespace
"surveys_public")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("surveys", DISTRICT + "surveys/")
school_pages = Pages("surveys_school", SCHOOL + "surveys/")
public_pages = Pages("surveys_public", "survey/")
