"""``{% place_url place "name" round_id=... %}``: a page's address at the place the page is shown
(a school, a network or the district office): ``place.url(name, **kwargs)`` of the app's place
object, which knows the URL namespace and the place's own arguments."""

from django import template

register = template.Library()


@register.simple_tag
def place_url(place, name, **kwargs):
    return place.url(name, **kwargs)
