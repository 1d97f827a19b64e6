from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CommitteesConfig(AppConfig):
    """Committees at district, network and school level, their appointment orders and meetings
    (docs/district-work.md, "Committees and meetings")."""

    name = "districts.committees"
    label = "committees"
    verbose_name = pgettext_lazy("committee", "Committees")
