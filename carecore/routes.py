"""Where a page lives, said on its view: ``@pages("plans/<int:plan_id>/edit/")`` above the
access decorator, so that one screen's address, name and permission are read in one place.

Each app declares its namespaces in its ``routes.py`` (``Pages("care", SCHOOL + "care/")``); its
views place themselves with the decorator, and its ``urls.py`` imports the view modules and lists
``pages.urlpattern()`` (docs/architecture.md, "How to add a screen"). Django resolves the pages in
the order they were placed: the order of the imports in ``urls.py``, then of the views in each
module, so a fixed route ("new/") is placed before a pattern that would also match it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, URLResolver, include, path, register_converter

from carecore.converters import DistrictCodeConverter, SchoolCodeConverter

register_converter(SchoolCodeConverter, "school_code")
register_converter(DistrictCodeConverter, "district_code")

# The places a page can hang under.
SCHOOL = "s/<school_code:school_code>/"
DISTRICT = "d/<district_code:district_code>/"
NETWORK = "n/<int:network_id>/"


class Pages:
    """The pages of one URL namespace under one prefix (``namespace=None``: pages named without
    a namespace, such as the home page).

    Call it as a decorator to place a view: ``@pages(route)`` names the page after the view's
    function, ``@pages(route, name="...")`` otherwise; stack it to place one view at two routes.
    Extra patterns that are not views of the app (an included list) go in with ``add``. A name
    placed twice, or a page placed once the URL conf has read the list, is an error at import.
    """

    def __init__(self, namespace: str | None, prefix: str):
        self.namespace = namespace
        self.prefix = prefix
        self._patterns: list[URLPattern | URLResolver] = []
        self._names: set[str] = set()
        self._read = False

    def __repr__(self) -> str:
        return f"Pages({self.namespace!r}, {self.prefix!r})"

    def __call__(self, route: str, name: str | None = None) -> Callable:
        def place(view: Callable) -> Callable:
            self.add(path(route, view, name=name or view.__name__))
            return view

        return place

    def add(self, *patterns: URLPattern | URLResolver) -> None:
        for pattern in patterns:
            if self._read:
                raise RuntimeError(f"{pattern} is placed after {self} was read by the URL conf")
            page_name = getattr(pattern, "name", None)
            if page_name in self._names:
                raise ValueError(f"{self.namespace or ''}:{page_name} is placed twice")
            if page_name:
                self._names.add(page_name)
            self._patterns.append(pattern)

    def urlpattern(self) -> URLResolver:
        """The namespace's resolver, for the app's ``urlpatterns``: its pages in the order they
        were placed."""
        self._read = True
        if self.namespace is None:
            return path(self.prefix, include(list(self._patterns)))
        return path(self.prefix, include((list(self._patterns), self.namespace)))
