"""Template tags of care plans and support: amounts in baht, the student's care block on the
student's page, and the overdue notice on a homeroom teacher's landing page."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def baht(value) -> str:
    """1500 → "1,500"; 1500.5 → "1,500.50"; empty → "—"."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


@register.inclusion_tag("care/_plan_student_block.html", takes_context=True)
def care_student_block(context, student):
    """The student's care plans and support, for the student's page (two queries)."""
    from care import selectors
    from carecore.access import Perm

    request = context["request"]
    perms = getattr(request, "schoolperms", frozenset())
    support = selectors.student_support(student=student)
    return {
        "request": request,
        "school": request.school,
        "student": student,
        "plans": selectors.student_plans(student=student),
        "support": support,
        "support_total": sum((s.amount or 0) for s in support),
        "can_record": Perm.RECORD_CARE in perms,
        "can_manage_support": Perm.MANAGE_SUPPORT in perms,
    }


@register.inclusion_tag("care/_plan_overdue_notice.html", takes_context=True)
def care_overdue_notice(context):
    """ "N care plans are overdue for review", per school, for a homeroom teacher (one query)."""
    from care import selectors

    request = context["request"]
    return {
        "overdue": selectors.overdue_for_teacher(
            user=request.user, academic_year=context.get("academic_year")
        )
    }
