from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision of the schools by the district (นิเทศ ติดตาม; docs/district-work.md,
    "Supervision")."""

    name = "districts.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
