from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Satisfaction surveys of a district or a school (docs/district-work.md, "Satisfaction
    surveys")."""

    name = "districts.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")
