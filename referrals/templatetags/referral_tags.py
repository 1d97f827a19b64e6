"""Template tags of referrals: whether the user works at the request's school (the referral
inbox is for the school's staff, not for supervisors), and a care plan's referrals."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def is_school_staff(context) -> bool:
    """The user holds a role at the request's school (no query: memberships are cached)."""
    from carecore.access import get_access

    request = context.get("request")
    school = getattr(request, "school", None)
    if request is None or school is None:
        return False
    return bool(get_access(request).school_roles(school))


@register.inclusion_tag("referrals/_plan_referrals.html", takes_context=True)
def plan_referrals(context, plan):
    """The referrals made while ``plan`` was the student's open care plan (one query)."""
    from referrals import selectors

    request = context["request"]
    return {
        "school": request.school,
        "plan": plan,
        "referrals": selectors.plan_referrals(request, plan=plan),
    }
