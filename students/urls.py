"""A school's students under s/<school_code>/students/ (namespace "students") and its class lists
under s/<school_code>/classrooms/ (namespace "classrooms")."""

from django.urls import include, path

from students import consent_views, import_views, print_views, seen_views, views
from students.record import views as record_views
from students.subject_access_views import subject_access, subject_access_start

# Guardian consent (PDPA).
consent_urls = [
    path("", consent_views.consents, name="consents"),
    path("<slug:purpose>/new/", consent_views.consent_new, name="consent_new"),
    path("<int:consent_id>/withdraw/", consent_views.consent_withdraw, name="consent_withdraw"),
]

# The cumulative record (ระเบียนสะสม): "print" and "terms" come before the sections' slugs.
record_urls = [
    path("", record_views.record_overview, name="record"),
    path("print/", record_views.record_print, name="record_print"),
    path("terms/", record_views.record_term_result, name="record_terms"),
    path("<slug:section>/", record_views.record_section, name="record_section"),
    path("<slug:section>/edit/", record_views.record_section_edit, name="record_section_edit"),
]

# One student's pages.
student_urls = [
    path("", views.student_detail, name="student_detail"),
    path("edit/", views.student_edit, name="student_edit"),
    path("guardians/new/", views.guardian_edit, name="guardian_create"),
    path("guardians/<int:guardian_id>/", views.guardian_edit, name="guardian_edit"),
    path("print/", print_views.student_print, name="student_print"),
    path("consents/", include(consent_urls)),
    # Who has seen the record and the subject-access export (PDPA).
    path("seen-by/", seen_views.seen_by, name="seen_by"),
    path("subject-access/", subject_access, name="subject_access"),
    path("subject-access/<str:fmt>/", subject_access_start, name="subject_access_start"),
    path("record/", include(record_urls)),
]

school_students_urls = [
    path("<int:student_id>/", include(student_urls)),
    path(
        "classrooms/<int:classroom_id>/print/<str:document>/",
        print_views.classroom_print,
        name="classroom_print",
    ),
    *import_views.urlpatterns,
]

classroom_urls = [
    path("<int:classroom_id>/", views.classroom_detail, name="classroom_detail"),
]

urlpatterns = [
    path("s/<school_code:school_code>/classrooms/", include((classroom_urls, "classrooms"))),
    path("s/<school_code:school_code>/students/", include((school_students_urls, "students"))),
]
