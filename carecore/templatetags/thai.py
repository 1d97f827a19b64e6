from django import template

from carecore.dates import format_date, format_datetime, to_thai_digits

register = template.Library()


@register.filter
def be_date(value, style="short"):
    """{{ student.birth_date|be_date }} → 15 มิ.ย. 2568; style "long" or "numeric"."""
    return format_date(value, style)


@register.filter
def be_datetime(value):
    return format_datetime(value)


@register.filter
def thai_digits(value):
    return to_thai_digits(value)
