from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self):
        from students.consent_models import GuardianConsent
        from students.consent_uses import register_consent_use
        from visits import signals  # noqa: F401
        from visits.services import photos_withdrawal_preview, photos_withdrawal_stop

        register_consent_use(
            GuardianConsent.Purpose.HOME_VISIT_PHOTOS,
            preview=photos_withdrawal_preview,
            stop=photos_withdrawal_stop,
        )
