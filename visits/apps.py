from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Home visits")

    def ready(self):
        from students.consent_models import GuardianConsent
        from students.consent_uses import register_consent_use
        from students.extensions import register_roster_annotation, register_student_facts
        from visits import signals  # noqa: F401
        from visits.selectors import last_visit_facts, with_visit_status
        from visits.services import photos_withdrawal_preview, photos_withdrawal_stop

        register_student_facts(last_visit_facts)
        register_roster_annotation(with_visit_status)
        register_consent_use(
            GuardianConsent.Purpose.HOME_VISIT_PHOTOS,
            preview=photos_withdrawal_preview,
            stop=photos_withdrawal_stop,
        )
