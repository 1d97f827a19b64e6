"""Widths without style attributes: the Content-Security-Policy allows no inline style, so a bar
``N`` per cent wide takes the class ``w-pct-N`` (static/css/app.css has one for 0 to 100)."""

from django import template

register = template.Library()


@register.filter
def width_class(value, minimum=0) -> str:
    """``{{ share|width_class }}`` → ``w-pct-42``: rounded, kept within ``minimum``..100."""
    try:
        percent = round(float(value))
    except (TypeError, ValueError):
        percent = 0
    return f"w-pct-{max(int(minimum), min(100, percent))}"
