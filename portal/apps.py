"""Parents and students as users (docs/portal.md): their own pages on a phone, messages with the
homeroom teacher, consent requests, appointments and the confidential request for help."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Parents and students")

    def ready(self):
        from carecore.access import register_landing

        # A parent or a student lands on their portal, not the staff home.
        register_landing(_family_landing)


def _family_landing(user) -> str | None:
    from django.urls import reverse

    from students.access import is_family_user

    return reverse("portal:home") if is_family_user(user) else None
