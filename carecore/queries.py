"""Query expressions the apps' selectors share."""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404


def true_when(condition: Q) -> Case:
    """A boolean column, true where ``condition`` holds and false elsewhere (a NULL in the
    condition gives false), for sorting (late cases first, closed plans last)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def first_or_404(queryset: QuerySet):
    """The first row of ``queryset``, else 404: a lookup for the user, where another school's
    row and one that does not exist answer the same."""
    row = queryset.first()
    if row is None:
        raise Http404
    return row


def key_or_none(value) -> int | None:
    """``value`` (a text from an address or a form) as a primary key: a whole number from 1 up
    to the widest bigint; else None (no row has it, and SQLite would overflow on it)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None
