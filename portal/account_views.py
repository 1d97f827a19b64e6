"""The family's way in and their home (docs/portal.md, "Accounts").

Public pages (no account yet): the start page, a slip's code, the account the slip makes, and
the parent's log-in by a code texted to the phone the school has on file. A wrong, used or
expired code says so in Thai and keeps what was typed; an address or a phone number that keeps
trying is stopped for a while (portal.sign_in).

The home: a parent's children (each child's school and classroom), or the student's own page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carecore.access import get_access
from carecore.sms import SmsUnavailable, phone_masked
from portal import sign_in
from portal.access import family_home_view
from portal.account_forms import FamilyAccountForm, PhoneForm, SlipCodeForm, SmsCodeForm
from portal.routes import pages
from schools.selectors import current_academic_year
from students.access import children_for_user, is_family_user, own_student_for_user
from students.family_models import AccountSlip, FamilyKind, StudentAccount
from students.family_services import (
    SlipProblem,
    parent_for_phone,
    slip_check,
    slip_redeem_for_parent,
    slip_redeem_new_account,
)
from students.models import Enrolment

SESSION_SLIP = "portal_slip"
SESSION_PHONE = "portal_phone"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _too_many(request, template: str, context: dict):
    context["too_many"] = True
    return render(request, template, context, status=429)


def _is_staff(request) -> bool:
    return bool(get_access(request).memberships) or request.user.is_staff


# --- the start page ----------------------------------------------------------------------------
@pages("")
@never_cache
@require_http_methods(["GET", "HEAD"])
def start(request):
    """The way in: a slip's code, a phone number, or the log-in of an account."""
    return render(
        request,
        "portal/start.html",
        {"form": SlipCodeForm(), "family": is_family_user(request.user)},
    )


# --- a slip's code -----------------------------------------------------------------------------
@pages("code/")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def redeem(request):
    """Type the code of a slip (or come from its QR code, with the code in the address). Signed
    out: on to choose a username and a password. A parent signed in: the child is added to their
    account at once."""
    if request.method != "POST":
        form = SlipCodeForm(initial={"code": (request.GET.get("code") or "")[:40]})
        return render(request, "portal/redeem.html", {"form": form})
    form = SlipCodeForm(request.POST)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "portal/redeem.html", context)
    if sign_in.limited(request, "slip_code"):
        return _too_many(request, "portal/redeem.html", context)
    try:
        slip = slip_check(form.cleaned_data["code"])
    except SlipProblem as problem:
        sign_in.count(request, "slip_code")
        form.add_error("code", str(problem))
        return render(request, "portal/redeem.html", context)
    user = request.user
    if not user.is_authenticated:
        request.session[SESSION_SLIP] = slip.pk
        return redirect("portal:redeem_account")
    if _is_staff(request):
        form.add_error(
            "code",
            _("You are logged in with a school staff account. Log out, then type the code again."),
        )
        return render(request, "portal/redeem.html", context)
    if own_student_for_user(user) is not None:
        form.add_error(
            "code",
            _("You are logged in with a student's account. Log out, then type the code again."),
        )
        return render(request, "portal/redeem.html", context)
    try:
        added = slip_redeem_for_parent(slip=slip, user=user, request=request)
    except SlipProblem as problem:
        form.add_error("code", str(problem))
        return render(request, "portal/redeem.html", context)
    if added:
        messages.success(
            request,
            _("%(name)s has been added to your account.") % {"name": slip.student.full_name},
        )
    else:
        messages.info(
            request,
            _("%(name)s is on your account already; the slip is still unused.")
            % {"name": slip.student.full_name},
        )
    return redirect("portal:home")


def _session_slip(request) -> AccountSlip | None:
    pk = request.session.get(SESSION_SLIP)
    slip = (
        AccountSlip.objects.select_related("student", "school").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if slip is None or slip.used_at is not None or slip.is_expired:
        return None
    return slip


@pages("code/account/")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def redeem_account(request):
    """The account a slip makes: a username and a password (a parent may add a phone number);
    a student who has an account already sets a new password on it."""
    slip = _session_slip(request)
    if slip is None:
        messages.error(request, _("Type the code on the slip first."))
        return redirect("portal:redeem")
    existing = ""
    if slip.kind == FamilyKind.STUDENT:
        account = StudentAccount.objects.filter(student=slip.student).select_related("user")
        existing = next((a.user.username for a in account), "")
    options = {"existing_username": existing, "with_phone": slip.kind == FamilyKind.PARENT}
    form = FamilyAccountForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = slip_redeem_new_account(
                slip=slip,
                username=data.get("username", existing),
                password=data["password1"],
                phone=data.get("phone", ""),
                request=request,
            )
        except ValidationError as problem:  # the password, checked against the username
            form.add_error("password1", problem)
        except SlipProblem as problem:  # used meanwhile (the same slip typed twice at once)
            form.add_error(None, str(problem))
        else:
            request.session.pop(SESSION_SLIP, None)
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready. Log in with it next time."))
            return redirect("portal:home")
    return render(
        request,
        "portal/redeem_account.html",
        {"form": form, "slip": slip, "existing": existing, "is_parent": options["with_phone"]},
    )


# --- the parent's log-in by phone --------------------------------------------------------------
@pages("phone/")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def phone_login(request):
    """A parent types their mobile number; if a school has it on file, a code is texted."""
    form = PhoneForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if sign_in.limited(request, "sms_send", key=phone):
            return _too_many(request, "portal/phone_login.html", context)
        sign_in.count(request, "sms_send", key=phone)
        try:
            sign_in.sms_code_send(phone)
        except SmsUnavailable:
            form.add_error(
                None,
                _(
                    "The SMS could not be sent just now. Try again in a few minutes, or use the "
                    "slip from the school."
                ),
            )
            return render(request, "portal/phone_login.html", context)
        # The same answer whether the number is on file or not.
        request.session[SESSION_PHONE] = phone
        return redirect("portal:phone_code")
    return render(request, "portal/phone_login.html", context)


@pages("phone/code/")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def phone_code(request):
    """The code from the SMS: the parent is logged in, with every child whose guardian has the
    number on file."""
    phone = request.session.get(SESSION_PHONE)
    if not isinstance(phone, str):
        return redirect("portal:phone_login")
    form = SmsCodeForm(request.POST or None)
    context = {"form": form, "phone": phone_masked(phone)}
    if request.method == "POST" and form.is_valid():
        if sign_in.limited(request, "sms_try", key=phone):
            return _too_many(request, "portal/phone_code.html", context)
        user = None
        if sign_in.sms_code_check(phone, form.cleaned_data["code"]):
            user = parent_for_phone(phone=phone, request=request)
        if user is None:
            sign_in.count(request, "sms_try", key=phone)
            form.add_error(
                "code",
                _(
                    "The code is wrong or has expired (a code lasts 10 minutes and allows a few "
                    "tries). Check the SMS, or ask for a new code."
                ),
            )
            return render(request, "portal/phone_code.html", context)
        request.session.pop(SESSION_PHONE, None)
        login(request, user, backend=BACKEND)
        return redirect("portal:home")
    return render(request, "portal/phone_code.html", context)


# --- the home ----------------------------------------------------------------------------------
def _classrooms_now(students) -> dict[int, object]:
    """Each student's classroom this academic year (one query)."""
    year = current_academic_year()
    if year is None or not students:
        return {}
    return {
        e.student_id: e.classroom
        for e in Enrolment.objects.filter(student__in=students, academic_year=year).select_related(
            "classroom"
        )
    }


@pages("home/")
@family_home_view
def home(request, user):
    """A parent's children, each with their school and classroom and a way to their pages; or
    the student's own page."""
    student = own_student_for_user(user)
    if student is not None:
        return render(
            request,
            "portal/student_home.html",
            {"student": student, "classroom": _classrooms_now([student]).get(student.pk)},
        )
    children = list(children_for_user(user))
    classrooms = _classrooms_now(children)
    for child in children:
        child.classroom_now = classrooms.get(child.pk)
    return render(request, "portal/parent_home.html", {"children": children})
