"""Where the screening pages live: a school's under s/<school_code>/screening/ (namespace
"screening"), the district's criteria under d/<district_code>/screening/ (namespace
"screening_district"), and the forms parents and students answer without an account under f/
(namespace "screening_public")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

pages = Pages("screening", SCHOOL + "screening/")
district_pages = Pages("screening_district", DISTRICT + "screening/")
public_pages = Pages("screening_public", "f/")
