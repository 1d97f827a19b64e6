"""The pages parents and students reach without an account, under /f/.

A code from the slip (typed, or in the QR code's address) opens exactly one form: one student,
one term, one rater. Nothing else can be reached from here: no other form of the student, no
other student, no results. Every lookup goes through ``carecore.access.form_link_get``; an
address that keeps trying wrong codes is stopped for a while (screening.links). The pages run
inside ``scope(school=...)`` of the link's student's school.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_scopes import scope

from carecore.audit import _client_ip, audit_record
from carecore.code_box import code_box_view
from carecore.models import AuditEvent
from screening import scoring
from screening.access import form_link_get
from screening.forms import EqForm, SdqForm
from screening.instrument_text import item_text
from screening.labels import IMPACT_FIELD_LABELS
from screening.links import (
    WindowState,
    code_display,
    code_is_well_formed,
    code_normalise,
    link_enrolment,
    link_raters_for_student,
    link_throttle_blocked,
    link_throttle_failure,
    screening_window_get,
    window_state,
)
from screening.models import EqResponse, FormLink, Rater, SdqResponse, Source, Status
from screening.routes import public_pages
from screening.services import StaleForm, eq_response_save, sdq_response_save


# --- the code box ------------------------------------------------------------------------------
def _too_many(request):
    return render(request, "screening/public/too_many.html", status=429)


def _not_found(request, typed: str = ""):
    return render(request, "screening/public/not_found.html", {"typed": typed}, status=404)


def _link_of_code(request, typed: str, page):
    """A box to type the code from the slip; any case, spaces or dashes."""
    ip = _client_ip(request)
    if link_throttle_blocked(ip):
        return _too_many(request)
    code = code_normalise(typed)
    if not code_is_well_formed(code):
        return page(
            _(
                "A code has 8 letters and digits, for example ABCD-EFGH (there is no 0, O, 1, I "
                "or L in a code). Check the slip and type it again."
            )
        )
    try:
        form_link_get(code)
    except Http404:
        link_throttle_failure(ip)
        return _not_found(request, typed)
    return redirect("screening_public:link_form", code=code)


code_entry = public_pages("")(code_box_view("screening/public/code_entry.html", _link_of_code))


def _public_link(view):
    """Look the code up (404 page and a counted failure when unknown), send a code typed in
    another form to its canonical address, and run the view in the link's school scope."""

    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        ip = _client_ip(request)
        if link_throttle_blocked(ip):
            return _too_many(request)
        normalised = code_normalise(code)
        if not code_is_well_formed(normalised):
            return _not_found(request, code[:40])
        try:
            link = form_link_get(normalised)
        except Http404:
            link_throttle_failure(ip)
            return _not_found(request, code[:40])
        if code != normalised:
            return redirect(request.resolver_match.view_name, code=normalised)
        with scope(school=link.student.school_id):
            return view(request, link, *args, **kwargs)

    return wrapped


# --- the form ----------------------------------------------------------------------------------
def _base_context(link: FormLink) -> dict:
    """Who the form is about, as little as a parent needs to recognise their child: the school,
    the first name and the classroom. No surname, no ID."""
    enrolment = link_enrolment(link)
    window = screening_window_get(school=link.student.school, term=link.term)
    return {
        "link": link,
        "code": code_display(link.code),
        "school": link.student.school,
        "first_name": link.student.first_name,
        "classroom": enrolment.classroom if enrolment else None,
        "term": link.term,
        "rater": link.rater,
        "is_parent": link.rater == Rater.PARENT,
        "window": window,
        "state": window_state(window),
        # A code printed before the self-report went by age still opens, but not the form.
        "applies": link.rater
        in link_raters_for_student(
            student=link.student,
            grade=enrolment.classroom.grade if enrolment else None,
            term=link.term,
        ),
    }


def _gate(context, request):
    """The page to show instead of the form when it cannot be filled now, else None."""
    if context["state"] != WindowState.OPEN:
        return render(request, "screening/public/closed.html", context)
    if not context["applies"]:
        return render(request, "screening/public/not_needed.html", context)
    return None


def _fillable(view):
    """A page of the form itself: the window open and the form meant for this child (else the
    page that says why), the view given the page's context."""

    @wraps(view)
    def wrapped(request, link: FormLink, *args, **kwargs):
        context = _base_context(link)
        closed = _gate(context, request)
        if closed is not None:
            return closed
        return view(request, link, context, *args, **kwargs)

    return wrapped


def _form_page(*methods: str):
    """A page of one form, by its code: never cached, answering ``methods`` only, the code
    looked up (``_public_link``) and the form fillable now (``_fillable``)."""

    def decorate(view):
        return never_cache(require_http_methods(list(methods))(_public_link(_fillable(view))))

    return decorate


def _link_sdq(link: FormLink) -> SdqResponse | None:
    """The SDQ form of the link's student, term and rater, if one is saved."""
    return SdqResponse.objects.filter(
        student=link.student, term=link.term, rater=link.rater
    ).first()


def _sdq_form(link: FormLink, *args, **kwargs) -> SdqForm:
    def text(number):
        return item_text("sdq", link.rater, number)

    form = SdqForm(*args, rater=link.rater, item_text=text, **kwargs)
    for name in form.impact_names:
        wording = item_text("sdq", link.rater, name)
        if wording:
            form.fields[f"impact_{name}"].label = wording
    form.has_item_text = any(item_text("sdq", link.rater, n) for n in (1, 25))
    return form


def _missing(answers, impact: dict, impact_names) -> tuple[list[int], list[str]]:
    """Items not yet answered, and impact questions not yet answered: the question about
    difficulties always, the others when the answer to it is yes."""
    items = [n for n, value in enumerate(answers, start=1) if value is None]
    gate = impact.get("difficulties")
    if gate is None:
        questions = ["difficulties"]
    elif gate == 0:
        questions = []
    else:
        questions = [n for n in impact_names if n != "difficulties" and impact.get(n) is None]
    return items, questions


def _sdq_link_summary(link: FormLink, *, draft: bool) -> str:
    if link.rater == Rater.PARENT:
        return (
            _("SDQ parent form saved as a draft through the parent's link")
            if draft
            else _("SDQ parent form sent through the parent's link")
        )
    return (
        _("SDQ self-report saved as a draft through the student's link")
        if draft
        else _("SDQ self-report sent through the student's link")
    )


def _link_saved(request, link: FormLink, response, summary: str) -> None:
    """A form saved through the link: when the link was last used, and the audit row (nobody
    signed in; the link's student)."""
    FormLink.objects.filter(pk=link.pk).update(last_used=timezone.now())
    audit_record(
        action=AuditEvent.Action.CHANGE,
        user=None,
        school=link.student.school,
        student=link.student,
        obj=response,
        summary=summary,
        request=request,
    )


def _render_form(request, context, form, *, missing=((), ()), status=200):
    items, questions = missing
    context = {
        **context,
        "form": form,
        "missing_items": list(items),
        "missing_questions": [IMPACT_FIELD_LABELS.get(q, q) for q in questions],
        "missing_question_codes": list(questions),
    }
    return render(request, "screening/public/form.html", context, status=status)


def _stale(request, context, current, fresh_form, render_page):
    """Someone saved the form after this person opened it: the newest answers, to check."""
    messages.warning(
        request,
        _(
            "Someone saved this form after you opened it (perhaps on another phone). The "
            "answers below are the newest ones: check them, then save or send again."
        ),
    )
    context["response"] = current
    return render_page(request, context, fresh_form, status=409)


def _link_form_saved(
    request, link, context, saved, summary, *, complete, page, form_for, render_page, missing
):
    """After a save through the link (``_link_saved``): a form sent complete goes to the
    thank-you page; a draft goes back to ``page`` with a message; a form sent with questions
    left shows again, its answers kept (saved as they are) and what is missing listed."""
    _link_saved(request, link, saved, summary)
    if complete:
        return redirect("screening_public:link_done", code=link.code)
    if "send" not in request.POST:
        messages.success(
            request,
            _(
                "Your answers are saved. Come back with the same code to finish the form "
                "before the form closes."
            ),
        )
        return redirect(page, code=link.code)
    data = request.POST.copy()
    data["revision"] = str(saved.revision)
    context["response"] = saved
    form = form_for(data)
    form.is_valid()
    return render_page(request, context, form, missing=missing)


@public_pages("<str:code>/")
@_form_page("GET", "HEAD", "POST")
def link_form(request, link: FormLink, context: dict):
    """The parent's or the student's SDQ form: save a draft and come back later, or send it.
    While the window is open it can be corrected after sending."""
    current = _link_sdq(link)
    context["response"] = current
    if request.method != "POST":
        initial = SdqForm.initial_from(current) or {"revision": 0}
        return _render_form(request, context, _sdq_form(link, initial=initial))

    form = _sdq_form(link, request.POST)
    if not form.is_valid():
        return _render_form(request, context, form)
    answers, impact = form.answers(), form.impact()
    sending = "send" in request.POST
    revision = form.cleaned_data.get("revision") or 0
    if current is None and all(v is None for v in [*answers, *impact.values()]):
        # Nothing chosen yet: no empty draft for the teacher to wonder about.
        messages.info(request, _("Nothing is chosen yet, so there is nothing to save."))
        return redirect("screening_public:link_form", code=link.code)
    try:
        saved = sdq_response_save(
            student=link.student,
            term=link.term,
            rater=link.rater,
            answers=answers,
            impact=impact,
            user=None,
            source=Source.LINK,
            revision=revision,
        )
    except StaleForm as stale:
        fresh = _sdq_form(link, initial=SdqForm.initial_from(stale.current))
        return _stale(request, context, stale.current, fresh, _render_form)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_form(request, context, form)

    missing = _missing(answers, impact, form.impact_names)
    complete = sending and not missing[0] and not missing[1]
    return _link_form_saved(
        request,
        link,
        context,
        saved,
        _sdq_link_summary(link, draft=not complete),
        complete=complete,
        page="screening_public:link_form",
        form_for=lambda data: _sdq_form(link, data),
        render_page=_render_form,
        missing=missing,
    )


@public_pages("<str:code>/thanks/")
@_form_page("GET", "HEAD")
def link_done(request, link: FormLink, context: dict):
    """Thank you; the form can still be corrected while the window is open."""
    response = _link_sdq(link)
    if response is None or response.status != Status.COMPLETE:
        return redirect("screening_public:link_form", code=link.code)
    context["response"] = response
    context["form_url"] = reverse("screening_public:link_form", kwargs={"code": link.code})
    if _eq_instrument(link):
        context["eq_url"] = reverse("screening_public:link_eq", kwargs={"code": link.code})
        context["eq_response"] = EqResponse.objects.filter(
            student=link.student, term=link.term, instrument=EqResponse.Instrument.EQ12
        ).first()
    return render(request, "screening/public/done.html", context)


# --- the EQ self-report, after the SDQ (ages 12–17) -------------------------------------------
def _eq_instrument(link: FormLink) -> str | None:
    """The student's link also offers the EQ self-report when the student is 12 to 17 at the
    start of the term (as on the teacher's page); the parent's link never does."""
    if link.rater != Rater.STUDENT:
        return None
    instrument = scoring.eq_instrument_for_age(link.student.age_on(link.term.start))
    return instrument if instrument == EqResponse.Instrument.EQ12 else None


def _eq_form(*args, **kwargs) -> EqForm:
    texts = {n: item_text("eq12", None, n) for n in range(1, 53)}
    form = EqForm(*args, count=52, item_text=texts.get, **kwargs)
    form.has_item_text = any(texts.values())
    form.item_list = [(n, form[f"q{n}"], texts[n]) for n in range(1, 53)]
    return form


def _render_eq(request, context, form, *, missing=(), status=200):
    context = {**context, "form": form, "missing_items": list(missing)}
    return render(request, "screening/public/eq.html", context, status=status)


@public_pages("<str:code>/eq/")
@_form_page("GET", "HEAD", "POST")
def link_eq(request, link: FormLink, context: dict):
    """The EQ self-report (52 items), offered on the thank-you page of a student aged 12 to 17.
    Saved like the SDQ: drafts, sending, missing items listed, a newer save never overwritten."""
    if _eq_instrument(link) is None:
        return redirect("screening_public:link_form", code=link.code)
    instrument = EqResponse.Instrument.EQ12
    current = EqResponse.objects.filter(
        student=link.student, term=link.term, instrument=instrument
    ).first()
    context["response"] = current
    if request.method != "POST":
        initial = EqForm.initial_from(current) or {"revision": 0}
        return _render_eq(request, context, _eq_form(initial=initial))
    form = _eq_form(request.POST)
    if not form.is_valid():
        return _render_eq(request, context, form)
    answers = form.answers()
    sending = "send" in request.POST
    try:
        saved = eq_response_save(
            student=link.student,
            term=link.term,
            instrument=instrument,
            rater=Rater.STUDENT,
            answers=answers,
            user=None,
            source=Source.LINK,
            revision=form.cleaned_data.get("revision") or 0,
        )
    except StaleForm as stale:
        fresh = _eq_form(initial=EqForm.initial_from(stale.current))
        return _stale(request, context, stale.current, fresh, _render_eq)
    except ValidationError as error:
        form.add_error(None, error)
        return _render_eq(request, context, form)
    missing = [n for n, value in enumerate(answers, start=1) if value is None]
    complete = sending and not missing
    summary = (
        _("EQ self-report sent through the student's link")
        if complete
        else _("EQ self-report saved as a draft through the student's link")
    )
    if complete:
        messages.success(request, _("Your EQ answers have reached the school. Thank you."))
    return _link_form_saved(
        request,
        link,
        context,
        saved,
        summary,
        complete=complete,
        page="screening_public:link_eq",
        form_for=_eq_form,
        render_page=_render_eq,
        missing=missing,
    )
