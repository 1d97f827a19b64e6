"""Where the care pages live: s/<school_code>/care/ (namespace "care"): the care activities and
their coverage, the care plans (ICP) and the support given."""

from carecore.routes import SCHOOL, Pages

pages = Pages("care", SCHOOL + "care/")
