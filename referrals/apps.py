from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from care.coverage import register_referrals
        from referrals.selectors import referrals_in_term

        # A referral sent in a term counts as care for the problem group (care/coverage.py).
        register_referrals(referrals_in_term)
