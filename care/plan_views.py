"""Pages of individual care plans (แผนช่วยเหลือรายบุคคล, ICP): the school's list with overdue
plans first, a student's plans, one plan with its actions and follow-up log, and the forms to
open, edit, follow up and close a plan, and to print it.

Who (carecore.access): whoever may see the student reads their plans (homeroom teachers their own
students; counsellor, coordinator and director every student); Perm.RECORD_CARE writes them
(homeroom teachers, counsellor, coordinator; the director reads only). Another school's plan,
or a student one may not see, answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import plan_services as services
from care import selectors
from care.models import CarePlan
from care.plan_forms import CloseForm, FollowUpForm, PlanForm, action_formset
from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_record
from carecore.file_views import school_document_start
from carecore.models import AuditEvent
from schools.selectors import classroom_list, current_term
from screening.models import CareGroup
from screening.selectors import reason_text
from students.access import student_get_for_user


def _log_view(request, student, summary: str, obj=None) -> None:
    audit_record(
        action=AuditEvent.Action.VIEW,
        user=request.user,
        school=request.school,
        student=student,
        obj=obj,
        summary=summary,
        request=request,
    )


def _plan_url(request, plan) -> str:
    return reverse(
        "care:plan_detail", kwargs={"school_code": request.school.code, "plan_id": plan.pk}
    )


def _add_errors(form, error: ValidationError) -> None:
    """A rule the service enforces: shown on the form, what was typed is kept."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _can_record(request) -> bool:
    return Perm.RECORD_CARE in request.schoolperms


def _plan_for_writing(request, plan_id) -> CarePlan:
    """The plan (404 outside the user's students); 403 without Perm.RECORD_CARE."""
    plan = selectors.plan_get_for_user(request, plan_id)
    if not _can_record(request):
        raise PermissionDenied
    return plan


def _current_group(student):
    """The student's latest care group (the term it is for, and the group)."""
    group = (
        CareGroup.objects.filter(student=student)
        .select_related("term__academic_year")
        .order_by("-term__academic_year__year", "-term__number")
        .first()
    )
    return (group.term if group else current_term()), group


# --- lists -------------------------------------------------------------------------------------
@school_view(Perm.VIEW_STUDENTS)
def plan_list(request):
    """The school's plans (a homeroom teacher: their own students'), overdue first; filters:
    open / overdue / closed / all, and classroom."""
    visible = visible_classroom_ids(request)
    classrooms = [
        c
        for c in classroom_list(school=request.school, academic_year=request.academic_year)
        if visible is None or c.pk in visible
    ]
    show = request.GET.get("show", "open")
    if show not in selectors.SHOW_CHOICES:
        show = "open"
    classroom_id = request.GET.get("classroom") or ""
    classroom = next((c for c in classrooms if str(c.pk) == classroom_id), None)
    if classroom_id and classroom is None:
        messages.warning(request, _("That classroom is not one you can see; showing all."))
    term = selectors.screened_term(school=request.school, term=current_term())
    listing = selectors.plan_rows(
        request=request,
        show=show,
        classroom_id=classroom.pk if classroom else None,
        term=term,
        page=request.GET.get("page") or 1,
    )
    needing = selectors.students_needing_plans(
        request=request, term=term, classroom_id=classroom.pk if classroom else None
    )
    return render(
        request,
        "care/plan_list.html",
        {
            "school": request.school,
            "rows": listing.rows,
            "counts": listing.counts,
            "page_obj": listing.page,
            "show": show,
            "classrooms": classrooms,
            "classroom": classroom,
            "needing": needing,
            "term": term,
            "can_record": _can_record(request),
            "today": timezone.localdate(),
        },
    )


@school_view(Perm.VIEW_SCHOOL)
def student_plans(request, student_id):
    student = student_get_for_user(request, student_id)
    plans = selectors.student_plans(student=student)
    term, group = _current_group(student)
    _log_view(request, student, _("Viewed the student's care plans"))
    return render(
        request,
        "care/student_plans.html",
        {
            "school": request.school,
            "student": student,
            "plans": plans,
            "group": group,
            "term": term,
            "can_record": _can_record(request),
        },
    )


# --- one plan ----------------------------------------------------------------------------------
@school_view(Perm.VIEW_SCHOOL)
def plan_detail(request, plan_id):
    plan = selectors.plan_get_for_user(request, plan_id)
    detail = selectors.plan_detail(plan=plan)
    _log_view(request, plan.student, _("Viewed an individual care plan"), obj=plan)
    can_record = _can_record(request) and plan.status != CarePlan.Status.CLOSED
    return render(
        request,
        "care/plan_detail.html",
        {
            "school": request.school,
            "student": plan.student,
            "plan": plan,
            "detail": detail,
            "reasons": [reason_text(r) for r in (detail.group.reasons if detail.group else [])],
            "can_record": can_record,
            "today": timezone.localdate(),
            "follow_up_form": FollowUpForm(initial={"date": timezone.localdate()})
            if can_record
            else None,
        },
    )


@school_view(Perm.RECORD_CARE)
def plan_create(request, student_id):
    student = student_get_for_user(request, student_id)
    term, group = _current_group(student)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for_new())
    actions = action_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() & actions.is_valid():
        data = form.cleaned_data
        try:
            plan = services.care_plan_open(
                student=student,
                opened_on=data["opened_on"],
                problem=data["problem"],
                goals=data["goals"],
                next_review=data["next_review"],
                actions=actions.rows(),
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The care plan is open."))
            return redirect(_plan_url(request, plan))
    if request.method == "GET":
        _log_view(request, student, _("Opened a new care plan form"))
    return render(
        request,
        "care/plan_form.html",
        {
            "school": request.school,
            "student": student,
            "plan": None,
            "form": form,
            "actions": actions,
            "group": group,
            "term": term,
            "reasons": [reason_text(r) for r in (group.reasons if group else [])],
        },
    )


def _stale_differences(current: CarePlan, data: dict) -> list[dict]:
    labels = {name: PlanForm.base_fields[name].label for name in services.PLAN_FIELDS}
    differences = []
    for name in services.PLAN_FIELDS:
        saved, yours = getattr(current, name), data.get(name)
        if isinstance(saved, str):
            saved, yours = saved.strip(), (yours or "").strip()
        if saved != yours:
            differences.append({"label": labels[name], "saved": saved, "yours": yours})
    return differences


@school_view(Perm.RECORD_CARE)
def plan_edit(request, plan_id):
    plan = _plan_for_writing(request, plan_id)
    if plan.status == CarePlan.Status.CLOSED:
        messages.info(request, _("This plan is closed and can no longer be changed."))
        return redirect(_plan_url(request, plan))
    existing = list(plan.actions.all())
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(plan))
    actions = action_formset(request.POST or None, actions=existing, empty_rows=2)
    stale = None
    if request.method == "POST" and form.is_valid() & actions.is_valid():
        data = form.cleaned_data
        try:
            services.care_plan_update(
                plan=plan,
                revision=data.get("revision"),
                opened_on=data["opened_on"],
                problem=data["problem"],
                goals=data["goals"],
                next_review=data["next_review"],
                actions=actions.rows(),
                user=request.user,
                request=request,
            )
        except services.StaleForm as error:
            current = error.current
            stale = {
                "by": current.modified,
                "differences": _stale_differences(current, data),
            }
            # Keep what was typed; saving again now keeps these values over the others'.
            posted = request.POST.copy()
            posted["revision"] = current.revision
            form = PlanForm(posted)
            form.is_valid()
            actions = action_formset(posted, actions=list(current.actions.all()), empty_rows=2)
            actions.is_valid()
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The care plan is saved."))
            return redirect(_plan_url(request, plan))
    if request.method == "GET":
        _log_view(request, plan.student, _("Opened a care plan for editing"), obj=plan)
    term, group = _current_group(plan.student)
    return render(
        request,
        "care/plan_form.html",
        {
            "school": request.school,
            "student": plan.student,
            "plan": plan,
            "form": form,
            "actions": actions,
            "stale": stale,
            "group": group,
            "term": term,
            "reasons": [reason_text(r) for r in (group.reasons if group else [])],
        },
    )


@school_view(Perm.RECORD_CARE)
def follow_up_create(request, plan_id):
    plan = _plan_for_writing(request, plan_id)
    if plan.status == CarePlan.Status.CLOSED:
        messages.info(request, _("This plan is closed: it takes no more follow-ups."))
        return redirect(_plan_url(request, plan))
    form = FollowUpForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.care_plan_follow_up_add(
                plan=plan,
                date=data["date"],
                what_was_done=data["what_was_done"],
                result=data["result"],
                next_step=data["next_step"],
                next_review=data["next_review"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Follow-up added."))
            return redirect(_plan_url(request, plan) + "#follow-ups")
    return render(
        request,
        "care/follow_up_form.html",
        {"school": request.school, "student": plan.student, "plan": plan, "form": form},
    )


@school_view(Perm.RECORD_CARE)
@require_POST
def plan_action_done(request, plan_id):
    """Tick an action done (or not done again) from the plan's page."""
    plan = _plan_for_writing(request, plan_id)
    action_id = request.POST.get("action") or ""
    if not action_id.isdigit() or len(action_id) > 18:
        messages.warning(request, _("Choose an action of the plan."))
        return redirect(_plan_url(request, plan))
    try:
        action = services.care_plan_action_set_done(
            plan=plan,
            action_id=int(action_id),
            done=request.POST.get("done") == "1",
            user=request.user,
            request=request,
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("Marked done: %(action)s") if action.done else _("Marked not done: %(action)s"))
            % {"action": action.action[:80]},
        )
    return redirect(_plan_url(request, plan) + "#actions")


@school_view(Perm.RECORD_CARE)
def plan_close(request, plan_id):
    plan = _plan_for_writing(request, plan_id)
    if plan.status == CarePlan.Status.CLOSED:
        messages.info(request, _("This plan is already closed."))
        return redirect(_plan_url(request, plan))
    form = CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.care_plan_close(
                plan=plan,
                outcome=data["outcome"],
                closed_on=data["closed_on"],
                outcome_note=data["outcome_note"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The care plan is closed."))
            return redirect(_plan_url(request, plan))
    return render(
        request,
        "care/plan_close.html",
        {"school": request.school, "student": plan.student, "plan": plan, "form": form},
    )


@school_view(Perm.VIEW_SCHOOL)
@require_POST
def plan_print(request, plan_id):
    """The individual care record (แบบบันทึกการช่วยเหลือนักเรียนรายบุคคล) as a PDF, by a job."""
    plan = selectors.plan_get_for_user(request, plan_id)
    title = _("Individual care record %(name)s") % {"name": plan.student.full_name}
    return school_document_start(
        request,
        kind="care_plan",
        title=title,
        params={"plan_id": plan.pk},
        student=plan.student,
        obj=plan,
    )
