from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """The district's yearly plan of the student care system (docs/district-work.md, "The
    district's plan")."""

    name = "districts.plans"
    label = "plans"
    verbose_name = _("District plans")
