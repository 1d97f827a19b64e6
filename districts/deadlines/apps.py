from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """The district's calendar of deadlines (docs/district-work.md, "Deadlines")."""

    name = "districts.deadlines"
    label = "deadlines"
    verbose_name = _("District deadlines")

    def ready(self):
        from districts.deadlines import signals  # noqa: F401  (a school's file goes with its mark)
