"""Where the self-assessment pages live: the district's under d/<district_code>/assessments/
(namespace "assessments"), a school's under s/<school_code>/assessments/ (namespace
"assessments_school": the school's own assessment, and a rater's scoring of it), a network
rater's list under n/<network_id>/assessments/ (namespace "assessments_network")."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

district_pages = Pages("assessments", DISTRICT + "assessments/")
school_pages = Pages("assessments_school", SCHOOL + "assessments/")
network_pages = Pages("assessments_network", NETWORK + "assessments/")
