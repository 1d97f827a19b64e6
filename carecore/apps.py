from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarecoreConfig(AppConfig):
    name = "carecore"
    verbose_name = _("Care core")
