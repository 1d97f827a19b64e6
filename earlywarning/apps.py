"""Early warning of dropping out (docs/early-warning.md): a transparent model over attendance,
behaviour, course results, screening and family facts, computed each night and after imports."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWarningConfig(AppConfig):
    name = "earlywarning"
    verbose_name = _("Early warning")

    def ready(self):
        from carecore.imports.signals import import_applied
        from earlywarning import signals

        # Imports write in bulk (no model signals): their school is recomputed after them.
        import_applied.connect(signals.import_applied, dispatch_uid="earlywarning.import_applied")

        # The class-list column and the student page's card (students.extensions).
        if find_spec("earlywarning.extensions"):
            import_module("earlywarning.extensions")
