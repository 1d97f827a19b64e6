from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards and reports")

    def ready(self):
        from carecore.imports.signals import import_applied
        from dashboards import signals

        # Imports write in bulk (no model signals): their school's figures are refreshed too.
        import_applied.connect(signals.import_applied, dispatch_uid="dashboards.import_applied")
