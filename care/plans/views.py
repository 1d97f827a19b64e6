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
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import selectors
from care.models import CarePlan
from care.plans import services
from care.plans.forms import CloseForm, FollowUpForm, PlanForm, action_formset
from care.routes import pages
from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_view
from carecore.file_views import record_print_view
from carecore.form_views import form_saved, student_page
from schools.selectors import classroom_list, current_term
from screening.models import CareGroup
from screening.selectors import reason_text
from students.access import student_get_for_user
from students.extensions import form_prefill


def _plan_url(request, plan) -> str:
    return reverse(
        "care:plan_detail", kwargs={"school_code": request.school.code, "plan_id": plan.pk}
    )


def _can_record(request) -> bool:
    return Perm.RECORD_CARE in request.schoolperms


def _refuse_closed(request, plan, message: str):
    """Back to a closed plan's page with ``message`` (a closed plan is no longer written)."""
    if plan.status != CarePlan.Status.CLOSED:
        return None
    messages.info(request, message)
    return redirect(_plan_url(request, plan))


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
@pages("plans/")
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


@pages("students/<int:student_id>/plans/")
@school_view(Perm.VIEW_SCHOOL)
def student_plans(request, student_id):
    student = student_get_for_user(request, student_id)
    plans = selectors.student_plans(student=student)
    term, group = _current_group(student)
    return student_page(
        request,
        "care/student_plans.html",
        student,
        audit=_("Viewed the student's care plans"),
        plans=plans,
        group=group,
        term=term,
        can_record=_can_record(request),
    )


# --- one plan ----------------------------------------------------------------------------------
@pages("plans/<int:plan_id>/")
@school_view(Perm.VIEW_SCHOOL)
def plan_detail(request, plan_id):
    plan = selectors.plan_get_for_user(request, plan_id)
    detail = selectors.plan_detail(plan=plan)
    audit_view(request, _("Viewed an individual care plan"), student=plan.student, obj=plan)
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
            "follow_up_form": FollowUpForm() if can_record else None,
        },
    )


def _plan_form_page(request, student, plan, form, actions, stale=None):
    term, group = _current_group(student)
    return render(
        request,
        "care/plan_form.html",
        {
            "school": request.school,
            "student": student,
            "plan": plan,
            "form": form,
            "actions": actions,
            "stale": stale,
            "group": group,
            "term": term,
            "reasons": [reason_text(r) for r in (group.reasons if group else [])],
        },
    )


@pages("students/<int:student_id>/plans/new/")
@school_view(Perm.RECORD_CARE)
def plan_create(request, student_id):
    student = student_get_for_user(request, student_id)
    # Opened from a page above with ?reason= (the early warning's next step): the problem
    # starts with what that page knows (students.extensions.form_prefill).
    initial = {**PlanForm.initial_for_new(), "problem": form_prefill(request, student)}
    form = PlanForm(request.POST or None, initial=initial)
    actions = action_formset(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda data: services.care_plan_open(
            student=student,
            actions=actions.rows(),
            user=request.user,
            request=request,
            **{name: data[name] for name in services.PLAN_FIELDS},
        ),
        also=[actions],
        success=_("The care plan is open."),
        then=lambda plan: _plan_url(request, plan),
    )
    if saved:
        return saved
    if request.method == "GET":
        audit_view(request, _("Opened a new care plan form"), student=student)
    return _plan_form_page(request, student, None, form, actions)


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


@pages("plans/<int:plan_id>/edit/")
@school_view(Perm.RECORD_CARE)
def plan_edit(request, plan_id):
    plan = selectors.plan_get_for_user(request, plan_id)
    if refused := _refuse_closed(
        request, plan, _("This plan is closed and can no longer be changed.")
    ):
        return refused
    form = PlanForm(request.POST or None, initial=PlanForm.initial_from(plan))
    actions = action_formset(request.POST or None, actions=list(plan.actions.all()), empty_rows=2)

    def stale(current):
        """Keep what was typed; saving again now keeps these values over the others'."""
        posted = request.POST.copy()
        posted["revision"] = current.revision
        again = PlanForm(posted)
        again.is_valid()
        rows = action_formset(posted, actions=list(current.actions.all()), empty_rows=2)
        rows.is_valid()
        differences = {
            "by": current.modified,
            "differences": _stale_differences(current, form.cleaned_data),
        }
        return _plan_form_page(request, plan.student, plan, again, rows, stale=differences)

    saved = form_saved(
        request,
        form,
        lambda data: services.care_plan_update(
            plan=plan, actions=actions.rows(), user=request.user, request=request, **data
        ),
        also=[actions],
        success=_("The care plan is saved."),
        then=_plan_url(request, plan),
        on_stale=stale,
    )
    if saved:
        return saved
    if request.method == "GET":
        audit_view(request, _("Opened a care plan for editing"), student=plan.student, obj=plan)
    return _plan_form_page(request, plan.student, plan, form, actions)


def _plan_step_view(form_class, service, template: str, anchor: str = ""):
    """A form that adds to an open plan (a follow-up, closing it): ``service`` is called with
    the form's values; a closed plan sends back to its page with the form's ``refused``."""

    @school_view(Perm.RECORD_CARE)
    def view(request, plan_id):
        plan = selectors.plan_get_for_user(request, plan_id)
        if refused := _refuse_closed(request, plan, form_class.refused):
            return refused
        form = form_class(request.POST or None)
        saved = form_saved(
            request,
            form,
            lambda data: service(plan=plan, user=request.user, request=request, **data),
            success=form_class.success,
            then=_plan_url(request, plan) + anchor,
        )
        return saved or render(
            request,
            template,
            {"school": request.school, "student": plan.student, "plan": plan, "form": form},
        )

    return view


follow_up_create = pages("plans/<int:plan_id>/follow-ups/new/", name="plan_follow_up_create")(
    _plan_step_view(
        FollowUpForm, services.care_plan_follow_up_add, "care/follow_up_form.html", "#follow-ups"
    )
)
plan_close = pages("plans/<int:plan_id>/close/", name="plan_close")(
    _plan_step_view(CloseForm, services.care_plan_close, "care/plan_close.html")
)


@pages("plans/<int:plan_id>/actions/done/")
@school_view(Perm.RECORD_CARE)
@require_POST
def plan_action_done(request, plan_id):
    """Tick an action done (or not done again) from the plan's page."""
    plan = selectors.plan_get_for_user(request, plan_id)
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


# The individual care record (แบบบันทึกการช่วยเหลือนักเรียนรายบุคคล) as a PDF, by a job.
plan_print = pages("plans/<int:plan_id>/print/", name="plan_print")(
    record_print_view(
        kind="care_plan",
        get_for_user=selectors.plan_get_for_user,
        url_kwarg="plan_id",
        title=lambda plan: _("Individual care record %(name)s") % {"name": plan.student.full_name},
    )
)
