"""Pages of dropout and out-of-school cases.

District (``/d/<code>/cases/``, Perm.WORK_DROPOUT_CASES: district supervisors and
administrators): the list with its figures, a new case, one case and everything done to it, and
the deadlines (Perm.MANAGE_CASE_SETTINGS: the district administrator).

School (``/s/<code>/cases/``, Perm.OPEN_DROPOUT_CASE: coordinator, director, counsellor): the
school's cases, a report from a student's page, one case, notes and observations; the case's
owner (a coordinator given the case) also moves it along.

The actions on a case are one function each, reached from both places; the access layer
(carecore.access.dropout_case_get_for_user) decides. A refused form shows the case again with
what was typed. Every view of a case writes an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope

from attendance.selectors import flag_case_text
from carecore.access import Perm, district_view, school_view
from carecore.audit import audit_record, audit_row
from carecore.form_views import form_saved, student_form_page
from carecore.models import AuditEvent
from carecore.national_id import mask_national_id
from dropouts import selectors, services
from dropouts.access import (
    can_work_dropout_case,
    dropout_case_get_for_user,
    dropout_cases_for_user,
)
from dropouts.forms import (
    AdvanceForm,
    CaseSettingsForm,
    CloseForm,
    DistrictCaseForm,
    NoteForm,
    ObservationForm,
    OwnerForm,
    RoundForm,
    SchoolReportForm,
    TeamMemberForm,
)
from dropouts.models import (
    ROUND_AGAIN_FROM,
    STEP_ORDER,
    Cause,
    DropoutCase,
    ReporterKind,
    Situation,
    Step,
)
from dropouts.routes import district_pages, pages
from schools.models import School
from students.access import student_get_for_user
from students.extensions import form_prefill
from students.models import Student

TEAM_ROLES = [
    "กำนัน/ผู้ใหญ่บ้าน",
    "รพ.สต.",
    "โรงพยาบาล",
    "พมจ. (สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด)",
    "อบต./เทศบาล",
    "ครูประจำชั้น",
    "ครูแนะแนว",
    "สกร. (การศึกษานอกระบบ)",
    "ตำรวจ",
]


# --- places ------------------------------------------------------------------------------------
def _is_district(request) -> bool:
    return getattr(request, "district", None) is not None and hasattr(request, "districtperms")


def _ns(request) -> str:
    return "dropouts_district" if _is_district(request) else "dropouts"


def _place_kwargs(request) -> dict:
    if _is_district(request):
        return {"district_code": request.district.code}
    return {"school_code": request.school.code}


def _case_url(request, case, name: str = "case_detail") -> str:
    return reverse(f"{_ns(request)}:{name}", kwargs={**_place_kwargs(request), "case_id": case.pk})


def _cases_scope(view):
    """``view`` inside the scope of the cases of the request's district (a school page: of the
    school's district)."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        district_id = request.district.pk if _is_district(request) else request.school.district_id
        with scope(district=district_id):
            return view(request, *args, **kwargs)

    return inner


def district_cases(permission: str = Perm.WORK_DROPOUT_CASES):
    """A district page of dropout cases: ``district_view`` plus the cases' district scope."""
    return lambda view: district_view(permission)(_cases_scope(view))


def school_cases(permission: str = Perm.FOLLOW_DROPOUT_CASES):
    """A school page of dropout cases: ``school_view`` (by default for those who follow the
    school's cases) plus the cases' district scope."""
    return lambda view: school_view(permission)(_cases_scope(view))


def _case_action(fn, *, work: bool, post: bool = True):
    """``fn(request, case)`` reachable from the district and the school; returns the pair of
    views. A case the user may not see answers 404 (so a school page needs only VIEW_SCHOOL);
    ``work``: moving it along (403)."""

    @wraps(fn)
    def body(request, case_id):
        return fn(request, dropout_case_get_for_user(request, case_id, work=work))

    if post:
        body = require_POST(body)
    return district_cases()(body), school_cases(Perm.VIEW_SCHOOL)(body)


# --- one case ----------------------------------------------------------------------------------
def _audit_view(request, case, summary: str) -> None:
    audit_row(
        case,
        summary % {"case": services.case_audit_name(case)},
        user=request.user,
        request=request,
        action=AuditEvent.Action.VIEW,
        district=case.district,
    )


def _progress(case: DropoutCase) -> list[dict]:
    labels = dict(Step.choices)
    index = case.step_index
    return [
        {
            "step": step,
            "label": labels[step],
            "state": "done" if i < index else "current" if i == index else "todo",
        }
        for i, step in enumerate(STEP_ORDER)
    ]


def _forms(request, case, bound: dict | None = None) -> dict:
    bound = bound or {}
    initial = {"revision": case.revision}
    forms = {
        "advance": AdvanceForm(prefix="advance", initial=initial, steps=services.next_steps(case)),
        "round": RoundForm(prefix="round", initial=initial),
        "observe": ObservationForm(prefix="observe", initial=initial),
        "close": CloseForm(prefix="close", initial=initial),
        "note": NoteForm(prefix="note"),
        "team": TeamMemberForm(prefix="team"),
    }
    if _is_district(request):
        forms["owner"] = OwnerForm(
            prefix="owner",
            initial={**initial, "owner": case.owner_id},
            candidates=services.owner_candidates(case),
        )
    forms.update(bound)
    return forms


def _render_case(request, case, *, bound: dict | None = None, stale: bool = False):
    today = timezone.localdate()
    detail = selectors.case_detail(case)
    can_work = can_work_dropout_case(request, case)
    names = [a for a in ACTIONS if a != "owner" or _is_district(request)]
    urls = {name: _case_url(request, case, f"case_{name}") for name in names}
    urls["detail"] = _case_url(request, case)
    causes = dict(Cause.choices)
    return render(
        request,
        "dropouts/case_detail.html",
        {
            "case": case,
            "detail": detail,
            "district": case.district,
            "school": getattr(request, "school", None),
            "in_district": _is_district(request),
            "list_url": reverse(f"{_ns(request)}:case_list", kwargs=_place_kwargs(request)),
            "urls": urls,
            "forms": _forms(request, case, bound),
            "progress": _progress(case),
            "causes": [causes[c] for c in case.causes if c in causes],
            "can_work": can_work and case.is_open,
            "can_round": case.step in ROUND_AGAIN_FROM,
            "can_advance": bool(services.next_steps(case)),
            "is_late": case.is_late_on(today),
            "age": _age(case, today),
            "masked_id": mask_national_id(case.national_id) if case.national_id else "",
            "stale": stale,
            "team_roles": TEAM_ROLES,
            "today": today,
        },
    )


def _age(case, today):
    birth = case.student.birth_date if case.student_id else case.birth_date
    if not birth:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _detail(request, case):
    _audit_view(request, case, _("Viewed %(case)s"))
    return _render_case(request, case)


def _stale(request, name: str, form, current: DropoutCase):
    """Someone changed the case meanwhile: show it as it is now, with what was typed (its
    revision updated, so sending again applies it to the current case)."""
    messages.warning(
        request,
        _(
            "Someone changed this case while you were writing. It is shown as it is now; "
            "check your entry below and send it again."
        ),
    )
    current = dropout_case_get_for_user(request, current.pk)
    data = request.POST.copy()
    data[f"{name}-revision"] = current.revision
    rebound = type(form)(data, prefix=name, **_form_extra(request, current, name))
    rebound.is_valid()
    return _render_case(request, current, bound={name: rebound}, stale=True)


def _form_extra(request, case, name: str) -> dict:
    if name == "advance":
        return {"steps": services.next_steps(case)}
    if name == "owner":
        return {"candidates": services.owner_candidates(case)}
    return {}


@dataclass(frozen=True)
class _Action:
    """An action on a case, from its page: the form (prefixed with the action's name; its
    ``success`` is the message), the service it calls with the form's values; ``work``: moving
    the case along (its owner and the district's staff; others who see it: 403)."""

    form: type
    service: Callable
    work: bool


ACTIONS = {
    "advance": _Action(AdvanceForm, services.case_advance, work=True),
    "round": _Action(RoundForm, services.case_round_again, work=True),
    "observe": _Action(ObservationForm, services.case_observation_record, work=False),
    "close": _Action(CloseForm, services.case_close, work=True),
    "note": _Action(NoteForm, services.case_note_add, work=False),
    "team": _Action(TeamMemberForm, services.case_team_member_add, work=True),
    # The district's page alone gives a case its owner.
    "owner": _Action(OwnerForm, services.case_owner_set, work=True),
}


def _act(request, case, name: str):
    """The common path of an action: validate, call the service, redirect to the case; on a
    refusal show the case with the form as typed."""
    action = ACTIONS[name]
    form = action.form(request.POST, prefix=name, **_form_extra(request, case, name))
    posted = request.POST.get(f"{name}-revision") or ""
    if "revision" in form.fields and posted.isdigit() and int(posted) != case.revision:
        # The page was opened before someone else's change: its choices may be gone too.
        return _stale(request, name, form, case)
    saved = form_saved(
        request,
        form,
        lambda data: action.service(case=case, user=request.user, request=request, **data),
        success=action.form.success,
        then=_case_url(request, case) + f"#{name}",
        on_stale=lambda current: _stale(request, name, form, current),
    )
    return saved or _render_case(request, case, bound={name: form})


def _action_views(name: str):
    """The district's and the school's view of the action ``name``."""

    def act(request, case):
        return _act(request, case, name)

    act.__name__ = act.__qualname__ = f"case_{name}"
    return _case_action(act, work=ACTIONS[name].work)


# The pages of one case, each a pair: (the district's view, the school's view).
CASE_VIEWS = {
    "detail": _case_action(_detail, work=False, post=False),
    **{name: _action_views(name) for name in ACTIONS},
}


def _place_case_pages() -> None:
    """A case's page and one per action, at the district and at the school (giving the case an
    owner is the district's alone)."""
    for name, (at_district, at_school) in CASE_VIEWS.items():
        route = "<int:case_id>/" if name == "detail" else f"<int:case_id>/{name}/"
        district_pages(route, name=f"case_{name}")(at_district)
        if name != "owner":
            pages(route, name=f"case_{name}")(at_school)


_place_case_pages()


# --- lists -------------------------------------------------------------------------------------
def _case_list(request, *, schools):
    cases = dropout_cases_for_user(request)
    filters = selectors.CaseFilters.from_request(request.GET, school_ids=[s.pk for s in schools])
    listing = selectors.case_list(cases, filters=filters, page=request.GET.get("page") or 1)
    figures = selectors.case_figures(cases)
    in_district = _is_district(request)
    audit_record(
        action=AuditEvent.Action.VIEW,
        user=request.user,
        school=None if in_district else request.school,
        district=request.district if in_district else request.school.district,
        summary=_("Viewed the list of dropout cases"),
        request=request,
    )
    return render(
        request,
        "dropouts/case_list.html",
        {
            "in_district": in_district,
            "district": request.district if in_district else request.school.district,
            "school": None if in_district else request.school,
            "ns": _ns(request),
            "place": _place_kwargs(request),
            "rows": listing.rows,
            "page_obj": listing.page,
            "filters": filters,
            "figures": figures,
            "schools": schools,
            "steps": Step.choices,
            "situations": Situation.choices,
            "today": timezone.localdate(),
            "can_manage_settings": in_district
            and Perm.MANAGE_CASE_SETTINGS in request.districtperms,
        },
    )


@district_pages("", name="case_list")
@district_cases()
def district_case_list(request):
    schools = list(School.objects.filter(district=request.district).order_by("name"))
    return _case_list(request, schools=schools)


@pages("", name="case_list")
@school_cases()
def school_case_list(request):
    return _case_list(request, schools=[])


# --- opening -----------------------------------------------------------------------------------
def _search(request, district, query: str) -> list[Student]:
    """Students of the district matching the query; the search is in the audit log (it shows
    children's names to district staff)."""
    if not query:
        return []
    audit_record(
        action=AuditEvent.Action.VIEW,
        user=request.user,
        district=district,
        summary=_("Searched students for a dropout case: %(q)s") % {"q": query[:50]},
        request=request,
    )
    return selectors.student_search(district=district, q=query)


@district_pages("new/", name="case_create")
@district_cases()
def district_case_create(request):
    district = request.district
    schools = list(School.objects.filter(district=district).order_by("name"))
    owners = services.district_staff(district)
    form = DistrictCaseForm(
        request.POST or None,
        schools=schools,
        owners=owners,
        initial={"owner": request.user.pk if request.user in owners else None},
    )
    found: list[Student] = []
    query = (request.POST.get("q") or "").strip()
    student_id = request.POST.get("student") or ""
    chosen = None
    if student_id.isdigit() and len(student_id) < 18:
        chosen = (
            Student.objects.filter(school__district=district, pk=int(student_id))
            .select_related("school")
            .first()
        )

    def save(data):
        is_student = data["kind"] == DistrictCaseForm.KIND_STUDENT
        if is_student and chosen is None:
            found.extend(_search(request, district, query))
            raise ValidationError({"q": _("Find the student and choose them in the list.")})
        return services.case_open(
            district=district,
            student=chosen if is_student else None,
            child=None if is_student else form.child(),
            school=None if is_student else data["school"],
            user=request.user,
            request=request,
            **form.facts(),
        )

    if "find" in request.POST:
        found = _search(request, district, query)
    elif saved := form_saved(
        request,
        form,
        save,
        success=_("The case is open."),
        then=lambda case: _case_url(request, case),
    ):
        return saved
    return render(
        request,
        "dropouts/case_form.html",
        {
            "district": district,
            "form": form,
            "found": found,
            "chosen": chosen,
            "searched": "find" in request.POST,
        },
    )


def _from_attendance(request, student) -> dict:
    """The report opened from an attendance flag (``?reason=attendance``): the description says
    what the flag says (attendance.selectors.flag_case_text); opened from a page above with
    another reason (the early warning's next step), what that page registered
    (students.extensions.form_prefill)."""
    if request.GET.get("reason") != "attendance":
        text = form_prefill(request, student)
        return {"description": text} if text else {}
    return {"description": flag_case_text(student)}


@pages("report/<int:student_id>/", name="case_report")
@school_cases(Perm.OPEN_DROPOUT_CASE)
def school_case_report(request, student_id):
    """ "Report a dropout risk" from the student's page: a case referred to the district."""
    student = student_get_for_user(request, student_id)
    existing = services.dropout_case_open_for_student(student)
    if existing is not None:
        messages.info(request, _("This student already has an open dropout case."))
        return redirect(_case_url(request, existing))
    form = SchoolReportForm(request.POST or None, initial=_from_attendance(request, student))
    saved = form_saved(
        request,
        form,
        lambda data: services.case_open(
            district=request.school.district,
            reporter_kind=ReporterKind.SCHOOL,
            reporter_name=request.user.display_name,
            reporter_contact=request.user.email or request.user.phone,
            student=student,
            reported_by_school=True,
            user=request.user,
            request=request,
            **form.facts(),
        ),
        success=_("The case is reported to the district office, which follows it up."),
        then=lambda case: _case_url(request, case),
    )
    if saved:
        return saved
    return student_form_page(request, "dropouts/report_form.html", student, form)


# --- settings ----------------------------------------------------------------------------------
@district_pages("settings/")
@district_cases(Perm.MANAGE_CASE_SETTINGS)
def case_settings(request):
    district = request.district
    current = services.case_settings(district)
    initial = {f"days_{step}": current.days_for(step) for step in STEP_ORDER[:5]}
    initial["observation_offsets"] = current.observation_offsets
    form = CaseSettingsForm(request.POST or None, initial=initial)
    saved = form_saved(
        request,
        form,
        lambda data: services.case_settings_save(
            district=district,
            days=form.days(),
            observation_offsets=data["observation_offsets"],
            user=request.user,
        ),
        success=_("The deadlines are saved."),
        then=reverse("dropouts_district:case_list", kwargs={"district_code": district.code}),
    )
    return saved or render(
        request,
        "dropouts/settings.html",
        {"district": district, "form": form, "settings": current},
    )
