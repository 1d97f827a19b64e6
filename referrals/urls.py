"""Referral pages of one school, mounted at s/<school_code>/referrals/ (docs/referrals.md)."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("inbox/", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("students/<int:student_id>/", views.student_referrals, name="student_referrals"),
    path("students/<int:student_id>/new/", views.referral_create, name="referral_create"),
    path(
        "students/<int:student_id>/new/external/",
        views.referral_create_external,
        name="referral_create_external",
    ),
    path("<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<int:referral_id>/accept/", views.referral_accept, name="referral_accept"),
    path("<int:referral_id>/progress/", views.referral_progress, name="referral_progress"),
    path("<int:referral_id>/result/", views.referral_result, name="referral_result"),
    path(
        "<int:referral_id>/agency-result/",
        views.referral_agency_result,
        name="referral_agency_result",
    ),
    path("<int:referral_id>/follow-up/", views.referral_follow_up, name="referral_follow_up"),
    path("<int:referral_id>/close/", views.referral_close, name="referral_close"),
]

# --- agencies and printing (helper agencies) ---
from referrals import agency_views, print_views  # noqa: E402

urlpatterns += [
    path("agencies/", agency_views.agency_directory, name="agency_directory"),
    path(
        "<int:referral_id>/print/letter/",
        print_views.referral_letter_print,
        name="referral_letter_print",
    ),
    path(
        "<int:referral_id>/print/result/",
        print_views.referral_result_print,
        name="referral_result_print",
    ),
]
# --- end ---
