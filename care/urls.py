from django.urls import path  # noqa: F401

app_name = "care"

urlpatterns: list = []

# --- Care activities and coverage (helper "activities") -----------------------------------------
from care import coverage_views  # noqa: E402
from care.activities import views as activity_views  # noqa: E402

urlpatterns += [
    path("activities/new/", activity_views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", activity_views.activity_detail, name="activity_detail"),
    path("activities/<int:activity_id>/edit/", activity_views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:activity_id>/delete/",
        activity_views.activity_delete,
        name="activity_delete",
    ),
    path(
        "activities/<int:activity_id>/attachment/",
        activity_views.activity_attachment,
        name="activity_attachment",
    ),
    path(
        "classrooms/<int:classroom_id>/activities/",
        activity_views.classroom_activities,
        name="classroom_activities",
    ),
    path(
        "classrooms/<int:classroom_id>/activities/new/",
        activity_views.classroom_activity_create,
        name="classroom_activity_create",
    ),
    path(
        "students/<int:student_id>/activities/",
        activity_views.student_activities,
        name="student_activities",
    ),
    path("coverage/", coverage_views.coverage_school, name="coverage_school"),
    path(
        "classrooms/<int:classroom_id>/coverage/",
        coverage_views.coverage_classroom,
        name="coverage_classroom",
    ),
]
# --- end of the activities helper's block ------------------------------------------------------

# --- Care plans (ICP), overdue reviews, printing, and support (helper "plans") ----------------
from care.plans import views as plan_views  # noqa: E402
from care.support import views as support_views  # noqa: E402

urlpatterns += [
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/edit/", plan_views.plan_edit, name="plan_edit"),
    path(
        "plans/<int:plan_id>/follow-ups/new/",
        plan_views.follow_up_create,
        name="plan_follow_up_create",
    ),
    path("plans/<int:plan_id>/actions/done/", plan_views.plan_action_done, name="plan_action_done"),
    path("plans/<int:plan_id>/close/", plan_views.plan_close, name="plan_close"),
    path("plans/<int:plan_id>/print/", plan_views.plan_print, name="plan_print"),
    path("students/<int:student_id>/plans/", plan_views.student_plans, name="student_plans"),
    path("students/<int:student_id>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("support/", support_views.support_summary, name="support_summary"),
    path(
        "students/<int:student_id>/support/",
        support_views.student_support,
        name="student_support",
    ),
    path(
        "students/<int:student_id>/support/new/",
        support_views.support_create_view,
        name="support_create",
    ),
]
# --- end of the plans helper's block -----------------------------------------------------------
