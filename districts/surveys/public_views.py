"""The pages people answer a survey on, without an account, under /survey/ (phone first).

- ``survey/<token>/``: the survey's link. A survey open to anyone with the link takes one answer
  per browser (a signed cookie says it answered) and at most ``SURVEY_ANSWER_LIMIT`` answers
  per address in ``SURVEY_ANSWER_WINDOW`` seconds (a whole school behind one address at a
  parents' meeting gets through; a script does not fill the results). A survey answered by
  code asks for the code printed on the slip (in the QR code's address as ``?code=``): each code
  answers once.
- ``survey/``: the box to type a slip's code; the code alone finds its survey.

A draft's link does not exist yet (404); a closed survey's says so. Wrong codes count against
the address like the screening slips' (``screening.links``: the same counter, so a guesser gets
no more tries by switching forms). Nothing here names anyone; the answers are anonymous.
"""

from __future__ import annotations

import contextlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from carecore.code_box import code_box_view, typed_code
from carecore.netaddr import client_ip
from carecore.thai import thai_order
from districts.surveys import selectors, services
from districts.surveys.access import survey_by_token
from districts.surveys.forms import AnswerForm
from districts.surveys.models import Survey, SurveySlip, slip_code_hash
from districts.surveys.routes import public_pages
from schools.models import School
from screening.links import link_throttle_blocked, link_throttle_failure
from students.family_models import SLIP_CODE_ALPHABET, SLIP_CODE_LENGTH
from students.family_services import slip_code_display, slip_code_normalise

COOKIE_SALT = "surveys.answered"
COOKIE_DAYS = 365


def _too_many(request, *, codes: bool):
    return render(request, "surveys/public/too_many.html", {"codes": codes}, status=429)


def _not_found(request):
    return render(request, "surveys/public/not_found.html", status=404)


def _code_well_formed(code: str) -> bool:
    return len(code) == SLIP_CODE_LENGTH and all(ch in SLIP_CODE_ALPHABET for ch in code)


def _slip_of(request, typed: str, page, survey: Survey | None = None):
    """The slip of a typed code (``survey``'s, or any published survey's), the code kept on it
    as ``slip.code`` (never stored), or the page that says why not: too many wrong codes from
    this address (429), a code not of the slips' form, or none such (404, counted against the
    address). ``page(error, status)`` draws the code box again. Returns (slip, page)."""
    if link_throttle_blocked(client_ip(request)):
        return None, _too_many(request, codes=True)
    code = slip_code_normalise(typed)
    if not _code_well_formed(code):
        return None, page(_code_error(), 200)
    slips = SurveySlip.objects.select_related("survey", "school").filter(
        code_hash=slip_code_hash(code)
    )
    slip = slips.filter(survey=survey).first() if survey else slips.first()
    if slip is None or slip.survey.is_draft:
        link_throttle_failure(client_ip(request))
        if survey is None:
            return None, page(_("No survey has this code. Check the slip and type it again."), 404)
        error = _("This survey has no slip with this code. Check the slip and type it again.")
        return None, page(error, 404)
    slip.code = code
    return slip, None


def _answer_url(survey: Survey, code: str = "") -> str:
    url = reverse("surveys_public:answer", kwargs={"token": survey.token})
    return f"{url}?{urlencode({'code': slip_code_display(code)})}" if code else url


# --- the code box ------------------------------------------------------------------------------
def _survey_of_code(request, typed: str, page):
    """A box to type the code from the slip; the code alone finds its survey."""
    slip, refused = _slip_of(request, typed, page)
    return refused or redirect(_answer_url(slip.survey, slip.code))


code_entry = public_pages("")(code_box_view("surveys/public/code_entry.html", _survey_of_code))


def _code_error() -> str:
    return _(
        "A code has 10 letters and digits, for example ABCDE-FGH23 (there is no 0, O, 1, I or "
        "L in a code). Check the slip and type it again."
    )


# --- the survey --------------------------------------------------------------------------------
def _schools(survey: Survey, slip: SurveySlip | None):
    """The schools to choose from, when the survey asks and the slip does not say (one
    query), else None."""
    if not survey.asks_school or (slip is not None and slip.school_id):
        return None
    return list(School.objects.filter(district_id=survey.district_id).order_by(thai_order("name")))


def answer_context(survey: Survey, *, slip: SurveySlip | None, data=None, code: str = "") -> dict:
    """What the answer page shows (the preview too): the survey, its place, the form, and the
    slip's code (kept in the form: it is what lets the answer in)."""
    form = AnswerForm(
        data, sections=selectors.survey_sections(survey), schools=_schools(survey, slip)
    )
    return {
        "survey": survey,
        "place_name": survey.school.name if survey.school_id else survey.district.name,
        "form": form,
        "slip": slip,
        "code": code,
    }


def _answered_cookie(survey: Survey) -> str:
    return f"survey_{survey.pk}"


def _already_answered(request, survey: Survey) -> bool:
    value = request.get_signed_cookie(_answered_cookie(survey), default="", salt=COOKIE_SALT)
    return value == survey.token


def _answer_limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "SURVEY_ANSWER_LIMIT", 150)),
        int(getattr(settings, "SURVEY_ANSWER_WINDOW", 600)),
    )


def _answer_key(survey: Survey, ip: str | None) -> str:
    """The counter of the survey's answers from ``ip`` in the current window (windows follow
    the clock: a counter is dropped when its window has passed)."""
    _limit, seconds = _answer_limits()
    return f"survey-answers:{survey.pk}:{ip or 'unknown'}:{int(time.time()) // seconds}"


def _answers_blocked(survey: Survey, ip: str | None) -> bool:
    limit, _seconds = _answer_limits()
    return (cache.get(_answer_key(survey, ip)) or 0) >= limit


def _answer_counted(survey: Survey, ip: str | None) -> None:
    key = _answer_key(survey, ip)
    cache.add(key, 0, _answer_limits()[1])
    # Gone at the window's end: the next window counts afresh.
    with contextlib.suppress(ValueError):
        cache.incr(key)


def _code_page(request, survey: Survey, *, typed: str = "", error: str = "", status: int = 200):
    return render(
        request,
        "surveys/public/survey_code.html",
        {"survey": survey, "typed": typed, "error": error},
        status=status,
    )


@public_pages("<str:token>/")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, token: str):
    survey = survey_by_token(token)
    if survey is None or survey.is_draft:
        return _not_found(request)
    if token != survey.token:
        query = request.GET.urlencode()
        url = reverse("surveys_public:answer", kwargs={"token": survey.token})
        return redirect(f"{url}?{query}" if query else url)
    if survey.status == Survey.Status.CLOSED:
        return render(request, "surveys/public/closed.html", {"survey": survey})

    ip = client_ip(request)
    slip = None
    if survey.mode == Survey.Mode.SLIPS:
        typed = typed_code(request, posted=True)
        if not typed.strip():
            return _code_page(request, survey)

        def page(error, status):
            return _code_page(request, survey, typed=typed, error=error, status=status)

        slip, refused = _slip_of(request, typed, page, survey)
        if refused:
            return refused
        if slip.used_at is not None:
            return render(request, "surveys/public/used.html", {"survey": survey})
    elif _already_answered(request, survey):
        return render(request, "surveys/public/used.html", {"survey": survey, "browser": True})

    data = request.POST if request.method == "POST" else None
    code = slip_code_display(slip.code) if slip is not None else ""
    context = answer_context(survey, slip=slip, data=data, code=code)
    form = context["form"]
    if data is None:
        return render(request, "surveys/public/answer.html", context)
    if slip is None and _answers_blocked(survey, ip):
        return _too_many(request, codes=False)
    if not form.is_valid():
        context["missing"] = form.missing()
        return render(request, "surveys/public/answer.html", context)
    try:
        services.response_save(
            survey=survey,
            values=form.values(),
            texts=form.texts(),
            school=form.school(),
            slip=slip,
        )
    except services.SlipUsed:
        return render(request, "surveys/public/used.html", {"survey": survey})
    response = redirect("surveys_public:thanks", token=survey.token)
    if slip is None:
        _answer_counted(survey, ip)
        response.set_signed_cookie(
            _answered_cookie(survey),
            survey.token,
            salt=COOKIE_SALT,
            max_age=COOKIE_DAYS * 24 * 3600,
            path=reverse("surveys_public:answer", kwargs={"token": survey.token}),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@public_pages("<str:token>/thanks/")
@never_cache
@require_http_methods(["GET", "HEAD"])
def thanks(request, token: str):
    survey = survey_by_token(token)
    if survey is None or survey.is_draft:
        return _not_found(request)
    return render(request, "surveys/public/thanks.html", {"survey": survey})
