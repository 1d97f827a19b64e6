"""Where the referral pages live (docs/referrals.md): a school's referrals under
s/<school_code>/referrals/ (namespace "referrals") and the district's directory of partner
agencies under d/<district_code>/agencies/ (namespace "agencies")."""

from carecore.routes import DISTRICT, SCHOOL, Pages

pages = Pages("referrals", SCHOOL + "referrals/")
agency_pages = Pages("agencies", DISTRICT + "agencies/")
