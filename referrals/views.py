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
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.audit import audit_record
from carecore.models import AuditEvent
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


def _add_errors(form, error: ValidationError) -> None:
    """A rule the service enforces: shown on the form, what was typed is kept."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = FIELD_ALIASES.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _stale(form_class, request, current: Referral, **kwargs):
    """The form again with what was typed, now at the current revision (saving again applies
    it), and a message saying that someone else changed the referral meanwhile."""
    posted = request.POST.copy()
    posted["revision"] = current.revision
    form = form_class(posted, **kwargs)
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
@school_view(Perm.USE_REFERRALS)
def inbox(request):
    """Referrals to me (to one of my roles or to me by name): open first, overdue flagged."""
    show = _show(request, "all")
    page = selectors.inbox(request, show=show, page=request.GET.get("page") or 1)
    return _list_page(
        request, template="referrals/inbox.html", page=page, show=show, title_key="inbox"
    )


@school_view(Perm.USE_REFERRALS)
def sent(request):
    """Referrals I sent, with their status and results."""
    show = _show(request, "all")
    page = selectors.sent(request, show=show, page=request.GET.get("page") or 1)
    return _list_page(
        request, template="referrals/inbox.html", page=page, show=show, title_key="sent"
    )


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


@school_view(Perm.VIEW_SCHOOL)
def student_referrals(request, student_id):
    """The student's referrals (those the user may see) and the buttons to refer."""
    student = student_get_for_user(request, student_id)
    referrals = selectors.student_referrals(request, student=student)
    today = timezone.localdate()
    for r in referrals:
        r.late = r.is_overdue(today)
    audit_record(
        action=AuditEvent.Action.VIEW,
        user=request.user,
        school=request.school,
        student=student,
        summary=_("Viewed the student's referrals"),
        request=request,
    )
    return render(
        request,
        "referrals/student_referrals.html",
        {
            "school": request.school,
            "student": student,
            "referrals": referrals,
            "can_refer": Perm.REFER in request.schoolperms,
            "can_refer_external": Perm.REFER_EXTERNAL in request.schoolperms,
        },
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
    if request.method == "POST" and form.is_valid():
        try:
            referral = _create(request, student, form, kind)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The referral is sent."))
            return redirect(_detail_url(request, referral))
    if request.method == "GET":
        audit_record(
            action=AuditEvent.Action.VIEW,
            user=request.user,
            school=request.school,
            student=student,
            summary=_("Opened a new referral form"),
            request=request,
        )
    return render(
        request,
        "referrals/referral_form.html",
        {"school": request.school, "student": student, "form": form, "kind": kind},
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_create(request, student_id):
    """Refer inside the school (Perm.REFER)."""
    return _refer(request, student_id, kind=Referral.Kind.INTERNAL)


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
    return {
        "is_recipient": recipient,
        "can_manage": manager,
        "can_accept": is_open and sent_state and (recipient if internal else manager),
        "can_progress": is_open and internal and recipient and not sent_state,
        "can_result": is_open and internal and recipient,
        "can_agency_result": is_open and not internal and manager,
        "can_follow_up": is_open and manager,
        "can_close": is_open and manager,
    }


@school_view(Perm.VIEW_SCHOOL)
def referral_detail(request, referral_id):
    referral = referral_get_for_user(request, referral_id)
    notes = can_see_referral_notes(request, referral)
    can = _abilities(request, referral)
    can_open_student = students_for_user(request).filter(pk=referral.student_id).exists()
    audit_record(
        action=AuditEvent.Action.VIEW,
        user=request.user,
        school=request.school,
        student=referral.student,
        obj=referral,
        summary=_("Viewed a referral with its confidential notes")
        if notes and referral.sensitive_notes
        else _("Viewed a referral"),
        request=request,
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
            "result_form": ResultForm(initial={"revision": referral.revision})
            if can["can_result"]
            else None,
            "progress_form": ProgressForm() if can["can_progress"] else None,
            "follow_up_form": FollowUpForm(initial={"date": today})
            if can["can_follow_up"]
            else None,
            **can,
        },
    )


def _action_page(request, referral, *, form, template_title: str, action: str, status=200):
    if request.method == "GET":
        audit_record(
            action=AuditEvent.Action.VIEW,
            user=request.user,
            school=request.school,
            student=referral.student,
            obj=referral,
            summary=_("Opened a referral's form: %(form)s") % {"form": template_title},
            request=request,
        )
    return render(
        request,
        "referrals/action_form.html",
        {
            "school": request.school,
            "student": referral.student,
            "referral": referral,
            "form": form,
            "title": template_title,
            "action": action,
        },
        status=status,
    )


def _state_refused(request, referral, message: str):
    messages.info(request, message)
    return redirect(_detail_url(request, referral))


def _step_form(
    request,
    referral,
    *,
    form,
    save,
    success: str,
    title: str,
    action: str,
    stale_form=None,
    anchor: str = "",
):
    """A referral's step form, shared by every step: on a valid POST ``save(cleaned_data)`` runs
    the service; a rule it enforces shows on the form with what was typed kept; a stale
    revision gives ``stale_form(current)`` with status 409; success goes back to the referral
    (at ``anchor``) with ``success`` as the message."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.StaleForm as error:
            if stale_form is None:
                raise
            form, status = stale_form(error.current), STALE_STATUS
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_detail_url(request, referral) + anchor)
    return _action_page(
        request, referral, form=form, template_title=title, action=action, status=status
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_accept(request, referral_id):
    """The recipient accepts (internal); the sender, counsellor or coordinator records that the
    agency acknowledged it (external)."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    internal = referral.kind == Referral.Kind.INTERNAL
    if not (can["is_recipient"] if internal else can["can_manage"]):
        raise PermissionDenied
    if not can["can_accept"]:
        return _state_refused(request, referral, _("This referral was already accepted."))

    def save(data):
        services.referral_accept(
            referral=referral,
            user=request.user,
            revision=data.get("revision"),
            result_due=data.get("result_due"),
            note=data.get("note") or "",
            request=request,
        )

    return _step_form(
        request,
        referral,
        form=AcceptForm(request.POST or None, referral=referral),
        save=save,
        stale_form=lambda current: _stale(AcceptForm, request, current, referral=current),
        success=_("The referral is accepted; the sender has been told."),
        title=_("Accept the referral"),
        action="accept",
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_progress(request, referral_id):
    """A progress note by the recipient of an internal referral."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    if not can["is_recipient"]:
        raise PermissionDenied
    if not can["can_progress"]:
        return _state_refused(
            request, referral, _("Progress notes are for accepted referrals that are not closed.")
        )

    def save(data):
        services.referral_progress_note(
            referral=referral, user=request.user, text=data["text"], request=request
        )

    return _step_form(
        request,
        referral,
        form=ProgressForm(request.POST or None),
        save=save,
        success=_("Progress note added."),
        title=_("Add a progress note"),
        action="progress",
        anchor="#log",
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_result(request, referral_id):
    """The recipient writes the result back and closes the referral; the sender is told."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    if not can["is_recipient"]:
        raise PermissionDenied
    if not can["can_result"]:
        return _state_refused(request, referral, _("This referral is closed."))

    def save(data):
        services.referral_result(
            referral=referral,
            user=request.user,
            result=data["result"],
            outcome=data["outcome"],
            revision=data.get("revision"),
            request=request,
        )

    return _step_form(
        request,
        referral,
        form=ResultForm(request.POST or None, initial={"revision": referral.revision}),
        save=save,
        stale_form=lambda current: _stale(ResultForm, request, current),
        success=_("The result is written back; the sender has been told."),
        title=_("Write the result and close"),
        action="result",
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_agency_result(request, referral_id):
    """The agency's result report (แบบรายงานแจ้งผลการช่วยเหลือ), entered when it comes back."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    if not can["can_manage"]:
        raise PermissionDenied
    if not can["can_agency_result"]:
        return _state_refused(
            request, referral, _("Only an open external referral takes an agency's result.")
        )

    def save(data):
        services.agency_result_record(
            referral=referral,
            user=request.user,
            received_on=data["received_on"],
            agency_person=data["agency_person"],
            agency_result=data["agency_result"],
            recommendations=data["recommendations"],
            revision=data.get("revision"),
            request=request,
        )

    return _step_form(
        request,
        referral,
        form=AgencyResultForm(
            request.POST or None, initial=AgencyResultForm.initial_from(referral)
        ),
        save=save,
        stale_form=lambda current: _stale(AgencyResultForm, request, current),
        success=_("The agency's result is recorded."),
        title=_("The agency's result"),
        action="agency_result",
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_follow_up(request, referral_id):
    """A dated follow-up (the sender, the counsellor or the coordinator)."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    if not can["can_manage"]:
        raise PermissionDenied
    if not can["can_follow_up"]:
        return _state_refused(request, referral, _("This referral is closed."))

    def save(data):
        services.referral_follow_up(
            referral=referral,
            user=request.user,
            date=data["date"],
            text=data["text"],
            request=request,
        )

    return _step_form(
        request,
        referral,
        form=FollowUpForm(request.POST or None, initial={"date": timezone.localdate()}),
        save=save,
        success=_("Follow-up added."),
        title=_("Add a follow-up"),
        action="follow_up",
        anchor="#log",
    )


@school_view(Perm.VIEW_SCHOOL)
def referral_close(request, referral_id):
    """Close with an outcome (the sender, the counsellor or the coordinator)."""
    referral = referral_get_for_user(request, referral_id)
    can = _abilities(request, referral)
    if not can["can_manage"]:
        raise PermissionDenied
    if not can["can_close"]:
        return _state_refused(request, referral, _("This referral is already closed."))

    def save(data):
        services.referral_close(
            referral=referral,
            user=request.user,
            outcome=data["outcome"],
            note=data["note"],
            revision=data.get("revision"),
            request=request,
        )

    return _step_form(
        request,
        referral,
        form=CloseForm(request.POST or None, initial={"revision": referral.revision}),
        save=save,
        stale_form=lambda current: _stale(CloseForm, request, current),
        success=_("The referral is closed."),
        title=_("Close the referral"),
        action="close",
    )
