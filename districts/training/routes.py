"""Where the training pages live: the district's under d/<district_code>/training/ (namespace
"training"), a school's under s/<school_code>/training/ (namespace "training_school")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

district_pages = Pages("training", DISTRICT + "training/")
school_pages = Pages("training_school", SCHOOL + "training/")
