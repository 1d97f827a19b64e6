from django.urls import path

from screening import import_views, summary_views, views, window_views
from screening.aspects import views as aspect_views

app_name = "screening"

# Under /s/<school_code>/screening/. Each area keeps its own block; add to your block only.
urlpatterns = [
    # --- entering answers and the care group (views.py)
    path("", views.screening_home, name="home"),
    path(
        "classrooms/<int:classroom_id>/",
        views.classroom_screening,
        name="classroom",
    ),
    path(
        "classrooms/<int:classroom_id>/sdq/<str:rater>/",
        views.sdq_grid,
        name="sdq_grid",
    ),
    path("students/<int:student_id>/", views.student_screening, name="student"),
    path("students/<int:student_id>/sdq/<str:rater>/", views.sdq_entry, name="sdq_entry"),
    path("students/<int:student_id>/eq/", views.eq_entry, name="eq_entry"),
    path("students/<int:student_id>/group/", views.group_override, name="group_override"),
    # --- import and export of SDQ answers (import_views.py)
    *import_views.urlpatterns,
    path("export/", import_views.screening_export, name="export"),
    path("export/file/", import_views.screening_export_file, name="export_file"),
    # --- parent and student forms: the window, a classroom's codes and slips (window_views.py)
    path("window/", window_views.screening_window, name="window"),
    path(
        "classrooms/<int:classroom_id>/links/",
        window_views.classroom_links,
        name="classroom_links",
    ),
    path(
        "classrooms/<int:classroom_id>/slips/",
        window_views.classroom_slips,
        name="classroom_slips",
    ),
    # --- aspect screening and the school's criteria (aspects/views.py)
    path(
        "students/<int:student_id>/aspects/",
        aspect_views.aspect_screening,
        name="aspects",
    ),
    path("aspects/criteria/", aspect_views.school_criteria, name="aspect_criteria"),
    # --- summaries per school, classroom and student: screen, PDF, XLSX (summary_views.py)
    path("summary/", summary_views.school_summary, name="summary_school"),
    path("summary/pdf/", summary_views.school_summary_print, name="summary_school_print"),
    path("summary/xlsx/", summary_views.school_summary_xlsx, name="summary_school_xlsx"),
    path(
        "summary/classrooms/<int:classroom_id>/",
        summary_views.classroom_summary,
        name="summary_classroom",
    ),
    path(
        "summary/classrooms/<int:classroom_id>/pdf/",
        summary_views.classroom_summary_print,
        name="summary_classroom_print",
    ),
    path(
        "summary/classrooms/<int:classroom_id>/xlsx/",
        summary_views.classroom_summary_xlsx,
        name="summary_classroom_xlsx",
    ),
    path(
        "summary/students/<int:student_id>/",
        summary_views.student_summary,
        name="summary_student",
    ),
    path(
        "summary/students/<int:student_id>/pdf/",
        summary_views.student_summary_print,
        name="summary_student_print",
    ),
    path(
        "summary/students/<int:student_id>/xlsx/",
        summary_views.student_summary_xlsx,
        name="summary_student_xlsx",
    ),
]
