"""The supervision pages (docs/district-work.md, "Supervision").

- Under /d/<district>/supervision/: the district's staff (``Perm.VIEW_DISTRICT``) read the
  rounds, each round's schools with their visit, and the summary across schools with its chart;
  ``Perm.SUPERVISE`` configures the form, plans a round, records a visit and sends it to the
  school, and prints the round's report (PDF job). Schools are named, never a student.
- Under /n/<network>/supervision/: a network's supervisor (``Perm.SUPERVISE`` at the network)
  plans the rounds of the network's team over its schools, records their visits and reads their
  summary, on the district's pages and templates (``Desk``); district staff may open them too.
  The form and the PDF report stay the district's.
- Under /s/<school>/supervision/: the school's director and coordinator
  (``Perm.ANSWER_SUPERVISION``) read the visits sent to the school and answer each
  recommendation with the school's actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore import jobs
from carecore.access import Perm, district_view, network_view, school_view
from carecore.file_views import generated_file_response
from carecore.form_views import form_saved
from districts.supervision import charts, selectors, services
from districts.supervision.access import (
    round_get_for_district,
    round_get_for_network,
    round_school_get,
    visit_get_for_school,
)
from districts.supervision.forms import AnswerForm, RoundForm, SupervisionFormForm, VisitForm
from districts.supervision.models import SupervisionForm, Visit
from districts.supervision.routes import district_pages, network_pages, school_pages


@dataclass(frozen=True)
class Desk:
    """Where the rounds are read and planned: the district office (every round) or one network
    (its team's rounds): the URL namespace and arguments, the page frame and what it reads."""

    district: object
    network: object | None
    namespace: str
    kwargs: dict
    frame: str
    can_supervise: bool

    def url(self, name: str, **more) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={**self.kwargs, **more})

    @property
    def context(self) -> dict:
        here = {"network": self.network} if self.network is not None else {}
        return {"district": self.district, "desk": self, "frame": self.frame, **here}


def _district_desk(request) -> Desk:
    return Desk(
        district=request.district,
        network=None,
        namespace="supervision",
        kwargs={"district_code": request.district.code},
        frame="district_page.html",
        can_supervise=Perm.SUPERVISE in request.districtperms,
    )


def _network_desk(request) -> Desk:
    network = request.network
    return Desk(
        district=network.district,
        network=network,
        namespace="supervision_network",
        kwargs={"network_id": network.pk},
        frame="practices/network_page.html",
        can_supervise=Perm.SUPERVISE in request.networkperms,
    )


def _round_url(desk: Desk, round_) -> str:
    return desk.url("round", round_id=round_.pk)


# --- the district -------------------------------------------------------------------------------
def _round_list(request, desk: Desk):
    rounds = selectors.rounds_of_district(desk.district, network=desk.network)
    return render(
        request,
        "supervision/round_list.html",
        {**desk.context, "rounds": rounds, "can_supervise": desk.can_supervise},
    )


@district_pages("", name="list")
@district_view(Perm.VIEW_DISTRICT)
def round_list(request):
    return _round_list(request, _district_desk(request))


@district_pages("form/", name="form")
@district_view(Perm.SUPERVISE)
def form_edit(request):
    """The district's supervision form: the five steps, levels and checklists."""
    current = SupervisionForm.objects.filter(district=request.district).first()
    steps = services.form_steps(request.district)
    form = SupervisionFormForm(
        request.POST or None, steps=steps, revision=current.revision if current else None
    )
    saved = form_saved(
        request,
        form,
        lambda data: services.form_save(
            district=request.district,
            steps=form.steps(),
            user=request.user,
            revision=data.get("revision"),
        ),
        success=_("The supervision form is saved. Rounds planned from now on use it."),
        then=_district_desk(request).url("list"),
        on_stale=lambda current: _stale_form(request, current),
    )
    return saved or render(
        request, "supervision/form_edit.html", {**_district_desk(request).context, "form": form}
    )


def _stale_form(request, current):
    form = SupervisionFormForm(steps=current.steps, revision=current.revision)
    form.is_bound = False
    page = render(
        request,
        "supervision/form_edit.html",
        {
            **_district_desk(request).context,
            "form": form,
            "stale": _("Someone changed the form after you opened it: here it is as saved now."),
        },
    )
    return page


def _round_create(request, desk: Desk):
    form = RoundForm(request.POST or None, district=desk.district, network=desk.network)
    saved = form_saved(
        request,
        form,
        lambda data: services.round_create(
            district=desk.district,
            network=data["network"],
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            supervisors=data["supervisors"],
            schools=data["schools"],
            user=request.user,
        ),
        success=lambda r: _("The round “%(title)s” is planned.") % {"title": r.title},
        then=lambda r: _round_url(desk, r),
    )
    return saved or render(request, "supervision/round_form.html", {**desk.context, "form": form})


@district_pages("new/", name="create")
@district_view(Perm.SUPERVISE)
def round_create(request):
    return _round_create(request, _district_desk(request))


def _round_page(request, desk: Desk, round_, template: str, **context):
    """A page of one round, in the desk's frame."""
    return render(
        request,
        template,
        {**desk.context, "round": round_, "can_supervise": desk.can_supervise, **context},
    )


def _round_detail(request, desk: Desk, round_):
    rows = selectors.round_schools(round_)
    visited = sum(1 for r in rows if r.visit is not None)
    return _round_page(
        request, desk, round_, "supervision/round_detail.html", rows=rows, visited=visited
    )


@district_pages("<int:round_id>/", name="round")
@district_view(Perm.VIEW_DISTRICT)
def round_detail(request, round_id):
    return _round_detail(
        request, _district_desk(request), round_get_for_district(request, round_id)
    )


def _round_summary(request, desk: Desk, round_):
    summary = selectors.summary(round_)
    chart = charts.summary_chart(summary)
    return _round_page(
        request, desk, round_, "supervision/round_summary.html", summary=summary, chart=chart
    )


@district_pages("<int:round_id>/summary/", name="summary")
@district_view(Perm.VIEW_DISTRICT)
def round_summary(request, round_id):
    return _round_summary(
        request, _district_desk(request), round_get_for_district(request, round_id)
    )


@district_pages("<int:round_id>/report/", name="report")
@district_view(Perm.VIEW_DISTRICT)
@require_POST
def round_report(request, round_id):
    """The round's supervision report as PDF (a job: the page shows its progress)."""
    round_ = round_get_for_district(request, round_id)
    generated = jobs.generated_file_start(
        kind="supervision_report",
        title=f"{_('Supervision report')} {round_.title}",
        user=request.user,
        permission=Perm.VIEW_DISTRICT,
        district=request.district,
        params={"round_id": round_.pk},
    )
    return generated_file_response(request, generated)


def _visit_page(request, desk: Desk, round_, school_code):
    """The round's visit to one school: recorded here on a phone or tablet (a draft kept until
    sent), then read with the school's answer."""
    school = round_school_get(round_, school_code)
    visit = Visit.objects.filter(round=round_, school=school).prefetch_related("steps").first()
    can_edit = desk.can_supervise and (visit is None or visit.status == Visit.Status.DRAFT)
    if not can_edit:
        steps = _step_rows(round_, visit)
        return _round_page(
            request,
            desk,
            round_,
            "supervision/visit_read.html",
            school=school,
            visit=visit,
            steps=steps,
        )
    posted = request.POST if request.method == "POST" else None
    form = VisitForm(
        posted,
        form_steps=round_.form,
        visit=visit,
        initial=None if visit else {"visited_on": timezone.localdate()},
    )
    send = posted is not None and "send" in posted

    def stale(current):
        again = VisitForm(posted, form_steps=round_.form, visit=current)
        again.is_valid()
        again.add_error(
            None,
            _("Someone saved this visit after you opened it. Check the values and save again."),
        )
        data = again.data.copy()
        data["revision"] = current.revision
        again.data = data
        return _visit_form_page(request, desk, round_, school, again, current)

    saved = form_saved(
        request,
        form,
        lambda data: services.visit_save(
            round_=round_,
            school=school,
            visited_on=data["visited_on"],
            overall=data["overall"],
            entries=form.entries(),
            user=request.user,
            send=send,
            revision=data.get("revision"),
        ),
        success=(
            _("The visit is sent to %(school)s.") % {"school": school.name}
            if send
            else _("The visit is saved. Send it to the school when it is complete.")
        ),
        then=_round_url(desk, round_) if send else request.path,
        on_stale=stale,
    )
    return saved or _visit_form_page(request, desk, round_, school, form, visit)


@district_pages("<int:round_id>/schools/<school_code:school_code>/", name="visit")
@district_view(Perm.VIEW_DISTRICT)
def visit_page(request, round_id, school_code):
    round_ = round_get_for_district(request, round_id)
    return _visit_page(request, _district_desk(request), round_, school_code)


def _visit_form_page(request, desk: Desk, round_, school, form, visit):
    return _round_page(
        request, desk, round_, "supervision/visit_form.html", school=school, form=form, visit=visit
    )


# --- a network's team ---------------------------------------------------------------------------
# The network supervisor holds Perm.SUPERVISE at the network (district staff too): reading the
# network's rounds asks for it as well, as the figures of a round are the team's work.
@network_pages("", name="list")
@network_view(Perm.SUPERVISE)
def network_round_list(request):
    return _round_list(request, _network_desk(request))


@network_pages("new/", name="create")
@network_view(Perm.SUPERVISE)
def network_round_create(request):
    return _round_create(request, _network_desk(request))


@network_pages("<int:round_id>/", name="round")
@network_view(Perm.SUPERVISE)
def network_round_detail(request, round_id):
    return _round_detail(request, _network_desk(request), round_get_for_network(request, round_id))


@network_pages("<int:round_id>/summary/", name="summary")
@network_view(Perm.SUPERVISE)
def network_round_summary(request, round_id):
    return _round_summary(request, _network_desk(request), round_get_for_network(request, round_id))


@network_pages("<int:round_id>/schools/<school_code:school_code>/", name="visit")
@network_view(Perm.SUPERVISE)
def network_visit_page(request, round_id, school_code):
    round_ = round_get_for_network(request, round_id)
    return _visit_page(request, _network_desk(request), round_, school_code)


def _step_rows(round_, visit):
    """(number, the form's step, the visit's step or None, [(item, ticked)]) per step."""
    recorded = {s.number: s for s in visit.steps.all()} if visit is not None else {}
    rows = []
    for n, step in enumerate(round_.form, start=1):
        entry = recorded.get(n)
        ticks = entry.ticks if entry is not None else []
        items = [(item, i < len(ticks) and ticks[i]) for i, item in enumerate(step["items"])]
        rows.append((n, step, entry, items))
    return rows


# --- the school ---------------------------------------------------------------------------------
@school_pages("", name="list")
@school_view(Perm.ANSWER_SUPERVISION)
def school_list(request):
    visits = list(
        Visit.objects.filter(school=request.school)
        .exclude(status=Visit.Status.DRAFT)
        .select_related("round")
        .order_by("-visited_on", "-pk")
    )
    return render(
        request, "supervision/school_list.html", {"school": request.school, "visits": visits}
    )


@school_pages("<int:supervision_visit_id>/", name="visit")
@school_view(Perm.ANSWER_SUPERVISION)
def school_visit(request, supervision_visit_id):
    """A visit sent to the school: the levels, findings and recommendations; the answer."""
    visit = visit_get_for_school(request, supervision_visit_id)
    steps = list(visit.steps.all())
    form = AnswerForm(request.POST or None, steps=steps, revision=visit.revision)

    def stale(current):
        # Someone answered (or the form was old): what was typed stays, on the current revision.
        nonlocal form
        data = request.POST.copy()
        data["revision"] = current.revision
        form = AnswerForm(data, steps=steps, revision=current.revision)
        form.is_valid()
        form.add_error(
            None,
            _("Someone saved this answer after you opened it. Check the answers and send again."),
        )
        return None

    saved = form_saved(
        request,
        form,
        lambda data: services.visit_answer(
            visit=visit, actions=form.actions(), user=request.user, revision=data.get("revision")
        ),
        success=_("The school's answer is sent to the district office."),
        then=request.path,
        on_stale=stale,
    )
    if saved:
        return saved
    rows = [
        (n, step, entry, items, form[f"actions_{n}"] if f"actions_{n}" in form.fields else None)
        for n, step, entry, items in _step_rows(visit.round, visit)
    ]
    return render(
        request,
        "supervision/school_visit.html",
        {
            "school": request.school,
            "visit": visit,
            "round": visit.round,
            "rows": rows,
            "form": form,
        },
    )
