"""The district's deadlines on other pages: the school's home page shows what is due (for
those who meet deadlines: ``Perm.MEET_DEADLINES``)."""

from django import template
from django.utils import timezone

register = template.Library()

# A state's badge (deadlines.models.State): late red, due yellow, done green, done late blue.
BADGES = {
    "late": "text-bg-danger",
    "due": "text-bg-warning",
    "done": "text-bg-success",
    "done_late": "text-bg-info",
}


@register.filter
def state_badge(state) -> str:
    """``{{ row.state|state_badge }}``: the badge's colour class (grey: not open yet)."""
    return BADGES.get(str(state), "text-bg-secondary")


@register.inclusion_tag("deadlines/_school_card.html", takes_context=True)
def deadlines_school_card(context):
    """Deadlines open, late or opening soon and not met: two queries (three when one of them
    is measured from the data); nothing, and no query, for anyone else."""
    from carecore.access import Perm
    from districts.deadlines.models import State
    from districts.deadlines.selectors import school_card

    request = context["request"]
    if Perm.MEET_DEADLINES not in getattr(request, "schoolperms", ()):
        return {"rows": []}
    rows = school_card(school=request.school, today=timezone.localdate())
    return {
        "rows": rows,
        "school": request.school,
        "due": sum(r.state == State.DUE for r in rows),
        "late": sum(r.state == State.LATE for r in rows),
    }
