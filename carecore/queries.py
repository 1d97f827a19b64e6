"""Query expressions the apps' selectors share."""

from django.db.models import BooleanField, Case, Q, Value, When


def true_when(condition: Q) -> Case:
    """A boolean column, true where ``condition`` holds and false elsewhere (a NULL in the
    condition gives false), for sorting (late cases first, closed plans last)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
