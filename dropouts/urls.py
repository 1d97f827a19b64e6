"""The dropout cases: the school's under s/<school_code>/cases/ (namespace "dropouts") and the
district's under d/<district_code>/cases/ (namespace "dropouts_district")."""

from django.urls import include, path

from dropouts import views


def case_urls(*, in_district: bool) -> list:
    """The URLs of one case, at the district or at the school: its page, then one per action
    (giving the case an owner is the district's alone)."""
    urls = []
    for name, (at_district, at_school) in views.CASE_VIEWS.items():
        if name == "owner" and not in_district:
            continue
        route = "<int:case_id>/" if name == "detail" else f"<int:case_id>/{name}/"
        urls.append(path(route, at_district if in_district else at_school, name=f"case_{name}"))
    return urls


school_urls = [
    path("", views.school_case_list, name="case_list"),
    path("report/<int:student_id>/", views.school_case_report, name="case_report"),
    *case_urls(in_district=False),
]

district_urls = [
    path("", views.district_case_list, name="case_list"),
    path("new/", views.district_case_create, name="case_create"),
    path("settings/", views.case_settings, name="case_settings"),
    *case_urls(in_district=True),
]

urlpatterns = [
    path("s/<school_code:school_code>/cases/", include((school_urls, "dropouts"))),
    path("d/<district_code:district_code>/cases/", include((district_urls, "dropouts_district"))),
]
