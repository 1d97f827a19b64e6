"""Care under s/<school_code>/care/ (namespace "care"): the care activities and their coverage,
the care plans (ICP) and the support given."""

from django.urls import include, path

from care import coverage_views
from care.activities import views as activity_views
from care.plans import views as plan_views
from care.support import views as support_views

activity_urls = [
    path("", activity_views.activity_detail, name="activity_detail"),
    path("edit/", activity_views.activity_edit, name="activity_edit"),
    path("delete/", activity_views.activity_delete, name="activity_delete"),
    path("attachment/", activity_views.activity_attachment, name="activity_attachment"),
]

plan_urls = [
    path("", plan_views.plan_detail, name="plan_detail"),
    path("edit/", plan_views.plan_edit, name="plan_edit"),
    path("follow-ups/new/", plan_views.follow_up_create, name="plan_follow_up_create"),
    path("actions/done/", plan_views.plan_action_done, name="plan_action_done"),
    path("close/", plan_views.plan_close, name="plan_close"),
    path("print/", plan_views.plan_print, name="plan_print"),
]

classroom_urls = [
    path("activities/", activity_views.classroom_activities, name="classroom_activities"),
    path(
        "activities/new/",
        activity_views.classroom_activity_create,
        name="classroom_activity_create",
    ),
    path("coverage/", coverage_views.coverage_classroom, name="coverage_classroom"),
]

student_urls = [
    path("activities/", activity_views.student_activities, name="student_activities"),
    path("plans/", plan_views.student_plans, name="student_plans"),
    path("plans/new/", plan_views.plan_create, name="plan_create"),
    path("support/", support_views.student_support, name="student_support"),
    path("support/new/", support_views.support_create_view, name="support_create"),
]

care_urls = [
    path("activities/new/", activity_views.activity_create, name="activity_create"),
    path("activities/<int:activity_id>/", include(activity_urls)),
    path("coverage/", coverage_views.coverage_school, name="coverage_school"),
    path("plans/", plan_views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", include(plan_urls)),
    path("support/", support_views.support_summary, name="support_summary"),
    path("classrooms/<int:classroom_id>/", include(classroom_urls)),
    path("students/<int:student_id>/", include(student_urls)),
]

urlpatterns = [
    path("s/<school_code:school_code>/care/", include((care_urls, "care"))),
]
