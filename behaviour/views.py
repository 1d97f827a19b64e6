"""Pages of behaviour (docs/behaviour.md): the school's summary, a classroom's, a student's
year, the quick incident form (phone first), an incident (and cancelling it), the
behaviour-correction activity form, and the school's categories.

Access (behaviour/access.py): every page needs RECORD_BEHAVIOUR (every member of the school's
staff; network and district staff: 403); a student, classroom or incident the user may not see
answers 404, and a sensitive incident does not exist for whoever lacks SEE_SENSITIVE_BEHAVIOUR
(unless they recorded it). The categories and the correction activities need MANAGE_BEHAVIOUR.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from behaviour import access, selectors, services
from behaviour.forms import CancelForm, CategoryForm, CorrectionForm, IncidentForm
from behaviour.models import Category, Kind
from behaviour.routes import pages
from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.dates import format_date
from carecore.form_views import classroom_page, form_saved, student_form_page, student_page
from schools.models import Classroom
from students.models import Enrolment
from students.selectors import search_enrolments

SEARCH_LIMIT = 30


def _url(request, name: str, **kwargs) -> str:
    return reverse(f"behaviour:{name}", kwargs={"school_code": request.school.code, **kwargs})


def _points_text(kind: str, points: int) -> str:
    return f"+{points}" if kind == Kind.GOOD else f"−{points}"


# --- the school ----------------------------------------------------------------------------------
@pages("")
@school_view(Perm.RECORD_BEHAVIOUR)
def home(request):
    """The school's behaviour this year: per classroom the user sees (every classroom for the
    discipline office and the school's leaders, their own for a homeroom teacher), the
    categories (sensitive ones for those who see them), and the incidents the user recorded."""
    classroom_ids = access.behaviour_classroom_ids(request)
    summary = None
    if request.academic_year is not None and (classroom_ids is None or classroom_ids):
        summary = selectors.school_summary(
            school=request.school,
            academic_year=request.academic_year,
            classroom_ids=classroom_ids,
            see_sensitive=access.sees_sensitive(request),
        )
    mine = list(
        access.visible_incidents(request)
        .filter(recorded_by=request.user)
        .select_related("student", "category")[:10]
    )
    return render(
        request,
        "behaviour/home.html",
        {
            "school": request.school,
            "academic_year": request.academic_year,
            "summary": summary,
            "whole_school": classroom_ids is None,
            "mine": mine,
            "can_manage": Perm.MANAGE_BEHAVIOUR in request.schoolperms,
            "low_score": selectors.LOW_SCORE,
            "watch_score": selectors.WATCH_SCORE,
        },
    )


# --- a classroom ---------------------------------------------------------------------------------
@pages("classrooms/<int:classroom_id>/")
@school_view(Perm.RECORD_BEHAVIOUR)
def classroom_summary(request, classroom_id):
    classroom = access.behaviour_classroom_get_for_user(request, classroom_id)
    rows = selectors.classroom_summary(
        classroom=classroom, see_sensitive=access.sees_sensitive(request)
    )
    return classroom_page(
        request,
        "behaviour/classroom.html",
        classroom,
        audit=_("Viewed the conduct points of %(room)s"),
        rows=rows,
        low_score=selectors.LOW_SCORE,
        watch_score=selectors.WATCH_SCORE,
    )


# --- a student -----------------------------------------------------------------------------------
@pages("students/<int:student_id>/")
@school_view(Perm.RECORD_BEHAVIOUR)
def student_behaviour(request, student_id):
    """A student's year (``?year=2568`` for an earlier one the student has entries in)."""
    student = access.behaviour_student_get_for_user(request, student_id)
    years = selectors.student_years(student, current=request.academic_year)
    wanted = request.GET.get("year", "")
    year = next((y for y in years if str(y.year) == wanted), request.academic_year)
    behaviour = (
        selectors.student_behaviour(
            student=student, academic_year=year, visible=access.visible_incidents(request)
        )
        if year is not None
        else None
    )
    enrolment = (
        Enrolment.objects.filter(student=student, academic_year=year)
        .select_related("classroom")
        .first()
    )
    return student_page(
        request,
        "behaviour/student.html",
        student,
        audit=_("Viewed the behaviour record"),
        academic_year=year,
        years=years,
        behaviour=behaviour,
        classroom=enrolment.classroom if enrolment else None,
        can_manage=Perm.MANAGE_BEHAVIOUR in request.schoolperms,
        low_score=selectors.LOW_SCORE,
    )


# --- recording an incident -------------------------------------------------------------------
def _picker(request, source) -> dict:
    """The student picker: a classroom's students (``classroom``) or a search of the school's
    students by name, nickname or student code (``q``), at most SEARCH_LIMIT."""
    classrooms = list(
        Classroom.objects.filter(school=request.school, academic_year=request.academic_year)
        if request.academic_year
        else []
    )
    classroom = None
    raw = (source.get("classroom") or "").strip()
    if raw.isdigit():
        classroom = next((c for c in classrooms if c.pk == int(raw)), None)
    query = (source.get("q") or "").strip()[:100]
    found: list[Enrolment] = []
    if classroom is not None or query:
        enrolments = Enrolment.objects.filter(
            classroom__school=request.school, academic_year=request.academic_year
        ).select_related("student", "classroom")
        if classroom is not None:
            enrolments = enrolments.filter(classroom=classroom)
        if query:
            enrolments = search_enrolments(enrolments, query)
        found = list(
            enrolments.order_by("classroom__grade", "classroom__room", "number")[
                : None if classroom is not None and not query else SEARCH_LIMIT
            ]
        )
    return {
        "classrooms": classrooms,
        "chosen_classroom": classroom,
        "query": query,
        "found": found,
        "search_limited": classroom is None and len(found) >= SEARCH_LIMIT,
    }


def _chosen(request, raw):
    try:
        return access.recordable_student_get(request, int(raw))
    except (TypeError, ValueError):
        return None


def _chosen_enrolment(request, student):
    if student is None or request.academic_year is None:
        return None
    return (
        Enrolment.objects.filter(student=student, academic_year=request.academic_year)
        .select_related("classroom")
        .first()
    )


@pages("incidents/new/")
@school_view(Perm.RECORD_BEHAVIOUR)
def incident_new(request):
    """The quick form: pick the student (a classroom's list or a search of the school), what
    happened, the date, a note. "Find" posts the whole form back without saving, so what was
    chosen and typed stays."""
    finding = request.method == "POST" and "find" in request.POST
    source = request.POST if request.method == "POST" else request.GET
    # The default set is created the first time; the form checks a posted choice against
    # the queryset, the page lists the categories in use.
    category_list = [c for c in services.school_categories(request.school) if c.active]
    categories = Category.objects.filter(school=request.school, active=True)
    lookup = lambda pk: _chosen(request, pk)  # noqa: E731
    if finding:
        initial = {k: request.POST.get(k) for k in ("student", "category", "date", "description")}
        form = IncidentForm(student_lookup=lookup, categories=categories, initial=initial)
    else:
        form = IncidentForm(
            request.POST or None,
            student_lookup=lookup,
            categories=categories,
            initial={"student": request.GET.get("student")},
        )
    from_student = source.get("back") == "student"

    def save(data):
        return services.incident_record(
            student=data["student"],
            category=data["category"],
            date=data["date"],
            description=data["description"],
            user=request.user,
            request=request,
        )

    def then(incident):
        if from_student:
            return _url(request, "student_behaviour", student_id=incident.student_id)
        url = _url(request, "incident_new")
        return f"{url}?classroom={incident.classroom_id}" if incident.classroom_id else url

    if not finding and (
        saved := form_saved(
            request,
            form,
            save,
            success=lambda incident: (
                _("Recorded: %(name)s, %(what)s (%(points)s points).")
                % {
                    "name": incident.student.full_name,
                    "what": incident.category.name,
                    "points": _points_text(incident.kind, incident.points),
                }
            ),
            then=then,
        )
    ):
        return saved
    chosen = _chosen(request, source.get("student"))
    picker = _picker(request, source)
    if chosen is None and picker["chosen_classroom"] is None and not picker["query"]:
        # Opened from a student's page: their classroom listed, them ticked.
        enrolment = _chosen_enrolment(request, _chosen(request, request.GET.get("student")))
        if enrolment is not None:
            picker = _picker(request, {"classroom": str(enrolment.classroom_id)})
    chosen_enrolment = _chosen_enrolment(request, chosen)
    return render(
        request,
        "behaviour/incident_form.html",
        {
            "school": request.school,
            "form": form,
            "chosen": chosen,
            "chosen_enrolment": chosen_enrolment,
            "bad_categories": [c for c in category_list if c.kind == Kind.BAD],
            "good_categories": [c for c in category_list if c.kind == Kind.GOOD],
            "chosen_category": str(form["category"].value() or ""),
            "from_student": from_student,
            **picker,
        },
    )


# --- an incident ---------------------------------------------------------------------------------
def _incident_page(request, incident, cancel_form, status=200):
    return render(
        request,
        "behaviour/incident.html",
        {
            "school": request.school,
            "student": incident.student,
            "incident": incident,
            "can_cancel": access.can_cancel(request, incident),
            "cancel_form": cancel_form,
            "sees_student": _sees_student(request, incident.student_id),
        },
        status=status,
    )


def _sees_student(request, student_id) -> bool:
    try:
        access.behaviour_student_get_for_user(request, student_id)
    except Http404:  # the recorder of an incident of a student they do not otherwise see
        return False
    return True


@pages("incidents/<int:incident_id>/")
@school_view(Perm.RECORD_BEHAVIOUR)
def incident_detail(request, incident_id):
    incident = access.incident_get_for_user(request, incident_id)
    audit_view(
        request,
        _("Viewed a behaviour incident of %(date)s") % {"date": format_date(incident.date)},
        student=incident.student,
        obj=incident,
    )
    return _incident_page(request, incident, CancelForm())


@pages("incidents/<int:incident_id>/cancel/")
@require_POST
@school_view(Perm.RECORD_BEHAVIOUR)
def incident_cancel(request, incident_id):
    incident = access.incident_get_for_user(request, incident_id)
    if not access.can_cancel(request, incident):
        raise PermissionDenied
    form = CancelForm(request.POST)
    saved = form_saved(
        request,
        form,
        lambda data: services.incident_cancel(
            incident=incident, reason=data["reason"], user=request.user, request=request
        ),
        success=_("The incident was cancelled; it no longer counts."),
        then=lambda _incident: _url(request, "incident_detail", incident_id=incident.pk),
    )
    return saved or _incident_page(request, incident, form, status=400)


# --- correction activities -------------------------------------------------------------------
@pages("students/<int:student_id>/corrections/new/")
@school_view(Perm.MANAGE_BEHAVIOUR)
def correction_new(request, student_id):
    student = access.behaviour_student_get_for_user(request, student_id)
    form = CorrectionForm(request.POST or None)
    conduct = (
        selectors.student_conduct(student, request.academic_year)
        if request.academic_year
        else selectors.Conduct()
    )
    saved = form_saved(
        request,
        form,
        lambda data: services.correction_record(
            student=student, user=request.user, request=request, **data
        ),
        success=lambda correction: (
            _("Recorded: %(points)s points given back.") % {"points": correction.points}
        ),
        then=_url(request, "student_behaviour", student_id=student.pk),
    )
    if saved:
        return saved
    return student_form_page(
        request,
        "behaviour/correction_form.html",
        student,
        form,
        conduct=conduct,
    )


# --- categories ----------------------------------------------------------------------------------
@pages("categories/")
@school_view(Perm.MANAGE_BEHAVIOUR)
def category_list(request):
    categories = services.school_categories(request.school)
    return render(
        request,
        "behaviour/categories.html",
        {
            "school": request.school,
            "bad": [c for c in categories if c.kind == Kind.BAD],
            "good": [c for c in categories if c.kind == Kind.GOOD],
        },
    )


def _category_form(request, category=None):
    form = CategoryForm(request.POST or None, instance=category)
    saved = form_saved(
        request,
        form,
        lambda data: services.category_save(
            school=request.school,
            data=data,
            user=request.user,
            category=category,
            request=request,
        ),
        success=lambda saved: _("Saved the category %(name)s.") % {"name": saved.name},
        then=_url(request, "category_list"),
    )
    if saved:
        return saved
    return render(
        request,
        "behaviour/category_form.html",
        {"school": request.school, "form": form, "category": category},
    )


@pages("categories/new/")
@school_view(Perm.MANAGE_BEHAVIOUR)
def category_new(request):
    return _category_form(request)


@pages("categories/<int:category_id>/")
@school_view(Perm.MANAGE_BEHAVIOUR)
def category_edit(request, category_id):
    category = Category.objects.filter(school=request.school, pk=category_id).first()
    if category is None:
        raise Http404
    return _category_form(request, category)
