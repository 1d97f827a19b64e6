"""`{{ form|fields:"a b c" }}`: some of a form's bound fields, in the order named, for a
template that lays out a group of fields with one loop."""

from django import template

register = template.Library()


@register.filter
def fields(form, names: str) -> list:
    return [form[name] for name in names.split()]
