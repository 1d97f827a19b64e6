"""Where the home-visit pages live: s/<school_code>/visits/ (namespace "visits")."""

from carecore.routes import SCHOOL, Pages

pages = Pages("visits", SCHOOL + "visits/")
