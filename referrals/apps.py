from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from referrals.access import referred_students_subquery
        from students.access import register_visible_students

        # The recipients of an open referral see its student until it is closed.
        register_visible_students(referred_students_subquery)

        from care.coverage import register_referrals
        from referrals.selectors import referrals_in_term

        # A referral sent in a term counts as care for the problem group (care/coverage.py).
        register_referrals(referrals_in_term)

        from referrals.services import consent_withdrawal_preview, consent_withdrawal_stop
        from students.consent_models import GuardianConsent
        from students.consent_uses import register_consent_use

        # Withdrawing consent to send data to agencies flags the open external referrals.
        register_consent_use(
            GuardianConsent.Purpose.EXTERNAL_REFERRAL,
            preview=consent_withdrawal_preview,
            stop=consent_withdrawal_stop,
        )
