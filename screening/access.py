"""The way in without an account: a parent's or student's screening form link."""

from __future__ import annotations

from django.http import Http404
from django_scopes import scopes_disabled

from carecore.queries import first_or_404
from screening.models import CODE_LENGTH, FormLink


def form_link_get(code: str) -> FormLink:
    """The parent's or student's form link behind a typed or scanned code, or 404.

    This is the only way in without an account: the code names one student, one term and one
    rater, and nothing else can be reached with it. Whether the school's screening window is
    open is decided by the caller (a closed window shows a message, not the form)."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(code) != CODE_LENGTH:
        raise Http404
    with scopes_disabled():
        return first_or_404(
            FormLink.objects.select_related(
                "student", "student__school", "term", "term__academic_year"
            ).filter(code=code)
        )
