"""Where the committee pages live: the same pages at three places, a school's under
s/<school_code>/committees/ (namespace "committees"), a network's under
n/<network_id>/committees/ ("committees_network") and the district's under
d/<district_code>/committees/ ("committees_district")."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

school_pages = Pages("committees", SCHOOL + "committees/")
network_pages = Pages("committees_network", NETWORK + "committees/")
district_pages = Pages("committees_district", DISTRICT + "committees/")
