"""Pages of referrals (step 5, docs/referrals.md): the student's referrals and the forms to
refer, my inbox (referrals to me), the referrals I sent, the school's list, one referral with its
log and the forms of each step.

Who (carecore.access): a referral is seen by its sender, its recipients, the student's homeroom
teachers, the counsellor, the coordinator and the director (everyone else: 404); its
confidential notes by the sender, the recipients, the director and the counsellor. The recipient
of an internal referral accepts it, notes progress and writes the result; the sender, the
counsellor and the coordinator record an agency's answer and result, follow up and close. Every
view of a referral is in the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.form_views import form_saved, student_form_page, student_page
from referrals import selectors, services
from referrals.access import (
    can_manage_referral,
    can_see_referral_notes,
    is_referral_recipient,
    referral_get_for_user,
)
from referrals.agency_services import agencies_for_school
from referrals.forms import (
    AcceptForm,
    AgencyResultForm,
    CloseForm,
    ExternalReferralForm,
    FollowUpForm,
    InternalReferralForm,
    ProgressForm,
    ResultForm,
)
from referrals.models import Referral
from referrals.routes import pages
from schools.selectors import term_from_code
from students.access import student_get_for_user, students_for_user

STALE_STATUS = 409
# The service's field names that a form shows under another name.
FIELD_ALIASES = {"to_role": "to", "to_user": "to"}


# --- helpers -----------------------------------------------------------------------------------
def _detail_url(request, referral) -> str:
    return reverse(
        "referrals:referral_detail",
        kwargs={"school_code": request.school.code, "referral_id": referral.pk},
    )


def _stale(form_class, request, current: Referral):
    """The form again with what was typed, now at the current revision (saving again applies
    it), and a message saying that someone else changed the referral meanwhile."""
    posted = request.POST.copy()
    posted["revision"] = current.revision
    form = form_class(posted, referral=current)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Someone changed this referral after you opened the form. Check the referral "
            "below; what you typed is kept, and saving again records it."
        ),
    )
    return form


def _rows(page) -> list[Referral]:
    rows = list(page.object_list)
    today = timezone.localdate()
    for r in rows:
        r.classroom_label = selectors.classroom_label(r)
        r.late = r.is_overdue(today)
    return rows


def _show(request, default: str) -> str:
    show = request.GET.get("show") or default
    return show if show in selectors.SHOW_CHOICES else default


def _tabs(request) -> dict:
    return {"can_list_school": Perm.READ_ALL_REFERRALS in request.schoolperms}


def _list_page(request, *, template: str, page, show: str, title_key: str, **extra):
    return render(
        request,
        template,
        {
            "school": request.school,
            "page_obj": page,
            "rows": _rows(page),
            "show": show,
            "tab": title_key,
            **_tabs(request),
            **extra,
        },
    )


# --- lists -------------------------------------------------------------------------------------
# Inbox and sent lists: staff of the school (supervisors have no referrals here).
def _mine(request, selector, title_key: str):
    show = _show(request, "all")
    page = selector(request, show=show, page=request.GET.get("page") or 1)
    return _list_page(
        request, template="referrals/inbox.html", page=page, show=show, title_key=title_key
    )


@pages("inbox/")
@school_view(Perm.USE_REFERRALS)
def inbox(request):
    """Referrals to me (to one of my roles or to me by name): open first, overdue flagged."""
    return _mine(request, selectors.inbox, "inbox")


@pages("sent/")
@school_view(Perm.USE_REFERRALS)
def sent(request):
    """Referrals I sent, with their status and results."""
    return _mine(request, selectors.sent, "sent")


@pages("")
@school_view(Perm.READ_ALL_REFERRALS)
def referral_list(request):
    """Every referral of the school, for the counsellor, the coordinator and the director."""
    show = _show(request, "open")
    kind = request.GET.get("kind") or ""
    if kind not in Referral.Kind.values:
        kind = ""
    # --- dashboards: the referrals a dashboard figure counts (sent during a term) ---
    term = term_from_code(request.GET.get("term") or "")
    # --- end dashboards ---
    page = selectors.school_referrals(
        request, show=show, kind=kind, term=term, page=request.GET.get("page") or 1
    )
    return _list_page(
        request,
        template="referrals/inbox.html",
        page=page,
        show=show,
        title_key="school",
        kind=kind,
        sent_in=term,
        counts=selectors.counts(request),
    )


@pages("students/<int:student_id>/")
@school_view(Perm.VIEW_SCHOOL)
def student_referrals(request, student_id):
    """The student's referrals (those the user may see) and the buttons to refer."""
    student = student_get_for_user(request, student_id)
    referrals = selectors.student_referrals(request, student=student)
    today = timezone.localdate()
    for r in referrals:
        r.late = r.is_overdue(today)
    return student_page(
        request,
        "referrals/student_referrals.html",
        student,
        audit=_("Viewed the student's referrals"),
        referrals=referrals,
        can_refer=Perm.REFER in request.schoolperms,
        can_refer_external=Perm.REFER_EXTERNAL in request.schoolperms,
    )


# --- refer -------------------------------------------------------------------------------------
def _create(request, student, form, kind: str):
    data = form.cleaned_data
    values = {
        "student": student,
        "kind": kind,
        "sender": request.user,
        "reason": data["reason"],
        "what_is_asked": data["request"],
        "help_given": data["help_given"],
        "sensitive_notes": data["sensitive_notes"],
        "urgency": data["urgency"],
        "sent_on": data["sent_on"],
        "answer_due": data["answer_due"],
        "request": request,
    }
    if kind == Referral.Kind.INTERNAL:
        to_role, to_user = form.recipient()
        values |= {"to_role": to_role, "to_user": to_user}
    else:
        values |= {
            "agency": data["agency"],
            "consent": data["consent"],
            "consent_by": data["consent_by"],
            "consent_on": data["consent_on"],
            "consent_not_asked_reason": data["consent_not_asked_reason"],
        }
    return services.referral_create(**values)


def _refer(request, student_id, *, kind: str):
    permission = Perm.REFER if kind == Referral.Kind.INTERNAL else Perm.REFER_EXTERNAL
    student = student_get_for_user(request, student_id, permission=permission)
    data = request.POST if request.method == "POST" else None
    if kind == Referral.Kind.INTERNAL:
        staff = [u for u in services.school_staff(school=request.school) if u.pk != request.user.pk]
        form = InternalReferralForm(data, staff=staff, roles=Referral.ToRole.choices)
    else:
        agencies = agencies_for_school(request.school)
        form = ExternalReferralForm(data, agencies=agencies)
    saved = form_saved(
        request,
        form,
        lambda _data: _create(request, student, form, kind),
        success=_("The referral is sent."),
        then=lambda referral: _detail_url(request, referral),
        aliases=FIELD_ALIASES,
    )
    if saved:
        return saved
    return student_form_page(
        request,
        "referrals/referral_form.html",
        student,
        form,
        opened=_("Opened a new referral form"),
        kind=kind,
    )


@pages("students/<int:student_id>/new/")
@school_view(Perm.VIEW_SCHOOL)
def referral_create(request, student_id):
    """Refer inside the school (Perm.REFER)."""
    return _refer(request, student_id, kind=Referral.Kind.INTERNAL)


@pages("students/<int:student_id>/new/external/")
@school_view(Perm.VIEW_SCHOOL)
def referral_create_external(request, student_id):
    """Refer to a partner agency (Perm.REFER_EXTERNAL)."""
    return _refer(request, student_id, kind=Referral.Kind.EXTERNAL)


# --- one referral ------------------------------------------------------------------------------
def _abilities(request, referral) -> dict:
    """What the user may do with the referral now (state and role)."""
    recipient = is_referral_recipient(request, referral)
    manager = can_manage_referral(request, referral)
    is_open = referral.status != Referral.Status.CLOSED
    internal = referral.kind == Referral.Kind.INTERNAL
    sent_state = referral.status == Referral.Status.SENT
    # The recipient accepts an internal referral; the sender, the counsellor or the
    # coordinator records that the agency acknowledged an external one.
    accepts = recipient if internal else manager
    return {
        "is_recipient": recipient,
        "can_manage": manager,
        "accepts": accepts,
        "can_accept": is_open and sent_state and accepts,
        "can_progress": is_open and internal and recipient and not sent_state,
        "can_result": is_open and internal and recipient,
        "can_agency_result": is_open and not internal and manager,
        "can_follow_up": is_open and manager,
        "can_close": is_open and manager,
    }


@pages("<int:referral_id>/")
@school_view(Perm.VIEW_SCHOOL)
def referral_detail(request, referral_id):
    referral = referral_get_for_user(request, referral_id)
    notes = can_see_referral_notes(request, referral)
    can = _abilities(request, referral)
    can_open_student = students_for_user(request).filter(pk=referral.student_id).exists()
    audit_view(
        request,
        _("Viewed a referral with its confidential notes")
        if notes and referral.sensitive_notes
        else _("Viewed a referral"),
        student=referral.student,
        obj=referral,
    )
    today = timezone.localdate()
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "school": request.school,
            "student": referral.student,
            "referral": referral,
            "updates": selectors.referral_updates(referral),
            "can_see_notes": notes,
            "can_open_student": can_open_student,
            "overdue": referral.is_overdue(today),
            "today": today,
            "accept_form": AcceptForm(referral=referral) if can["can_accept"] else None,
            "result_form": ResultForm(referral=referral) if can["can_result"] else None,
            "progress_form": ProgressForm(referral=referral) if can["can_progress"] else None,
            "follow_up_form": FollowUpForm(referral=referral) if can["can_follow_up"] else None,
            **can,
        },
    )


def _action_page(request, referral, action: str, *, form, status=200):
    if request.method == "GET":
        audit_view(
            request,
            _("Opened a referral's form: %(form)s") % {"form": form.title},
            student=referral.student,
            obj=referral,
        )
    return render(
        request,
        "referrals/action_form.html",
        {
            "school": request.school,
            "student": referral.student,
            "referral": referral,
            "form": form,
            "title": form.title,
            "action": action,
        },
        status=status,
    )


# The steps of a referral after it is sent: the form (with what its page says), the service it
# calls, and who may take the step (an ability of ``_abilities``; 403 without it).
_STEPS = {
    "accept": (AcceptForm, services.referral_accept, "accepts"),
    "progress": (ProgressForm, services.referral_progress_note, "is_recipient"),
    "result": (ResultForm, services.referral_result, "is_recipient"),
    "agency_result": (AgencyResultForm, services.agency_result_record, "can_manage"),
    "follow_up": (FollowUpForm, services.referral_follow_up, "can_manage"),
    "close": (CloseForm, services.referral_close, "can_manage"),
}
# Steps that add to the referral's log open its page there.
_ANCHORS = {"progress": "#log", "follow_up": "#log"}


def _step_view(action: str):
    """The view of a step: 403 for whoever may not take it; while the referral's state does not
    allow it (``can_<action>``), back to the referral with the form's ``refused``. On a valid
    POST the service runs; a rule it enforces shows on the form with what was typed kept; a
    stale revision gives the form again at the current one (status 409); success goes back to
    the referral with the form's ``success``."""
    form_class, service, who = _STEPS[action]

    def view(request, referral_id):
        referral = referral_get_for_user(request, referral_id)
        can = _abilities(request, referral)
        if not can[who]:
            raise PermissionDenied
        if not can[f"can_{action}"]:
            messages.info(request, form_class.refused)
            return redirect(_detail_url(request, referral))
        form = form_class(request.POST or None, referral=referral)
        saved = form_saved(
            request,
            form,
            lambda data: service(referral=referral, user=request.user, request=request, **data),
            success=form.success,
            then=_detail_url(request, referral) + _ANCHORS.get(action, ""),
            on_stale=lambda current: _action_page(
                request,
                referral,
                action,
                form=_stale(form_class, request, current),
                status=STALE_STATUS,
            ),
        )
        return saved or _action_page(request, referral, action, form=form)

    view.__name__ = view.__qualname__ = f"referral_{action}"
    return school_view(Perm.VIEW_SCHOOL)(view)


# The recipient accepts (internal); the sender, counsellor or coordinator records that the
# agency acknowledged it (external).
referral_accept = pages("<int:referral_id>/accept/")(_step_view("accept"))
# A progress note by the recipient of an internal referral.
referral_progress = pages("<int:referral_id>/progress/")(_step_view("progress"))
# The recipient writes the result back and closes the referral; the sender is told.
referral_result = pages("<int:referral_id>/result/")(_step_view("result"))
# The agency's result report (แบบรายงานแจ้งผลการช่วยเหลือ), entered when it comes back.
referral_agency_result = pages("<int:referral_id>/agency-result/")(_step_view("agency_result"))
# A dated follow-up; closing with an outcome (the sender, the counsellor or the coordinator).
referral_follow_up = pages("<int:referral_id>/follow-up/")(_step_view("follow_up"))
referral_close = pages("<int:referral_id>/close/")(_step_view("close"))
