"""``{% place_url place "name" committee_id=... %}``: a committee page's address at the page's
place (a school, a network or the district office: ``views.Place``)."""

from django import template

register = template.Library()


@register.simple_tag
def place_url(place, name, **kwargs):
    return place.url(name, **kwargs)
