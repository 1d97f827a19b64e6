"""Where the early-warning pages live: the school's list under s/<school_code>/early-warning/
(namespace "earlywarning"), the district's counts and settings under
d/<district_code>/early-warning/ ("earlywarning_district"), a network's counts under
n/<network_id>/early-warning/ ("earlywarning_network")."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

pages = Pages("earlywarning", SCHOOL + "early-warning/")
district_pages = Pages("earlywarning_district", DISTRICT + "early-warning/")
network_pages = Pages("earlywarning_network", NETWORK + "early-warning/")
