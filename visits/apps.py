from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self):
        from visits import signals  # noqa: F401
