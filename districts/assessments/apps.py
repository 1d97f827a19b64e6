from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The schools' self-assessment, the district's evaluation and its awards
    (docs/district-work.md, "Self-assessment, evaluation and awards")."""

    name = "districts.assessments"
    label = "assessments"
    verbose_name = _("Self-assessment and evaluation")
