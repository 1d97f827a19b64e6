"""Writes of the district fund (docs/district-work.md, "The district fund"): the fund set up
and published by the district, a school's nominations, the committee's decisions and the
payments. A nomination is a child's record: every write about one leaves an audit event."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.audit import audit_row
from carecore.models import AuditEvent, Notification
from carecore.notifications import notify, school_staff_with
from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.fund import selectors
from districts.fund.models import Fund, Nomination, Payment
from students.models import Enrolment

FUND_FIELDS = (
    "title",
    "budget",
    "amount_per_student",
    "criteria",
    "opens_on",
    "closes_on",
)


class StaleFund(StaleRevision):
    """Someone changed the fund after this form was opened."""


class StaleNomination(StaleRevision):
    """Someone decided on the nomination after this page was opened."""


# --- the fund -----------------------------------------------------------------------------------
def _check_fund(district, academic_year, data: dict, fund: Fund | None) -> None:
    errors = {}
    if data["closes_on"] < data["opens_on"]:
        errors["closes_on"] = _("Nominations close before they open.")
    if data["budget"] < 0:
        errors["budget"] = _("The budget cannot be negative.")
    if data["amount_per_student"] <= 0:
        errors["amount_per_student"] = _("The amount per student is more than zero.")
    if not [line for line in data["criteria"].splitlines() if line.strip()]:
        errors["criteria"] = _("Write the selection criteria, one a line.")
    others = Fund.objects.filter(district=district, academic_year=academic_year)
    if fund is not None:
        others = others.exclude(pk=fund.pk)
    if others.exists():
        errors["academic_year"] = _("The district already has a fund for this academic year.")
    if fund is not None and not errors:
        selected = Nomination.objects.filter(fund=fund, status=Nomination.Status.SELECTED).count()
        if selected * data["amount_per_student"] > data["budget"]:
            errors["budget"] = _(
                "%(n)s students are selected: the budget must cover %(amount)s baht."
            ) % {"n": selected, "amount": f"{selected * data['amount_per_student']:,.2f}"}
    if errors:
        raise ValidationError(errors)


def fund_create(*, district, academic_year, data: dict, user) -> Fund:
    data = {k: data[k] for k in FUND_FIELDS}
    _check_fund(district, academic_year, data, None)
    try:
        with transaction.atomic():
            return Fund.objects.create(
                district=district, academic_year=academic_year, created_by=user, **data
            )
    except IntegrityError as error:
        raise ValidationError(
            {"academic_year": _("The district already has a fund for this academic year.")}
        ) from error


def fund_update(*, fund: Fund, data: dict, revision: int | None) -> Fund:
    """Change the fund; its academic year stays."""
    data = {k: data[k] for k in FUND_FIELDS}
    with transaction.atomic():
        locked = refuse_stale(Fund.objects.select_for_update().get(pk=fund.pk), revision, StaleFund)
        _check_fund(locked.district, locked.academic_year, data, locked)
        for name, value in data.items():
            setattr(locked, name, value)
        bump_revision(locked, *FUND_FIELDS)
    return locked


def fund_publish(*, fund: Fund) -> Fund:
    """Publish the fund to the district's schools: they read its criteria and nominate inside
    its window."""
    if fund.published_at is None:
        fund.published_at = timezone.now()
        fund.save(update_fields=["published_at", "modified"])
    return fund


def window_open(fund: Fund, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return fund.published_at is not None and fund.opens_on <= today <= fund.closes_on


# --- nominations --------------------------------------------------------------------------------
def nomination_create(
    *, fund: Fund, school, student, reason: str, user, request=None, today=None
) -> Nomination:
    """The school nominates one of its students of the fund's year, whose support records show
    a need; the evidence is copied onto the nomination."""
    if not window_open(fund, today):
        raise ValidationError(_("Nominations for this fund are closed."))
    if student.school_id != school.pk or fund.district_id != school.district_id:
        raise ValidationError(_("Choose a student of your school."))
    if not Enrolment.objects.filter(student=student, academic_year=fund.academic_year).exists():
        raise ValidationError(_("The student is not enrolled in the fund's academic year."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the student needs the fund.")})
    evidence = selectors.support_evidence(
        school=school, academic_year=fund.academic_year, student_ids=[student.pk]
    ).get(student.pk, [])
    if not selectors.has_need(evidence):
        raise ValidationError(
            _(
                "The school's records show no need for this student (screening group, care "
                "plan or home visit): record it there first."
            )
        )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                fund=fund,
                school=school,
                student=student,
                reason=reason.strip(),
                evidence=evidence,
                nominated_by=user,
            )
            audit_row(
                nomination,
                _("Nominated for the district fund"),
                user=user,
                request=request,
                action=AuditEvent.Action.CREATE,
            )
    except IntegrityError as error:
        raise ValidationError(_("This student is already nominated for this fund.")) from error
    return nomination


def nomination_withdraw(*, nomination: Nomination, user, request=None) -> None:
    """The school takes back a nomination the committee has not decided, inside the window."""
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().select_related("fund").get(pk=nomination.pk)
        if locked.status != Nomination.Status.NOMINATED:
            raise ValidationError(_("The committee has decided: the nomination stays."))
        if not window_open(locked.fund):
            raise ValidationError(_("Nominations for this fund are closed."))
        audit_row(
            locked,
            _("Nomination for the district fund withdrawn"),
            user=user,
            request=request,
            action=AuditEvent.Action.DELETE,
        )
        locked.delete()


def nomination_decide(
    *, nomination: Nomination, selected: bool, reason: str, user, revision, request=None
) -> Nomination:
    """The committee selects the student or declines the nomination (with a reason). A
    selection must fit in the budget; a paid student stays selected."""
    if not selected and not reason.strip():
        raise ValidationError({"reason": _("Write why the student is not selected.")})
    status = Nomination.Status.SELECTED if selected else Nomination.Status.DECLINED
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=nomination.fund_id)
        locked = refuse_stale(
            Nomination.objects.select_for_update().get(pk=nomination.pk), revision, StaleNomination
        )
        paid = Payment.objects.filter(nomination=locked).exists()
        if locked.status == Nomination.Status.SELECTED and not selected and paid:
            raise ValidationError(_("The student has been paid: the selection stays."))
        if selected and locked.status != Nomination.Status.SELECTED:
            chosen = Nomination.objects.filter(fund=fund, status=Nomination.Status.SELECTED).count()
            remaining = fund.budget - chosen * fund.amount_per_student
            if fund.amount_per_student > remaining:
                raise ValidationError(
                    _("The budget is used up: %(remaining)s baht remain, %(amount)s a student.")
                    % {
                        "remaining": f"{remaining:,.2f}",
                        "amount": f"{fund.amount_per_student:,.2f}",
                    }
                )
        before = locked.status
        locked.status = status
        locked.decision_reason = reason.strip()
        locked.decided_by = user
        locked.decided_at = timezone.now()
        bump_revision(locked, "status", "decision_reason", "decided_by", "decided_at")
        audit_row(
            locked,
            _("District fund: %(status)s") % {"status": locked.get_status_display()},
            user=user,
            request=request,
            changes={"status": [before, status]},
        )
        if before != status:
            _notify_decided(locked, user)
    return locked


def _notify_decided(nomination: Nomination, decided_by) -> None:
    """The school's staff who nominate are told the committee decided: the school's name and a
    link to the fund's page at the school, never the child's name."""
    school = nomination.school
    notify(
        users=[
            u
            for u in school_staff_with(Perm.NOMINATE_FOR_FUND, [school.pk]).get(school.pk, [])
            if u != decided_by
        ],
        kind=Notification.Kind.FUND_DECIDED,
        url=reverse(
            "fund_school:fund", kwargs={"school_code": school.code, "fund_id": nomination.fund_id}
        ),
        place=school.name,
    )


def payment_record(
    *, nomination: Nomination, paid_on: datetime.date, amount: Decimal, reference: str, user,
    request=None,
) -> Payment:  # fmt: skip
    """A payment to a selected student: at most the fund's amount per student in all, and the
    fund's payments at most its budget."""
    errors = {}
    if paid_on > timezone.localdate():
        errors["paid_on"] = _("A payment cannot be recorded for a day in the future.")
    if amount <= 0:
        errors["amount"] = _("The amount is more than zero.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=nomination.fund_id)
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != Nomination.Status.SELECTED:
            raise ValidationError(_("Only a selected student is paid."))
        paid = Payment.objects.filter(nomination=locked).aggregate(s=Sum("amount"))["s"] or 0
        if paid + amount > fund.amount_per_student:
            raise ValidationError(
                {
                    "amount": _(
                        "The student would receive more than the fund's %(amount)s baht "
                        "(%(paid)s paid already)."
                    )
                    % {"amount": f"{fund.amount_per_student:,.2f}", "paid": f"{paid:,.2f}"}
                }
            )
        total = Payment.objects.filter(nomination__fund=fund).aggregate(s=Sum("amount"))["s"] or 0
        if total + amount > fund.budget:
            raise ValidationError({"amount": _("The payments would exceed the fund's budget.")})
        payment = Payment.objects.create(
            nomination=locked,
            school_id=locked.school_id,
            paid_on=paid_on,
            amount=amount,
            reference=reference.strip(),
            recorded_by=user,
        )
        audit_row(
            locked,
            _("District fund: payment of %(amount)s baht recorded") % {"amount": f"{amount:,.2f}"},
            user=user,
            request=request,
            action=AuditEvent.Action.CREATE,
        )
    return payment
