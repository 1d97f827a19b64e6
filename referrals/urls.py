"""Referral pages (docs/referrals.md): a school's referrals under s/<school_code>/referrals/
(namespace "referrals") and the district's directory of partner agencies under
d/<district_code>/agencies/ (namespace "agencies"); each view places itself
(referrals/routes.py)."""

from referrals import agency_views, print_views, views  # noqa: F401  (they place their pages)
from referrals.routes import agency_pages, pages

urlpatterns = [pages.urlpattern(), agency_pages.urlpattern()]
