from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = _("Screening")

    def ready(self):
        from screening.selectors import latest_care_group_facts
        from students.extensions import register_student_facts

        register_student_facts(latest_care_group_facts)
