"""The district fund's pages (docs/district-work.md, "The district fund").

- Under /d/<district>/fund/: the district's staff (``Perm.MANAGE_FUND``) set up the fund of a
  year (budget, amount per student, criteria, window), publish it to the schools, read its
  totals per school, and review the nominations: the nominated students and only those (every
  page naming one is in the audit log), select or decline with a reason, record payments.
- Under /s/<school>/fund/: the school's director, coordinator and counsellor
  (``Perm.NOMINATE_FOR_FUND``) read the published funds and their criteria, and nominate
  students whose support records show a need; they read the committee's decisions.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_view
from carecore.form_views import form_saved
from districts.fund import selectors, services
from districts.fund.access import (
    fund_get_for_district,
    fund_get_for_school,
    nomination_get_for_district,
    nomination_get_for_school,
    student_to_nominate,
)
from districts.fund.forms import DecisionForm, FundForm, NominationForm, PaymentForm
from districts.fund.models import Fund, Nomination
from districts.fund.routes import district_pages, school_pages
from schools.selectors import current_academic_year


def _fund_url(request, fund) -> str:
    return reverse(
        "fund:detail", kwargs={"district_code": request.district.code, "fund_id": fund.pk}
    )


def _nomination_url(request, nomination) -> str:
    return reverse(
        "fund:nomination",
        kwargs={
            "district_code": request.district.code,
            "fund_id": nomination.fund_id,
            "fund_nomination_id": nomination.pk,
        },
    )


# --- the district -------------------------------------------------------------------------------
@district_pages("", name="list")
@district_view(Perm.MANAGE_FUND)
def fund_list(request):
    return render(
        request,
        "fund/fund_list.html",
        {"district": request.district, "funds": selectors.funds_of_district(request.district)},
    )


@district_pages("new/", name="create")
@district_view(Perm.MANAGE_FUND)
def fund_create(request):
    year = current_academic_year()
    form = FundForm(request.POST or None, initial={"academic_year": year})
    saved = form_saved(
        request,
        form,
        lambda data: services.fund_create(
            district=request.district,
            academic_year=data["academic_year"],
            data=data,
            user=request.user,
        ),
        success=lambda f: (
            _("The fund “%(title)s” is set up. Publish it when it is ready.") % {"title": f.title}
        ),
        then=lambda f: _fund_url(request, f),
    )
    return saved or render(
        request, "fund/fund_form.html", {"district": request.district, "form": form}
    )


@district_pages("<int:fund_id>/edit/", name="edit")
@district_view(Perm.MANAGE_FUND)
def fund_edit(request, fund_id):
    fund = fund_get_for_district(request, fund_id)
    form = FundForm(request.POST or None, fund=fund)

    def stale(current):
        again = FundForm(request.POST, fund=current)
        again.is_valid()
        again.add_error(
            None,
            _("Someone changed the fund after you opened it. Check the values and save again."),
        )
        data = again.data.copy()
        data["revision"] = current.revision
        again.data = data
        return render(
            request,
            "fund/fund_form.html",
            {"district": request.district, "form": again, "fund": current},
        )

    saved = form_saved(
        request,
        form,
        lambda data: services.fund_update(fund=fund, data=data, revision=data.get("revision")),
        success=_("The fund is saved."),
        then=_fund_url(request, fund),
        on_stale=stale,
    )
    return saved or render(
        request, "fund/fund_form.html", {"district": request.district, "form": form, "fund": fund}
    )


@district_pages("<int:fund_id>/publish/", name="publish")
@district_view(Perm.MANAGE_FUND)
@require_POST
def fund_publish(request, fund_id):
    fund = fund_get_for_district(request, fund_id)
    services.fund_publish(fund=fund)
    messages.success(request, _("The fund and its criteria are published to the schools."))
    return redirect(_fund_url(request, fund))


@district_pages("<int:fund_id>/", name="detail")
@district_view(Perm.MANAGE_FUND)
def fund_detail(request, fund_id):
    """The fund: its criteria, budget used and remaining, and its figures per school (no
    names: the nominated students are one click further, on the nominations' page)."""
    fund = fund_get_for_district(request, fund_id)
    return render(
        request,
        "fund/fund_detail.html",
        {
            "district": request.district,
            "fund": fund,
            "figures": selectors.fund_figures(fund),
            "rows": selectors.school_rows(fund),
            "window_open": services.window_open(fund),
        },
    )


@district_pages("<int:fund_id>/nominations/", name="nominations")
@district_view(Perm.MANAGE_FUND)
def nomination_list(request, fund_id):
    """The nominated students (of one school with ?school=, of one status with ?status=): the
    committee's list. Each student shown is in the audit log."""
    fund = fund_get_for_district(request, fund_id)
    nominations = Nomination.objects.filter(fund=fund, school__district=request.district)
    school_code = request.GET.get("school", "")
    status = request.GET.get("status", "")
    if school_code:
        nominations = nominations.filter(school__code=school_code)
    if status in Nomination.Status.values:
        nominations = nominations.filter(status=status)
    nominations = list(
        nominations.select_related("student", "school").order_by("school__name", "pk")[:500]
    )
    if nominations:
        audit_view(
            request,
            _("Saw the district fund's nominations"),
            students=[n.student for n in nominations],
            district=request.district,
            school=None,
        )
    return render(
        request,
        "fund/nomination_list.html",
        {
            "district": request.district,
            "fund": fund,
            "nominations": nominations,
            "statuses": Nomination.Status.choices,
            "status": status,
            "school_code": school_code,
        },
    )


def _nomination_page(request, fund, nomination, decision, payment, *, audit=True):
    payments = list(nomination.payments.select_related("recorded_by"))
    paid = sum((p.amount for p in payments), Decimal(0))
    if audit:
        audit_view(
            request,
            _("Saw a nomination for the district fund"),
            student=nomination.student,
            school=nomination.school,
            obj=nomination,
        )
    return render(
        request,
        "fund/nomination_detail.html",
        {
            "district": request.district,
            "fund": fund,
            "nomination": nomination,
            "payments": payments,
            "paid": paid,
            "fully_paid": paid >= fund.amount_per_student,
            "decision": decision,
            "payment": payment,
        },
    )


@district_pages("<int:fund_id>/nominations/<int:fund_nomination_id>/", name="nomination")
@district_view(Perm.MANAGE_FUND)
def nomination_detail(request, fund_id, fund_nomination_id):
    """One nominated student: the school's reason and evidence; the committee's decision."""
    fund = fund_get_for_district(request, fund_id)
    nomination = nomination_get_for_district(request, fund, fund_nomination_id)
    decision = DecisionForm(
        request.POST or None,
        initial={
            "revision": nomination.revision,
            "decision": {"selected": "select", "declined": "decline"}.get(nomination.status),
            "reason": nomination.decision_reason,
        },
    )

    def stale(current):
        data = request.POST.copy()
        data["revision"] = current.revision
        again = DecisionForm(data)
        again.is_valid()
        again.add_error(
            None, _("Someone decided on this nomination after you opened it. Check and save again.")
        )
        current = nomination_get_for_district(request, fund, current.pk)
        return _nomination_page(request, fund, current, again, PaymentForm(), audit=False)

    saved = form_saved(
        request,
        decision,
        lambda data: services.nomination_decide(
            nomination=nomination,
            selected=data["decision"] == "select",
            reason=data["reason"],
            user=request.user,
            revision=data.get("revision"),
            request=request,
        ),
        success=_("The committee's decision is saved."),
        then=request.path,
        on_stale=stale,
    )
    if saved:
        return saved
    payment = PaymentForm(
        initial={"paid_on": timezone.localdate(), "amount": fund.amount_per_student}
    )
    return _nomination_page(
        request, fund, nomination, decision, payment, audit=request.method != "POST"
    )


@district_pages("<int:fund_id>/nominations/<int:fund_nomination_id>/pay/", name="pay")
@district_view(Perm.MANAGE_FUND)
@require_POST
def payment_create(request, fund_id, fund_nomination_id):
    fund = fund_get_for_district(request, fund_id)
    nomination = nomination_get_for_district(request, fund, fund_nomination_id)
    payment = PaymentForm(request.POST)
    saved = form_saved(
        request,
        payment,
        lambda data: services.payment_record(
            nomination=nomination,
            paid_on=data["paid_on"],
            amount=data["amount"],
            reference=data["reference"],
            user=request.user,
            request=request,
        ),
        success=_("The payment is recorded."),
        then=_nomination_url(request, nomination),
    )
    if saved:
        return saved
    decision = DecisionForm(
        initial={"revision": nomination.revision, "reason": nomination.decision_reason}
    )
    return _nomination_page(request, fund, nomination, decision, payment, audit=False)


# --- the school ---------------------------------------------------------------------------------
def _school_fund_url(request, fund) -> str:
    return reverse(
        "fund_school:fund", kwargs={"school_code": request.school.code, "fund_id": fund.pk}
    )


@school_pages("", name="list")
@school_view(Perm.NOMINATE_FOR_FUND)
def school_fund_list(request):
    funds = list(
        Fund.objects.filter(
            district_id=request.school.district_id, published_at__isnull=False
        ).select_related("academic_year")
    )
    return render(
        request,
        "fund/school_fund_list.html",
        {
            "school": request.school,
            "funds": [(f, services.window_open(f)) for f in funds],
        },
    )


@school_pages("<int:fund_id>/", name="fund")
@school_view(Perm.NOMINATE_FOR_FUND)
def school_fund(request, fund_id):
    """A published fund at the school: its criteria and window, the school's nominations and
    decisions, and the students whose records show a need (to nominate)."""
    fund = fund_get_for_school(request, fund_id)
    rows = selectors.candidates(school=request.school, fund=fund)
    if rows:
        audit_view(
            request,
            _("Saw the students to nominate for the district fund"),
            students=[r.student for r in rows],
        )
    return render(
        request,
        "fund/school_fund.html",
        {
            "school": request.school,
            "fund": fund,
            "window_open": services.window_open(fund),
            "nominated": [r for r in rows if r.nomination is not None],
            "candidates": [r for r in rows if r.nomination is None],
        },
    )


@school_pages("<int:fund_id>/nominate/", name="nominate")
@school_view(Perm.NOMINATE_FOR_FUND)
def nominate(request, fund_id):
    """Nominate one student (``?student=<id>``): the evidence from the school's records and the
    school's reason."""
    fund = fund_get_for_school(request, fund_id)
    student = student_to_nominate(request, request.GET.get("student"))
    evidence = selectors.support_evidence(
        school=request.school, academic_year=fund.academic_year, student_ids=[student.pk]
    ).get(student.pk, [])
    form = NominationForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda data: services.nomination_create(
            fund=fund,
            school=request.school,
            student=student,
            reason=data["reason"],
            user=request.user,
            request=request,
        ),
        success=_("%(name)s is nominated. The district's committee decides.")
        % {"name": student.full_name},
        then=_school_fund_url(request, fund),
    )
    if saved:
        return saved
    if request.method != "POST":
        audit_view(request, _("Saw a student's evidence for the district fund"), student=student)
    return render(
        request,
        "fund/nominate.html",
        {
            "school": request.school,
            "fund": fund,
            "student": student,
            "evidence": evidence,
            "has_need": selectors.has_need(evidence),
            "window_open": services.window_open(fund),
            "form": form,
        },
    )


@school_pages("<int:fund_id>/nominations/<int:fund_nomination_id>/", name="nomination")
@school_view(Perm.NOMINATE_FOR_FUND)
def school_nomination(request, fund_id, fund_nomination_id):
    fund = fund_get_for_school(request, fund_id)
    nomination = nomination_get_for_school(request, fund, fund_nomination_id)
    audit_view(
        request,
        _("Saw a nomination for the district fund"),
        student=nomination.student,
        obj=nomination,
    )
    return render(
        request,
        "fund/school_nomination.html",
        {
            "school": request.school,
            "fund": fund,
            "nomination": nomination,
            "payments": list(nomination.payments.all()),
            "can_withdraw": nomination.status == Nomination.Status.NOMINATED
            and services.window_open(fund),
        },
    )


@school_pages("<int:fund_id>/nominations/<int:fund_nomination_id>/withdraw/", name="withdraw")
@school_view(Perm.NOMINATE_FOR_FUND)
@require_POST
def school_withdraw(request, fund_id, fund_nomination_id):
    fund = fund_get_for_school(request, fund_id)
    nomination = nomination_get_for_school(request, fund, fund_nomination_id)
    try:
        services.nomination_withdraw(nomination=nomination, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            reverse(
                "fund_school:nomination",
                kwargs={
                    "school_code": request.school.code,
                    "fund_id": fund.pk,
                    "fund_nomination_id": nomination.pk,
                },
            )
        )
    messages.success(request, _("The nomination is withdrawn."))
    return redirect(_school_fund_url(request, fund))
