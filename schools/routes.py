"""Where the schools' pages live: the signed-in user's start, outside any school (their home page
and their classrooms, named without a namespace), and a school's own pages under s/<school_code>/
(namespace "schools")."""

from carecore.routes import SCHOOL, Pages

start_pages = Pages(None, "")
pages = Pages("schools", SCHOOL)
