from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    """The district fund: budget, criteria, the schools' nominations, selection and payments
    (docs/district-work.md, "The district fund")."""

    name = "districts.fund"
    label = "fund"
    verbose_name = _("District fund")
