from django.urls import path

from screening import link_views

app_name = "screening_public"

# Under /f/, without an account: parents and students answer their own form with the code of
# their slip (docs/screening.md, "Parent and student forms").
urlpatterns = [
    path("", link_views.code_entry, name="code_entry"),
    path("<str:code>/", link_views.link_form, name="link_form"),
    path("<str:code>/thanks/", link_views.link_done, name="link_done"),
    path("<str:code>/eq/", link_views.link_eq, name="link_eq"),
]
