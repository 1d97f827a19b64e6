"""Writes to the support students received (scholarships, funds, lunch, uniforms, transport).
The term is the one whose dates contain the day the support was received; every write leaves an
event in the audit log."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from care.models import Support, SupportKind
from carecore.audit import audit_record, model_changes
from carecore.dates import format_date
from carecore.models import AuditEvent
from carecore.writes import acting_user
from schools.selectors import current_term

SUPPORT_FIELDS = ("kind", "source", "amount", "date", "term", "note")


def support_term(date: datetime.date):
    """The term containing ``date``; between terms (the October break, April) the term that
    has just ended."""
    term = current_term(date)
    if term is None:
        raise ValidationError(
            {
                "date": _("No term of the school calendar contains %(date)s.")
                % {"date": format_date(date)}
            }
        )
    return term


@transaction.atomic
def support_create(
    *,
    student,
    kind: str,
    source: str,
    amount: Decimal | None,
    date: datetime.date,
    note: str = "",
    user,
    request=None,
) -> Support:
    errors = {}
    if kind not in SupportKind.values:
        errors["kind"] = _("Choose the kind of support.")
    if date > timezone.localdate():
        errors["date"] = _("Support cannot be recorded for a day in the future.")
    if amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if errors:
        raise ValidationError(errors)
    support = Support(
        school_id=student.school_id,
        student=student,
        term=support_term(date),
        kind=kind,
        source=source.strip(),
        amount=amount,
        date=date,
        note=note.strip(),
        recorded_by=acting_user(user),
    )
    support.full_clean(exclude=["school", "student", "term", "recorded_by"])
    support.save()
    audit_record(
        action=AuditEvent.Action.CREATE,
        user=user,
        school=getattr(request, "school", None) or student.school,
        student=student,
        obj=support,
        summary=_("Recorded support: %(kind)s, %(source)s")
        % {"kind": support.get_kind_display(), "source": support.source[:80]},
        changes=model_changes(None, support, list(SUPPORT_FIELDS)),
        request=request,
    )
    return support
