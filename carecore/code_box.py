"""The page with a box to type the code printed on a slip (a screening form's link, a
survey's slip), reached without an account: ``?code=`` in the address (the slip's QR code, or
the box itself, which sends GET).

The page is the same for every kind of slip: the empty box, or the code looked up. What a code
opens, and what a wrong one answers, is the caller's (``opened``); it draws the box again with
what was typed and a message through ``page(error, status)``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

# The most of a typed code that is read (a code is 8 to 10 characters, with dashes or spaces).
TYPED_MAX = 40

Page = Callable[[str, int], HttpResponse]


def typed_code(request: HttpRequest, *, posted: bool = False) -> str:
    """The code as typed (``?code=``, or the form's when ``posted``), cut to ``TYPED_MAX``."""
    typed = (request.POST.get("code") if posted else None) or request.GET.get("code") or ""
    return typed[:TYPED_MAX]


def code_box_view(
    template: str, opened: Callable[[HttpRequest, str, Page], HttpResponse]
) -> Callable[[HttpRequest], HttpResponse]:
    """A view of the code box drawn by ``template`` (which reads ``typed`` and ``error``): the
    empty box, or ``opened(request, typed, page)`` for a typed code."""

    @never_cache
    @require_http_methods(["GET", "HEAD"])
    def code_entry(request: HttpRequest) -> HttpResponse:
        typed = typed_code(request)
        if not typed.strip():
            return render(request, template, {"typed": ""})

        def page(error: str, status: int = 200) -> HttpResponse:
            return render(request, template, {"typed": typed, "error": error}, status=status)

        return opened(request, typed, page)

    code_entry.__doc__ = opened.__doc__
    return code_entry
