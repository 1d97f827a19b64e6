"""Where the district's and network's pages live: under d/<district_code>/ and n/<network_id>/
(namespace "districts", its routes name their place), and the district's data retention under
d/<district_code>/retention/ (namespace "retention")."""

from carecore.routes import DISTRICT, Pages

pages = Pages("districts", "")
retention_pages = Pages("retention", DISTRICT + "retention/")
