"""Where the supervision pages live: the district's under d/<district_code>/supervision/
(namespace "supervision"), a network team's under n/<network_id>/supervision/ (namespace
"supervision_network"), a school's under s/<school_code>/supervision/ (namespace
"supervision_school")."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

district_pages = Pages("supervision", DISTRICT + "supervision/")
network_pages = Pages("supervision_network", NETWORK + "supervision/")
school_pages = Pages("supervision_school", SCHOOL + "supervision/")
