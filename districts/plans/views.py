"""The district's plan (docs/district-work.md, "The district's plan").

- Under /d/<district>/plan/: the district's staff (``Perm.VIEW_DISTRICT``) read the plans and
  each indicator's actual against its target, and print a plan (PDF job);
  ``Perm.MANAGE_PLANS`` writes a plan (its text and strategies, its projects, its indicators),
  publishes it to the schools and takes it back.
- Under /s/<school>/plan/: everyone of the school (``Perm.VIEW_SCHOOL``, so also the network's
  supervisor and the district's staff) reads the district's published plan, with whether the
  school meets each of its school-level indicators, and prints it.
No student is named anywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from carecore import jobs
from carecore.access import Perm, district_view, school_view
from carecore.file_views import generated_file_response
from carecore.form_views import form_saved
from carecore.models import DISTRICT_ROLES, Membership
from carecore.queries import first_or_404
from districts.plans import selectors, services
from districts.plans.access import plan_get_for_district, published_plans_for_school
from districts.plans.forms import IndicatorForm, PlanForm, ProjectForm, RevisionForm, rows_formset
from districts.plans.models import Plan
from districts.plans.routes import district_pages, school_pages
from schools.models import AcademicYear


def _plan_url(request, plan, name="plan") -> str:
    return reverse(
        f"plans:{name}",
        kwargs={"district_code": request.district.code, "district_plan_id": plan.pk},
    )


def _district_school_ids(request) -> list[int]:
    return list(request.district.schools.values_list("pk", flat=True))


# --- the district -------------------------------------------------------------------------------
@district_pages("", name="list")
@district_view(Perm.VIEW_DISTRICT)
def plan_list(request):
    plans = list(
        Plan.objects.filter(district=request.district)
        .select_related("academic_year")
        .order_by("-academic_year__year")
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "district": request.district,
            "plans": plans,
            "can_manage": Perm.MANAGE_PLANS in request.districtperms,
        },
    )


@district_pages("new/", name="create")
@district_view(Perm.MANAGE_PLANS)
def plan_create(request):
    years = AcademicYear.objects.exclude(district_plans__district=request.district).order_by(
        "-year"
    )
    form = PlanForm(request.POST or None, years=years)
    saved = form_saved(
        request,
        form,
        lambda data: services.plan_create(
            district=request.district,
            academic_year=data["academic_year"],
            title=data["title"],
            policy=data["policy"],
            strategies=data["strategies"],
            copy=data["copy"],
            user=request.user,
        ),
        success=lambda p: _("The plan “%(title)s” is created as a draft.") % {"title": p.title},
        then=lambda p: _plan_url(request, p),
    )
    return saved or render(
        request,
        "plans/plan_form.html",
        {"district": request.district, "form": form, "creating": True},
    )


@district_pages("<int:district_plan_id>/", name="plan")
@district_view(Perm.VIEW_DISTRICT)
def plan_detail(request, district_plan_id):
    plan = selectors.plan_with_parts(plan_get_for_district(request, district_plan_id))
    results, _measures = selectors.indicator_results(plan, school_ids=_district_school_ids(request))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "district": request.district,
            "plan": plan,
            "results": results,
            "budget": selectors.budget_of(plan),
            "can_manage": Perm.MANAGE_PLANS in request.districtperms,
        },
    )


def _typed_kept(form):
    """On a form opened before a colleague's save: the page again with what was typed, at the
    plan's current revision, and a message."""

    def stale(current):
        form.add_error(
            None,
            _("Someone saved the plan after you opened it. Check what you typed and save again."),
        )
        data = form.data.copy()
        data["revision"] = current.revision
        form.data = data
        return None

    return stale


@district_pages("<int:district_plan_id>/edit/", name="edit")
@district_view(Perm.MANAGE_PLANS)
def plan_edit(request, district_plan_id):
    plan = plan_get_for_district(request, district_plan_id)
    initial = {
        "title": plan.title,
        "policy": plan.policy,
        "strategies": "\n".join(s.title for s in plan.strategies.all()),
        "revision": plan.revision,
    }
    form = PlanForm(request.POST or None, initial=initial)

    saved = form_saved(
        request,
        form,
        lambda data: services.plan_update(
            plan=plan,
            title=data["title"],
            policy=data["policy"],
            strategies=data["strategies"],
            revision=data.get("revision"),
            user=request.user,
        ),
        success=_("The plan is saved."),
        then=_plan_url(request, plan),
        on_stale=_typed_kept(form),
    )
    return saved or render(
        request, "plans/plan_form.html", {"district": request.district, "form": form, "plan": plan}
    )


def _rows_page(request, plan, *, form_class, initial, prefix, save, kwargs, title, intro, fields):
    """The projects' or indicators' page: rows to edit with the plan's revision; a stale
    revision keeps what was typed, at the current revision, with a message."""
    revision = RevisionForm(request.POST or None, initial={"revision": plan.revision})
    rows = rows_formset(form_class, request.POST or None, initial=initial, prefix=prefix, **kwargs)

    saved = form_saved(
        request,
        revision,
        lambda data: save(rows.rows(), data.get("revision")),
        success=_("The plan is saved."),
        then=_plan_url(request, plan),
        also=[rows],
        on_stale=_typed_kept(revision),
    )
    return saved or render(
        request,
        "plans/plan_rows.html",
        {
            "district": request.district,
            "plan": plan,
            "form": revision,
            "rows": rows,
            "title": title,
            "intro": intro,
            "row_fields": fields,
        },
    )


def _owners(request) -> list[tuple[int, str]]:
    """The district office's staff, who may own a project."""
    seen = {}
    for m in Membership.objects.filter(
        district=request.district, role__in=DISTRICT_ROLES
    ).select_related("user"):
        seen.setdefault(m.user_id, m.user.get_full_name() or m.user.username)
    return sorted(seen.items(), key=lambda item: item[1])


@district_pages("<int:district_plan_id>/projects/", name="projects")
@district_view(Perm.MANAGE_PLANS)
def plan_projects(request, district_plan_id):
    plan = selectors.plan_with_parts(plan_get_for_district(request, district_plan_id))
    strategies = list(plan.strategies.all())
    if not strategies:
        messages.info(request, _("Write the plan's strategies first: projects go under them."))
        return redirect(_plan_url(request, plan, "edit"))
    owners = _owners(request)
    initial = [
        {
            "strategy": s.number,
            "title": p.title,
            "owner_name": p.owner_name,
            "owner": p.owner_id,
            "budget": p.budget,
            "starts_on": p.starts_on,
            "ends_on": p.ends_on,
        }
        for s in strategies
        for p in s.projects.all()
    ]
    return _rows_page(
        request,
        plan,
        form_class=ProjectForm,
        initial=initial,
        prefix="projects",
        save=lambda rows, revision: services.projects_save(
            plan=plan,
            rows=rows,
            revision=revision,
            user=request.user,
            owners=[pk for pk, _name in owners],
        ),  # fmt: skip
        kwargs={
            "strategies": [(s.number, f"{s.number}. {s.title}") for s in strategies],
            "owners": owners,
        },
        title=pgettext("district plan", "Projects"),
        intro=_(
            "Each project under one of the plan's strategies, with who is responsible (a name, "
            "and a staff member of the district office if they have an account), its budget in "
            "baht and its period."
        ),
        fields="plans/_project_fields.html",
    )


@district_pages("<int:district_plan_id>/indicators/", name="indicators")
@district_view(Perm.MANAGE_PLANS)
def plan_indicators(request, district_plan_id):
    plan = plan_get_for_district(request, district_plan_id)
    initial = [
        {"title": i.title, "measure": i.measure, "unit": i.unit, "target": i.target,
         "actual": i.actual}
        for i in plan.indicators.all()
    ]  # fmt: skip
    return _rows_page(
        request,
        plan,
        form_class=IndicatorForm,
        initial=initial,
        prefix="indicators",
        save=lambda rows, revision: services.indicators_save(
            plan=plan, rows=rows, revision=revision, user=request.user
        ),
        kwargs={},
        title=_("Indicators"),
        intro=_(
            "A target in percent or a count. A school-level indicator is measured from the "
            "schools' data (how many of the district's schools meet it); a district-level one's "
            "actual you type."
        ),
        fields="plans/_indicator_fields.html",
    )


def _plan_change(route: str, name: str, service, success):
    """A POST that changes the plan's state (``service(plan=, user=)``): a refusal is shown as a
    message; removing goes back to the list, anything else to the plan."""

    @district_pages(route, name=name)
    @district_view(Perm.MANAGE_PLANS)
    @require_POST
    def view(request, district_plan_id):
        plan = plan_get_for_district(request, district_plan_id)
        try:
            service(plan=plan, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_plan_url(request, plan))
        messages.success(request, str(success) % {"title": plan.title})
        if name == "delete":
            return redirect("plans:list", district_code=request.district.code)
        return redirect(_plan_url(request, plan))

    view.__name__ = view.__qualname__ = f"plan_{name}"
    return view


# Placed in this order (docs: a published plan is not removed; it goes back to a draft first).
plan_delete = _plan_change(
    "<int:district_plan_id>/delete/",
    "delete",
    lambda plan, user: services.plan_delete(plan=plan),
    gettext_lazy("The plan “%(title)s” is removed."),
)
plan_unpublish = _plan_change(
    "<int:district_plan_id>/draft/",
    "unpublish",
    services.plan_unpublish,
    gettext_lazy("The plan is a draft again: the schools no longer read it."),
)
plan_publish = _plan_change(
    "<int:district_plan_id>/publish/",
    "publish",
    services.plan_publish,
    gettext_lazy("The plan is published: the district's schools read it."),
)


@district_pages("<int:district_plan_id>/pdf/", name="pdf")
@district_view(Perm.VIEW_DISTRICT)
@require_POST
def plan_pdf(request, district_plan_id):
    """The plan as PDF (a job: the page shows its progress)."""
    plan = plan_get_for_district(request, district_plan_id)
    generated = jobs.generated_file_start(
        kind="district_plan",
        title=plan.title,
        user=request.user,
        permission=Perm.VIEW_DISTRICT,
        district=request.district,
        params={"plan_id": plan.pk},
    )
    return generated_file_response(request, generated)


# --- the school ---------------------------------------------------------------------------------
def _school_plan(request):
    """The published plan the school reads: of ``?year=``, else of the current academic year,
    else the latest published."""
    plans = list(published_plans_for_school(request))
    wanted = request.GET.get("year", "")
    current = request.academic_year
    for plan in plans:
        if wanted and str(plan.academic_year.year) == wanted:
            return plan, plans
    for plan in plans:
        if current is not None and plan.academic_year_id == current.pk:
            return plan, plans
    return (plans[0] if plans else None), plans


@school_pages("", name="plan")
@school_view(Perm.VIEW_SCHOOL)
def school_plan(request):
    plan, plans = _school_plan(request)
    results = []
    if plan is not None:
        plan = selectors.plan_with_parts(plan)
        results, _measures = selectors.indicator_results(plan, school_ids=[request.school.pk])
    return render(
        request,
        "plans/school_plan.html",
        {
            "school": request.school,
            "plan": plan,
            "plans": plans,
            "results": results,
            "budget": selectors.budget_of(plan) if plan else None,
        },
    )


@school_pages("<int:district_plan_id>/pdf/", name="pdf")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def school_plan_pdf(request, district_plan_id):
    plan = first_or_404(published_plans_for_school(request).filter(pk=district_plan_id))
    generated = jobs.generated_file_start(
        kind="district_plan",
        title=plan.title,
        user=request.user,
        permission=Perm.VIEW_SCHOOL,
        school=request.school,
        params={"plan_id": plan.pk},
    )
    return generated_file_response(request, generated)
