"""The pages that build and read surveys, the same at two places: the district office's
(/d/<district>/surveys/, its own surveys) and a school's (/s/<school>/surveys/, the school's).
Each page is one function ``fn(request, place, ...)`` placed at both (``_at_both_places``);
``Perm.MANAGE_SURVEYS`` is needed (district staff; a school's director and coordinator: 403 for
the school's other staff), and a survey of another place answers 404
(``surveys.access.survey_get_for_user``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial, wraps

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore import jobs
from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_record
from carecore.file_views import generated_file_response
from carecore.form_views import add_service_errors
from carecore.models import AuditEvent
from districts.surveys import charts, selectors, services
from districts.surveys.access import (
    district_surveys_of_school,
    on_district_page,
    place_surveys,
    survey_get_for_user,
)
from districts.surveys.forms import SlipsForm, SurveyCreateForm, SurveyForm, section_formset
from districts.surveys.models import Survey
from districts.surveys.public_views import answer_context
from districts.surveys.routes import district_pages, school_pages
from schools.models import School


@dataclass(frozen=True)
class Place:
    """Where the page is: the district office (``school`` None) or one of its schools."""

    district: object
    school: object
    namespace: str
    kwargs: dict
    frame: str  # the page frame the templates extend

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={**self.kwargs, **kwargs})

    @property
    def name(self) -> str:
        return self.school.name if self.school is not None else self.district.name


def place_of(request) -> Place:
    if on_district_page(request):
        district = request.district
        return Place(
            district, None, "surveys", {"district_code": district.code}, "district_page.html"
        )
    school = request.school
    return Place(
        school.district,
        school,
        "surveys_school",
        {"school_code": school.code},
        "school_page.html",
    )


def _at_both_places(route: str, *, post: bool = False):
    """Place ``fn(request, place, **kwargs)`` under the district's and the school's surveys."""

    def place(fn):
        @wraps(fn)
        def body(request, **kwargs):
            return fn(request, place_of(request), **kwargs)

        if post:
            body = require_POST(body)
        district_pages(route, name=fn.__name__)(district_view(Perm.MANAGE_SURVEYS)(body))
        school_pages(route, name=fn.__name__)(school_view(Perm.MANAGE_SURVEYS)(body))
        return fn

    return place


def _page(request, place: Place, template: str, **context):
    return render(
        request,
        template,
        {
            "place": place,
            "district": place.district,
            "school": place.school,
            "list_url": place.url("survey_list"),
            **context,
        },
    )


def _survey_page(request, place: Place, survey: Survey, template: str, **context):
    """A page of one survey: the survey and the addresses of its pages."""
    urls = _survey_urls(place, survey)
    return _page(request, place, template, survey=survey, urls=urls, **context)


def _survey_urls(place: Place, survey: Survey) -> dict[str, str]:
    names = ("detail", "edit", "preview", "publish", "close", "delete", "slips", "results")
    urls = {name: place.url(f"survey_{name}", survey_id=survey.pk) for name in names}
    urls["pdf"] = place.url("survey_results_pdf", survey_id=survey.pk)
    urls["xlsx"] = place.url("survey_results_xlsx", survey_id=survey.pk)
    return urls


def public_url(request, survey: Survey) -> str:
    return request.build_absolute_uri(
        reverse("surveys_public:answer", kwargs={"token": survey.token})
    )


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG sized by CSS (no style attribute: the page's
    Content-Security-Policy allows none)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, border=4, omitsize=True, svgclass="survey-qr"
    )
    return mark_safe(svg)  # noqa: S308 - made by segno from our own URL, no user text


# --- the list and a new survey -----------------------------------------------------------------
@_at_both_places("")
def survey_list(request, place: Place):
    surveys = selectors.survey_list(place_surveys(request))
    for survey in surveys:
        survey.url = place.url("survey_detail", survey_id=survey.pk)
    district_surveys = []
    if place.school is not None:
        district_surveys = list(district_surveys_of_school(request).order_by("-created", "-pk"))
        for survey in district_surveys:
            survey.url = place.url("survey_results", survey_id=survey.pk)
    return _page(
        request,
        place,
        "surveys/survey_list.html",
        surveys=surveys,
        district_surveys=district_surveys,
        new_url=place.url("survey_create"),
    )


@_at_both_places("new/")
def survey_create(request, place: Place):
    form = SurveyCreateForm(request.POST or None, for_district=place.school is None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survey = services.survey_create(
            district=place.district,
            school=place.school,
            audience=data["audience"],
            mode=data["mode"],
            from_starter=data["from_starter"],
            ask_school=data.get("ask_school", False),
            user=request.user,
        )
        messages.success(
            request,
            _("The survey is a draft: check its questions, then publish it to open the link."),
        )
        return redirect(place.url("survey_edit", survey_id=survey.pk))
    return _page(request, place, "surveys/survey_create.html", form=form)


# --- one survey --------------------------------------------------------------------------------
@_at_both_places("<int:survey_id>/")
def survey_detail(request, place: Place, survey_id: int):
    survey = survey_get_for_user(request, survey_id)
    link = public_url(request, survey)
    return _survey_page(
        request,
        place,
        survey,
        "surveys/survey_detail.html",
        sections=selectors.survey_sections(survey),
        answer_count=survey.responses.count(),
        slips=selectors.slip_counts(survey) if survey.mode == Survey.Mode.SLIPS else None,
        link=link,
        qr=qr_svg(link) if survey.is_open and survey.mode == Survey.Mode.OPEN else "",
    )


@_at_both_places("<int:survey_id>/edit/")
def survey_edit(request, place: Place, survey_id: int):
    survey = survey_get_for_user(request, survey_id)
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, survey=survey)
    outline = selectors.survey_sections(survey)
    sections = section_formset(data, sections=outline)
    if data is not None:
        valid = form.is_valid() and (not survey.is_draft or sections.is_valid())
        if valid:
            try:
                services.survey_update(
                    survey=survey,
                    data=form.cleaned_data,
                    sections=sections.rows() if survey.is_draft else None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The survey is saved."))
                if "more" in request.POST:
                    return redirect(place.url("survey_edit", survey_id=survey.pk))
                return redirect(place.url("survey_detail", survey_id=survey.pk))
    return _survey_page(
        request,
        place,
        survey,
        "surveys/survey_edit.html",
        form=form,
        sections=sections,
        outline=outline,
    )


@_at_both_places("<int:survey_id>/preview/")
def survey_preview(request, place: Place, survey_id: int):
    """The answer page as people will see it, without sending."""
    survey = survey_get_for_user(request, survey_id)
    context = answer_context(survey, slip=None)
    return render(
        request,
        "surveys/public/answer.html",
        {**context, "preview": True, "back_url": place.url("survey_detail", survey_id=survey.pk)},
    )


def _survey_action(request, place: Place, survey_id: int, act, success: str, then=None):
    """Do ``act(survey=survey)`` (a service) and say ``success``; a refusal is said instead.
    Back to the survey's page, or to ``then``."""
    survey = survey_get_for_user(request, survey_id)
    back = place.url("survey_detail", survey_id=survey.pk)
    try:
        act(survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, success)
    return redirect(then or back)


@_at_both_places("<int:survey_id>/publish/", post=True)
def survey_publish(request, place: Place, survey_id: int):
    success = _("The survey is open: share its link or print its slips.")
    return _survey_action(request, place, survey_id, services.survey_publish, success)


@_at_both_places("<int:survey_id>/close/", post=True)
def survey_close(request, place: Place, survey_id: int):
    """Close the survey (``reopen=1``: open it again)."""
    reopen = request.POST.get("reopen") == "1"
    if reopen:
        success = _("The survey takes answers again.")
    else:
        success = _("The survey is closed: its link no longer takes answers.")
    close = partial(services.survey_close, reopen=reopen)
    return _survey_action(request, place, survey_id, close, success)


@_at_both_places("<int:survey_id>/delete/", post=True)
def survey_delete(request, place: Place, survey_id: int):
    then = place.url("survey_list")
    delete = services.survey_delete
    return _survey_action(request, place, survey_id, delete, _("The draft is deleted."), then)


# --- slips, results and files ------------------------------------------------------------------
def _start_file(request, place: Place, survey: Survey, *, kind: str, title: str, params: dict):
    generated = jobs.generated_file_start(
        kind=kind,
        title=title,
        user=request.user,
        permission=Perm.MANAGE_SURVEYS,
        school=place.school,
        district=place.district if place.school is None else None,
        params={"survey_id": survey.pk, **params},
    )
    audit_record(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        school=place.school,
        district=place.district if place.school is None else None,
        summary=title,
        request=request,
    )
    return generated_file_response(request, generated)


@_at_both_places("<int:survey_id>/slips/")
def survey_slips(request, place: Place, survey_id: int):
    """Print slips with codes (a survey answered by code), made by a job."""
    survey = survey_get_for_user(request, survey_id)
    form = SlipsForm(request.POST or None, survey=survey)
    usable = survey.mode == Survey.Mode.SLIPS and survey.status != Survey.Status.CLOSED
    if request.method == "POST" and usable and form.is_valid():
        school = form.cleaned_data.get("school")
        count = form.cleaned_data["count"]
        title = _("Survey slips: %(title)s") % {"title": survey.title}
        return _start_file(
            request,
            place,
            survey,
            kind="survey_slips",
            title=title,
            params={
                "count": count,
                "school_id": school.pk if school else None,
                "base_url": request.build_absolute_uri(reverse("surveys_public:code_entry")),
            },
        )
    return _survey_page(
        request,
        place,
        survey,
        "surveys/survey_slips.html",
        form=form,
        usable=usable,
        slips=selectors.slip_counts(survey),
    )


def _results_school(request, place: Place, survey: Survey) -> School | None:
    """The school whose answers the results show: on a school's page, the school's own answers
    to the district's survey; on the district's, the one chosen (``?school=<code>``), if any."""
    if survey.school_id is not None:
        return None
    if place.school is not None:
        return place.school
    code = (request.GET.get("school") or request.POST.get("school") or "")[:20]
    if not code:
        return None
    return School.objects.filter(district_id=survey.district_id, code=code).first()


@_at_both_places("<int:survey_id>/results/")
def survey_results(request, place: Place, survey_id: int):
    """The figures, the charts and the written answers. A district's survey: read as a whole
    with its answers per school, or one school's; on a school's page, that school's answers."""
    survey = survey_get_for_user(request, survey_id, read=True)
    school = _results_school(request, place, survey)
    results = selectors.survey_results(survey, school=school)
    schools = []
    if survey.school_id is None and place.school is None:
        schools = results.schools or selectors.school_rows(survey)
    for section in results.rating:
        section.chart = charts.section_chart(section)
    own = survey.school_id == (place.school.pk if place.school is not None else None)
    return _survey_page(
        request,
        place,
        survey,
        "surveys/survey_results.html",
        readonly=not own,
        results=results,
        schools=schools,
        chosen_school=school,
        downloads=[
            (place.url("survey_results_pdf", survey_id=survey.pk), _("PDF"), "results-pdf"),
            (place.url("survey_results_xlsx", survey_id=survey.pk), _("Excel"), "results-xlsx"),
        ],
    )


def _results_file(request, place: Place, survey_id: int, *, kind: str, title: str):
    survey = survey_get_for_user(request, survey_id, read=True)
    school = _results_school(request, place, survey)
    name = f"{title} {survey.title}"
    if school is not None:
        name = f"{name} ({school.name})"
    return _start_file(
        request,
        place,
        survey,
        kind=kind,
        title=name,
        params={"school_id": school.pk if school else None},
    )


@_at_both_places("<int:survey_id>/results/pdf/", post=True)
def survey_results_pdf(request, place: Place, survey_id: int):
    return _results_file(
        request, place, survey_id, kind="survey_results", title=_("Survey results")
    )


@_at_both_places("<int:survey_id>/results/xlsx/", post=True)
def survey_results_xlsx(request, place: Place, survey_id: int):
    return _results_file(
        request, place, survey_id, kind="survey_results_xlsx", title=_("Survey answers")
    )
