from django.urls import path

from students import consent_views, import_views, print_views, seen_views, views
from students.record import views as record_views
from students.subject_access_views import subject_access, subject_access_start

app_name = "students"

urlpatterns = [
    path("<int:student_id>/", views.student_detail, name="student_detail"),
    path("<int:student_id>/edit/", views.student_edit, name="student_edit"),
    path("<int:student_id>/guardians/new/", views.guardian_edit, name="guardian_create"),
    path(
        "<int:student_id>/guardians/<int:guardian_id>/",
        views.guardian_edit,
        name="guardian_edit",
    ),
    path("<int:student_id>/print/", print_views.student_print, name="student_print"),
    # --- guardian consent and who has seen the record (PDPA) ---
    path("<int:student_id>/consents/", consent_views.consents, name="consents"),
    path(
        "<int:student_id>/consents/<slug:purpose>/new/",
        consent_views.consent_new,
        name="consent_new",
    ),
    path(
        "<int:student_id>/consents/<int:consent_id>/withdraw/",
        consent_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:student_id>/seen-by/", seen_views.seen_by, name="seen_by"),
    # --- end guardian consent ---
    # --- subject-access export (helper pdpa2) ---
    path(
        "<int:student_id>/subject-access/",
        subject_access,
        name="subject_access",
    ),
    path(
        "<int:student_id>/subject-access/<str:fmt>/",
        subject_access_start,
        name="subject_access_start",
    ),
    # --- end subject-access export ---
    # The cumulative record (ระเบียนสะสม).
    path("<int:student_id>/record/", record_views.record_overview, name="record"),
    path("<int:student_id>/record/print/", record_views.record_print, name="record_print"),
    path("<int:student_id>/record/terms/", record_views.record_term_result, name="record_terms"),
    path(
        "<int:student_id>/record/<slug:section>/",
        record_views.record_section,
        name="record_section",
    ),
    path(
        "<int:student_id>/record/<slug:section>/edit/",
        record_views.record_section_edit,
        name="record_section_edit",
    ),
    path(
        "classrooms/<int:classroom_id>/print/<str:document>/",
        print_views.classroom_print,
        name="classroom_print",
    ),
    *import_views.urlpatterns,
]
