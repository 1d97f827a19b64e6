"""carecore.routes: a page placed by a decorator on its view."""

import pytest
from django.http import HttpResponse
from django.urls import Resolver404, path, resolve, reverse

from carecore.routes import SCHOOL, Pages


def page(request, **kwargs):
    return HttpResponse("page")


def print_page(request, **kwargs):
    return HttpResponse("print")


def section(request, **kwargs):
    return HttpResponse("section")


class _URLConf:
    """A URL conf of one namespace's pages, as an app's urls.py lists them."""

    def __init__(self, pages: Pages):
        self.urlpatterns = [pages.urlpattern()]

    def resolve(self, url: str):
        return resolve(url, urlconf=self)

    def reverse(self, name: str, **kwargs) -> str:
        return reverse(name, urlconf=self, kwargs=kwargs)


_resolver = _URLConf


def test_a_page_is_named_after_its_function_under_the_namespace_and_prefix():
    pages = Pages("things", SCHOOL + "things/")
    placed = pages("<int:thing_id>/")(page)
    assert placed is page  # the view itself is left as it was
    match = _resolver(pages).resolve("/s/1234567890/things/7/")
    assert match.func is page
    assert match.namespace == "things"
    assert match.url_name == "page"
    assert match.kwargs == {"school_code": "1234567890", "thing_id": 7}


def test_name_given_and_one_view_at_two_routes():
    pages = Pages("things", "t/")
    pages("new/", name="thing_create")(pages("<int:thing_id>/", name="thing_edit")(page))
    resolver = _resolver(pages)
    assert resolver.resolve("/t/new/").url_name == "thing_create"
    assert resolver.resolve("/t/3/").url_name == "thing_edit"
    assert resolver.reverse("things:thing_create") == "/t/new/"
    assert resolver.reverse("things:thing_edit", thing_id=3) == "/t/3/"


def test_a_name_placed_twice_is_refused():
    pages = Pages("things", "t/")
    pages("a/")(page)
    with pytest.raises(ValueError, match="things:page is placed twice"):
        pages("b/")(page)
    with pytest.raises(ValueError, match="things:page is placed twice"):
        pages.add(path("c/", section, name="page"))


def test_the_order_of_placement_is_the_order_of_resolution():
    fixed_first = Pages("record", "r/")
    fixed_first("print/")(print_page)
    fixed_first("<slug:section>/")(section)
    assert _resolver(fixed_first).resolve("/r/print/").func is print_page
    assert _resolver(fixed_first).resolve("/r/family/").func is section

    pattern_first = Pages("record", "r/")
    pattern_first("<slug:section>/")(section)
    pattern_first("print/")(print_page)
    assert _resolver(pattern_first).resolve("/r/print/").func is section


def test_added_patterns_take_their_place_in_the_order():
    pages = Pages("things", "t/")
    pages("a/")(page)
    pages.add(path("b/", section, name="b"))
    pages("c/")(print_page)
    assert [p.name for p in pages.urlpattern().url_patterns] == ["page", "b", "print_page"]


def test_a_page_placed_after_the_url_conf_read_the_list_is_refused():
    pages = Pages("things", "t/")
    pages("a/")(page)
    pages.urlpattern()
    with pytest.raises(RuntimeError, match="after Pages\\('things', 't/'\\) was read"):
        pages("b/")(section)


def test_pages_without_a_namespace():
    pages = Pages(None, "")
    pages("classrooms/", name="my_classrooms")(page)
    resolver = _resolver(pages)
    match = resolver.resolve("/classrooms/")
    assert (match.namespace, match.url_name) == ("", "my_classrooms")
    assert resolver.reverse("my_classrooms") == "/classrooms/"
    with pytest.raises(Resolver404):
        resolver.resolve("/things/")
