"""Template tags of referrals: whether the user works at the request's school (the referral
inbox is for the school's staff, not for supervisors), and a care plan's referrals."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def is_school_staff(context) -> bool:
    """The user works at the request's school: they send and receive referrals there."""
    from carecore.access import Perm

    return Perm.USE_REFERRALS in getattr(context.get("request"), "schoolperms", ())


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
