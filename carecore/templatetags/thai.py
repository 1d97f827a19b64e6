from django import template
from django.utils.html import json_script

from carecore.dates import format_date, format_datetime, to_thai_digits
from carecore.pdf_thai import THAI_COMPOUNDS

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


@register.simple_tag
def thai_compounds_script():
    """The Thai compounds the PDFs keep on one line (carecore/pdf_thai.py), as a JSON script that
    static/js/app.js reads to keep them on one line on screen too: one list for paper and page."""
    return json_script(list(THAI_COMPOUNDS), "thai-compounds")
