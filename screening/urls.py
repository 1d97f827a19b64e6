"""Screening: a school's under s/<school_code>/screening/ (namespace "screening"), the district's
criteria under d/<district_code>/screening/ (namespace "screening_district"), and the forms
parents and students answer without an account under f/ (namespace "screening_public")."""

from django.urls import include, path

from screening import import_views, link_views, summary_views, views, window_views
from screening.aspects import views as aspect_views

# One classroom: its screening, the SDQ grid of one rater, and the codes and slips of the parent
# and student forms.
classroom_urls = [
    path("", views.classroom_screening, name="classroom"),
    path("sdq/<str:rater>/", views.sdq_grid, name="sdq_grid"),
    path("links/", window_views.classroom_links, name="classroom_links"),
    path("slips/", window_views.classroom_slips, name="classroom_slips"),
]

# One student: the screening, the SDQ of one rater, the EQ, the care group and the aspects.
student_urls = [
    path("", views.student_screening, name="student"),
    path("sdq/<str:rater>/", views.sdq_entry, name="sdq_entry"),
    path("eq/", views.eq_entry, name="eq_entry"),
    path("group/", views.group_override, name="group_override"),
    path("aspects/", aspect_views.aspect_screening, name="aspects"),
]


# The summaries of the school, a classroom and a student, each on screen, in PDF and in XLSX.
def _summary(place: str):
    """A place's summary ("school", "classroom" or "student"): summary_views' <place>_summary,
    <place>_summary_print and <place>_summary_xlsx, named summary_<place>, summary_<place>_print
    and summary_<place>_xlsx."""
    return include(
        [
            path(sub, getattr(summary_views, f"{place}_summary{end}"), name=f"summary_{place}{end}")
            for sub, end in (("", ""), ("pdf/", "_print"), ("xlsx/", "_xlsx"))
        ]
    )


summary_urls = [
    path("", _summary("school")),
    path("classrooms/<int:classroom_id>/", _summary("classroom")),
    path("students/<int:student_id>/", _summary("student")),
]

school_urls = [
    path("", views.screening_home, name="home"),
    path("classrooms/<int:classroom_id>/", include(classroom_urls)),
    path("students/<int:student_id>/", include(student_urls)),
    # The import and export of SDQ answers.
    *import_views.urlpatterns,
    path("export/", import_views.screening_export, name="export"),
    path("export/file/", import_views.screening_export_file, name="export_file"),
    # When parents and students may answer their forms.
    path("window/", window_views.screening_window, name="window"),
    path("aspects/criteria/", aspect_views.school_criteria, name="aspect_criteria"),
    path("summary/", include(summary_urls)),
]

district_urls = [
    path("criteria/", aspect_views.district_criteria, name="criteria"),
]

# Parents and students answer their own form with the code of their slip (docs/screening.md,
# "Parent and student forms").
public_urls = [
    path("", link_views.code_entry, name="code_entry"),
    path("<str:code>/", link_views.link_form, name="link_form"),
    path("<str:code>/thanks/", link_views.link_done, name="link_done"),
    path("<str:code>/eq/", link_views.link_eq, name="link_eq"),
]

urlpatterns = [
    path("s/<school_code:school_code>/screening/", include((school_urls, "screening"))),
    path(
        "d/<district_code:district_code>/screening/", include((district_urls, "screening_district"))
    ),
    path("f/", include((public_urls, "screening_public"))),
]
