from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CarecoreConfig(AppConfig):
    name = "carecore"
    verbose_name = _("Care core")

    def ready(self):
        from carecore import health, mfa, signals  # noqa: F401  (health: the heartbeats)

        # Every app's job kinds (``<app>/jobs.py``) register themselves on import.
        autodiscover_modules("jobs")
