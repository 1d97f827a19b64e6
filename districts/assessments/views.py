"""The self-assessment and evaluation pages (docs/district-work.md, "Self-assessment,
evaluation and awards").

- Under /d/<district>/assessments/: the district's staff (``Perm.VIEW_DISTRICT``) read the
  rounds, each round's schools with their means, each school's results with every rater's
  scores, and the awards; ``Perm.MANAGE_EVALUATION`` sets a round up (window, schools, rubric,
  raters, levels of the results), publishes it, releases the results, gives the awards and
  prints the certificates (PDF job).
- Under /s/<school>/assessments/: the school's director and coordinator (``Perm.SELF_ASSESS``)
  assess the school inside the window and read the results once released; a rater
  (``Perm.EVALUATE_SCHOOLS`` and named on the round with this school) scores it.
- Under /n/<network>/assessments/: a network supervisor's rounds to score.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care.activities.forms import attachment_content_type
from carecore import jobs
from carecore.access import Perm, district_view, network_view, school_view
from carecore.file_views import generated_file_response, private_file_response
from carecore.form_views import form_saved
from districts.assessments import selectors, services
from districts.assessments.access import (
    category_get_for_round,
    evidence_get_for_school,
    round_get_for_district,
    round_get_for_rater,
    round_get_for_school,
    round_school_get_for_district,
)
from districts.assessments.forms import (
    AwardsForm,
    CategoryForm,
    RaterForm,
    RoundForm,
    RubricForm,
    ScoreForm,
    SelfAssessmentForm,
)
from districts.assessments.models import (
    AssessmentRound,
    Evaluation,
    Rater,
    SelfAssessment,
)
from districts.assessments.routes import district_pages, network_pages, school_pages


def _round_url(request, round_, name="round") -> str:
    return reverse(
        f"assessments:{name}",
        kwargs={"district_code": request.district.code, "assessment_round_id": round_.pk},
    )


def _page(request, template, round_=None, **context):
    return render(
        request,
        f"assessments/{template}.html",
        {
            "district": request.district,
            "round": round_,
            "can_manage": Perm.MANAGE_EVALUATION in request.districtperms,
            **context,
        },
    )


def _again(form, message):
    """A stale form shown again with what was typed, at the current revision."""

    def show(current):
        data = form.data.copy()
        data["revision"] = current.revision
        form.data = data
        form.add_error(None, message)
        return None

    return show


# --- the district -------------------------------------------------------------------------------
@district_pages("", name="list")
@district_view(Perm.VIEW_DISTRICT)
def round_list(request):
    return _page(request, "round_list", rounds=selectors.rounds_of_district(request.district))


@district_pages("new/", name="create")
@district_view(Perm.MANAGE_EVALUATION)
def round_create(request):
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None,
        district=request.district,
        initial={"year": today.year + 543, "levels": 5},
    )
    saved = form_saved(
        request,
        form,
        lambda data: services.round_create(
            district=request.district,
            schools=data["schools"],
            user=request.user,
            **form.round_fields(),
        ),
        success=lambda r: (
            _("The round “%(title)s” is created. Write its rubric next.") % {"title": r.title}
        ),
        then=lambda r: _round_url(request, r, "rubric"),
    )
    return saved or _page(request, "round_form", form=form)


@district_pages("<int:assessment_round_id>/", name="round")
@district_view(Perm.VIEW_DISTRICT)
def round_detail(request, assessment_round_id):
    round_ = round_get_for_district(request, assessment_round_id)
    rows = selectors.round_schools(round_, rater_user=request.user)
    return _page(
        request,
        "round_detail",
        round_,
        rows=rows,
        indicators=list(round_.indicators.all()),
        raters=list(round_.raters.select_related("user").prefetch_related("schools")),
        submitted=sum(
            1
            for r in rows
            if r.assessment and r.assessment.status == SelfAssessment.Status.SUBMITTED
        ),
        can_rate=Perm.EVALUATE_SCHOOLS in request.districtperms,
    )


@district_pages("<int:assessment_round_id>/edit/", name="edit")
@district_view(Perm.MANAGE_EVALUATION)
def round_edit(request, assessment_round_id):
    round_ = round_get_for_district(request, assessment_round_id)
    form = RoundForm(request.POST or None, district=request.district, round_=round_)
    saved = form_saved(
        request,
        form,
        lambda data: services.round_update(
            round_=round_,
            revision=data.get("revision"),
            schools=data["schools"],
            **form.round_fields(),
        ),
        success=_("The round is saved."),
        then=_round_url(request, round_),
        on_stale=_again(
            form, _("Someone changed the round after you opened it. Check and save again.")
        ),
    )
    return saved or _page(request, "round_form", round_, form=form)


@district_pages("<int:assessment_round_id>/rubric/", name="rubric")
@district_view(Perm.MANAGE_EVALUATION)
def rubric_edit(request, assessment_round_id):
    round_ = round_get_for_district(request, assessment_round_id)
    form = RubricForm(request.POST or None, round_=round_, indicators=list(round_.indicators.all()))
    saved = form_saved(
        request,
        form,
        lambda data: services.rubric_save(
            round_=round_, rows=form.rows(), revision=data.get("revision")
        ),
        success=_("The rubric is saved."),
        then=_round_url(request, round_),
        on_stale=_again(
            form, _("Someone changed the round after you opened it. Check and save again.")
        ),
    )
    return saved or _page(request, "rubric_form", round_, form=form)


@district_pages("<int:assessment_round_id>/raters/", name="raters")
@district_view(Perm.MANAGE_EVALUATION)
def raters(request, assessment_round_id):
    """The evaluation committee's members with an account, and the schools given to each."""
    round_ = round_get_for_district(request, assessment_round_id)
    form = RaterForm(
        request.POST or None, eligible=services.rater_eligible(request.district), round_=round_
    )
    saved = form_saved(
        request,
        form,
        lambda data: services.rater_set(round_=round_, user=data["user"], schools=data["schools"]),
        success=lambda r: (
            _("%(name)s is on the evaluation committee.") % {"name": r.user.display_name}
        ),
        then=request.path,
    )
    return saved or _page(
        request,
        "raters",
        round_,
        form=form,
        raters=list(round_.raters.select_related("user").prefetch_related("schools")),
    )


@district_pages("<int:assessment_round_id>/raters/<int:assessment_rater_id>/remove/")
@district_view(Perm.MANAGE_EVALUATION)
@require_POST
def rater_remove(request, assessment_round_id, assessment_rater_id):
    round_ = round_get_for_district(request, assessment_round_id)
    if services.rater_remove(round_=round_, rater_id=assessment_rater_id):
        messages.success(request, _("The rater is taken off the round."))
    return redirect(_round_url(request, round_, "raters"))


def _step(request, assessment_round_id, step, success):
    round_ = round_get_for_district(request, assessment_round_id)
    try:
        step(round_=round_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(_round_url(request, round_))


@district_pages("<int:assessment_round_id>/publish/", name="publish")
@district_view(Perm.MANAGE_EVALUATION)
@require_POST
def round_publish(request, assessment_round_id):
    return _step(
        request,
        assessment_round_id,
        services.round_publish,
        _("The round is published: its schools assess themselves inside the window."),
    )


@district_pages("<int:assessment_round_id>/release/", name="release")
@district_view(Perm.MANAGE_EVALUATION)
@require_POST
def round_release(request, assessment_round_id):
    return _step(
        request,
        assessment_round_id,
        services.round_release,
        _("The results are released: each school reads its own."),
    )


@district_pages("<int:assessment_round_id>/schools/<school_code:school_code>/", name="school")
@district_view(Perm.VIEW_DISTRICT)
def school_results(request, assessment_round_id, school_code):
    """One school's self-assessment, each rater's scores, the means and the level."""
    round_ = round_get_for_district(request, assessment_round_id)
    school = round_school_get_for_district(request, round_, school_code)
    assessment = (
        SelfAssessment.objects.filter(round=round_, school=school)
        .prefetch_related("entries")
        .first()
    )
    return _page(
        request,
        "school_results",
        round_,
        school=school,
        assessment=assessment,
        results=selectors.results(round_, assessment),
        show_raters=True,
        can_score=Perm.EVALUATE_SCHOOLS in request.districtperms
        and school.pk in selectors.given_school_ids(round_, request.user),
    )


@district_pages("<int:assessment_round_id>/awards/", name="awards")
@district_view(Perm.VIEW_DISTRICT)
def awards(request, assessment_round_id):
    """The round's award categories, the schools offered each (their mean at or above its
    lowest) and those given it; a new category."""
    round_ = round_get_for_district(request, assessment_round_id)
    can_manage = Perm.MANAGE_EVALUATION in request.districtperms
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and not can_manage:
        raise Http404
    saved = form_saved(
        request,
        form,
        lambda data: services.category_create(
            round_=round_, title=data["title"], min_mean=data["min_mean"]
        ),
        success=_("The award is added."),
        then=request.path,
    )
    if saved:
        return saved
    rows = [r for r in selectors.round_schools(round_) if r.mean is not None]
    categories = []
    for category in round_.award_categories.prefetch_related("awards__school"):
        given = {a.school_id: a for a in category.awards.all()}
        offered = [
            (row, row.school.pk in given)
            for row in rows
            if category.min_mean is None or row.mean >= float(category.min_mean)
        ]
        categories.append((category, offered, list(given.values())))
    return _page(request, "awards", round_, form=form, categories=categories)


@district_pages("<int:assessment_round_id>/awards/<int:award_category_id>/", name="award_set")
@district_view(Perm.MANAGE_EVALUATION)
@require_POST
def award_set(request, assessment_round_id, award_category_id):
    round_ = round_get_for_district(request, assessment_round_id)
    category = category_get_for_round(round_, award_category_id)
    form = AwardsForm(request.POST, round_=round_)
    if not form.is_valid():
        messages.error(request, _("Choose schools of the round."))
        return redirect(_round_url(request, round_, "awards"))
    levels = {r.school.pk: r.band for r in selectors.round_schools(round_)}
    try:
        n = services.awards_set(
            category=category,
            schools=form.cleaned_data["schools"],
            levels=levels,
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("“%(title)s”: %(n)s schools.") % {"title": category.title, "n": n}
        )
    return redirect(_round_url(request, round_, "awards"))


@district_pages(
    "<int:assessment_round_id>/awards/<int:award_category_id>/certificates/", name="certificates"
)
@district_view(Perm.MANAGE_EVALUATION)
@require_POST
def certificates(request, assessment_round_id, award_category_id):
    """The category's certificates (เกียรติบัตร) as PDF, one A4 landscape page per school, for
    the signer's signature (a job: the page shows its progress)."""
    round_ = round_get_for_district(request, assessment_round_id)
    category = category_get_for_round(round_, award_category_id)
    generated = jobs.generated_file_start(
        kind="assessment_certificates",
        title=f"{_('Certificates')} {category.title}",
        user=request.user,
        permission=Perm.MANAGE_EVALUATION,
        district=request.district,
        params={"round_id": round_.pk, "category_id": category.pk},
    )
    return generated_file_response(request, generated)


# --- the school ---------------------------------------------------------------------------------
@school_pages("", name="list")
@school_view(Perm.SELF_ASSESS)
def school_list(request):
    rounds = list(
        AssessmentRound.objects.filter(schools=request.school)
        .exclude(status=AssessmentRound.Status.DRAFT)
        .order_by("-year", "-opens_on")
    )
    assessments = {
        a.round_id: a
        for a in SelfAssessment.objects.filter(school=request.school, round__in=rounds)
    }
    rows = [(r, assessments.get(r.pk)) for r in rounds]
    return render(
        request,
        "assessments/school_list.html",
        {"school": request.school, "rows": rows, "today": timezone.localdate()},
    )


@school_pages("<int:assessment_round_id>/", name="assessment")
@school_view(Perm.SELF_ASSESS)
def school_assessment(request, assessment_round_id):
    """The school's self-assessment: written and submitted inside the window; then read, with
    the results once the district releases them."""
    round_ = round_get_for_school(request, assessment_round_id)
    assessment = (
        SelfAssessment.objects.filter(round=round_, school=request.school)
        .prefetch_related("entries")
        .first()
    )
    indicators = list(round_.indicators.all())
    refusal = services.window_refusal(round_, timezone.localdate())
    editable = refusal is None and (
        assessment is None or assessment.status == SelfAssessment.Status.DRAFT
    )
    form = None
    if editable or request.method == "POST":
        posted = request.method == "POST"
        form = SelfAssessmentForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            round_=round_,
            indicators=indicators,
            assessment=assessment,
        )
        submit = posted and "submit" in request.POST
        saved = form_saved(
            request,
            form,
            lambda data: services.assessment_save(
                round_=round_,
                school=request.school,
                entries=form.entries(),
                user=request.user,
                submit=submit,
                revision=data.get("revision"),
            ),
            success=(
                _("The self-assessment is submitted to the district office.")
                if submit
                else _("The self-assessment is saved. Submit it before the window closes.")
            ),
            then=request.path,
            on_stale=_again(
                form,
                _("Someone saved the self-assessment after you opened it. Check and save again."),
            ),
        )
        if saved:
            return saved
    released = round_.status == AssessmentRound.Status.RELEASED
    return render(
        request,
        "assessments/school_assessment.html",
        {
            "school": request.school,
            "round": round_,
            "assessment": assessment,
            "form": form,
            "refusal": refusal if assessment is None or assessment.status == "draft" else None,
            "results": selectors.results(round_, assessment) if released or not form else None,
            "released": released,
            "awards": list(
                request.school.assessment_awards.filter(category__round=round_).select_related(
                    "category"
                )
            )
            if released
            else [],
        },
    )


@school_pages("<int:assessment_round_id>/evidence/<int:self_entry_id>/", name="evidence")
@school_view()
def evidence(request, assessment_round_id, self_entry_id):
    """An evidence file, only through here (no public address)."""
    round_ = round_get_for_school(request, assessment_round_id)
    entry = evidence_get_for_school(request, round_, self_entry_id)
    return private_file_response(
        entry.file,
        filename=entry.file_name or entry.file.name.rsplit("/", 1)[-1],
        content_type=attachment_content_type(entry.file.name),
    )


@school_pages("<int:assessment_round_id>/score/", name="score")
@school_view(Perm.EVALUATE_SCHOOLS)
def score(request, assessment_round_id):
    """A rater scores the school's submitted self-assessment: a level and a comment per
    indicator, beside what the school wrote."""
    round_ = round_get_for_rater(request, assessment_round_id)
    assessment = (
        SelfAssessment.objects.filter(
            round=round_, school=request.school, status=SelfAssessment.Status.SUBMITTED
        )
        .prefetch_related("entries")
        .first()
    )
    evaluation = (
        Evaluation.objects.filter(assessment=assessment, rater=request.user)
        .prefetch_related("scores")
        .first()
        if assessment
        else None
    )
    indicators = list(round_.indicators.all())
    open_ = assessment is not None and round_.status == AssessmentRound.Status.PUBLISHED
    form = ScoreForm(
        request.POST if open_ and request.method == "POST" else None,
        round_=round_,
        indicators=indicators,
        evaluation=evaluation,
    )
    done = request.method == "POST" and "done" in request.POST
    if open_:
        saved = form_saved(
            request,
            form,
            lambda data: services.evaluation_save(
                assessment=assessment,
                rater=request.user,
                scores=form.scores(),
                comment=data["comment"],
                done=done,
                revision=data.get("revision"),
            ),
            success=(
                _("Your scores of %(school)s are done and count in the mean.")
                if done
                else _("Your scores of %(school)s are saved as a draft.")
            )
            % {"school": request.school.name},
            then=request.path,
            on_stale=_again(
                form, _("Your scores were saved in another window. Check and save again.")
            ),
        )
        if saved:
            return saved
    entries = {e.indicator_id: e for e in assessment.entries.all()} if assessment else {}
    fields = form.level_fields()
    blocks = [(i, entries.get(i.pk), *fields[i.pk]) for i in indicators]
    return render(
        request,
        "assessments/score.html",
        {
            "school": request.school,
            "round": round_,
            "assessment": assessment,
            "evaluation": evaluation,
            "form": form,
            "blocks": blocks,
            "open": open_,
        },
    )


# --- a network's raters -------------------------------------------------------------------------
@network_pages("", name="list")
@network_view(Perm.EVALUATE_SCHOOLS)
def network_list(request):
    """The published rounds the user scores in, with the network's schools given to them."""
    raters_ = list(
        Rater.objects.filter(user=request.user, round__district=request.network.district_id)
        .exclude(round__status=AssessmentRound.Status.DRAFT)
        .select_related("round")
        .order_by("-round__year", "-round__opens_on")
    )
    rounds = []
    for rater in raters_:
        given = selectors.given_school_ids(rater.round, request.user)
        rows = [
            row
            for row in selectors.round_schools(rater.round)
            if row.school.pk in given and row.school.network_id == request.network.pk
        ]
        rounds.append((rater.round, rows))
    return render(
        request,
        "assessments/network_list.html",
        {"network": request.network, "rounds": rounds},
    )
