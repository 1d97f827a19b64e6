"""Where the portal's pages live (carecore.routes): the family's pages under /family/ (parents
and students, namespace "portal"), and the school staff's pages about family accounts under the
school (namespace "portal_staff")."""

from carecore.routes import SCHOOL, Pages

pages = Pages("portal", "family/")
staff_pages = Pages("portal_staff", SCHOOL + "family/")
