"""{% visit_offline %}: the status line of the visits kept on the phone, and the script that keeps
them (static/js/visit_offline.js). The account is named by an opaque key (a keyed hash of its id),
so that the service worker and the queue keep one account's pages and answers apart from
another's on a shared phone without storing who it is."""

from django import template
from django.utils.crypto import salted_hmac

register = template.Library()


def offline_user_key(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return salted_hmac("visits.offline.user", str(user.pk)).hexdigest()[:24]


@register.inclusion_tag("visits/_offline.html", takes_context=True)
def visit_offline(context):
    request = context.get("request")
    return {"offline_user": offline_user_key(getattr(request, "user", None))}
