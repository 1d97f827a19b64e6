"""Referral pages (docs/referrals.md): a school's referrals under s/<school_code>/referrals/
(namespace "referrals") and the district's directory of partner agencies under
d/<district_code>/agencies/ (namespace "agencies")."""

from django.urls import include, path

from referrals import agency_views, print_views, views

# One student's referrals, and new referrals to a school or to an agency.
student_urls = [
    path("", views.student_referrals, name="student_referrals"),
    path("new/", views.referral_create, name="referral_create"),
    path("new/external/", views.referral_create_external, name="referral_create_external"),
]

# One referral: its page, then a page per step, then its printouts.
referral_urls = [
    path("", views.referral_detail, name="referral_detail"),
    path("accept/", views.referral_accept, name="referral_accept"),
    path("progress/", views.referral_progress, name="referral_progress"),
    path("result/", views.referral_result, name="referral_result"),
    path("agency-result/", views.referral_agency_result, name="referral_agency_result"),
    path("follow-up/", views.referral_follow_up, name="referral_follow_up"),
    path("close/", views.referral_close, name="referral_close"),
    path("print/letter/", print_views.referral_letter_print, name="referral_letter_print"),
    path("print/result/", print_views.referral_result_print, name="referral_result_print"),
]

school_urls = [
    path("", views.referral_list, name="referral_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("agencies/", agency_views.agency_directory, name="agency_directory"),
    path("students/<int:student_id>/", include(student_urls)),
    path("<int:referral_id>/", include(referral_urls)),
]

district_agency_urls = [
    path("", agency_views.agency_list, name="list"),
    path("new/", agency_views.agency_create, name="create"),
    path("<int:agency_id>/edit/", agency_views.agency_edit, name="edit"),
    path("<int:agency_id>/active/", agency_views.agency_set_active, name="set_active"),
    path("<int:agency_id>/delete/", agency_views.agency_delete, name="delete"),
]

urlpatterns = [
    path("s/<school_code:school_code>/referrals/", include((school_urls, "referrals"))),
    path("d/<district_code:district_code>/agencies/", include((district_agency_urls, "agencies"))),
]
