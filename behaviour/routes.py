"""Where the behaviour pages live (carecore/routes.py): under the school's behaviour/."""

from carecore.routes import SCHOOL, Pages

pages = Pages("behaviour", SCHOOL + "behaviour/")
