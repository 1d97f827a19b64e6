from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    """The district's good-practice library, the "Share" step of GDTESE: schools submit, the
    district reviews and publishes, the whole district searches in Thai (docs/district-work.md,
    "Good-practice library")."""

    name = "districts.practices"
    label = "practices"
    verbose_name = _("Good-practice library")
