from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DropoutsConfig(AppConfig):
    name = "dropouts"
    verbose_name = _("Dropout and out-of-school cases")
