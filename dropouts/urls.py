"""The school's dropout cases, under /s/<school_code>/cases/ (namespace "dropouts")."""

from django.urls import path

from dropouts import views

app_name = "dropouts"


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


urlpatterns = [
    path("", views.school_case_list, name="case_list"),
    path("report/<int:student_id>/", views.school_case_report, name="case_report"),
    *case_urls(in_district=False),
]
