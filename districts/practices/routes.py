"""Where the good-practice library lives: a school's pages under s/<school_code>/practices/
(namespace "practices": the library, the school's own practices, writing and sending one), the
district's under d/<district_code>/practices/ (namespace "practices_district": the library and
the review) and a network's under n/<network_id>/practices/ (namespace "practices_network":
the library)."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

pages = Pages("practices", SCHOOL + "practices/")
district_pages = Pages("practices_district", DISTRICT + "practices/")
network_pages = Pages("practices_network", NETWORK + "practices/")
