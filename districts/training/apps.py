from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class TrainingConfig(AppConfig):
    """The training of the schools' staff and the district's courses (docs/district-work.md,
    "Training")."""

    name = "districts.training"
    label = "training"
    verbose_name = pgettext_lazy("training", "Training")
