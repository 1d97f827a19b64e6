from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Schools")

    def ready(self):
        from carecore.access import register_current_academic_year
        from schools.selectors import current_academic_year

        # Every school page reads the current academic year (request.academic_year).
        register_current_academic_year(current_academic_year)
