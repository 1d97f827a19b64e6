"""Pages of the early warning (docs/early-warning.md, "Where people act").

School (``/s/<code>/early-warning/``, Perm.VIEW_EARLY_WARNING): the flagged students with their
reasons and next step, by level and classroom; a homeroom teacher sees their own classrooms'
(``visible_classroom_ids``). The class list's column and the student's card are
earlywarning/extensions.py.

District and network (``/d/<code>/early-warning/``, ``/n/<id>/early-warning/``,
Perm.VIEW_AGGREGATES): how many students of each school are on watch and at high risk; never a
name. The district administrator tunes the weights and thresholds within their bounds
(``settings/``, Perm.MANAGE_EARLY_WARNING); saving recomputes the district's students by a job.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm, district_view, network_view, school_view, visible_classroom_ids
from carecore.audit import audit_view
from carecore.form_views import form_saved
from carecore.thai import thai_order
from earlywarning import selectors
from earlywarning.extensions import step_facts
from earlywarning.forms import SettingsForm
from earlywarning.model import LEVEL_HIGH, LEVEL_WATCH, VERSION
from earlywarning.routes import district_pages, network_pages, pages
from earlywarning.services import settings_save
from schools.selectors import classroom_list

PAGE_SIZE = 50
LEVEL_CHOICES = (LEVEL_HIGH, LEVEL_WATCH)


# --- the school's list -------------------------------------------------------------------------
@pages("", name="school_list")
@school_view(Perm.VIEW_EARLY_WARNING)
def school_list(request):
    """The flagged students the user may see, high risk first, then by score; filters: level
    and classroom."""
    school, year = request.school, request.academic_year
    visible = visible_classroom_ids(request)
    classrooms = [
        c
        for c in classroom_list(school=school, academic_year=year)
        if visible is None or c.pk in visible
    ]
    by_id = {c.pk: c for c in classrooms}
    level = request.GET.get("level") or ""
    if level not in LEVEL_CHOICES:
        level = ""
    classroom = by_id.get(_int(request.GET.get("classroom")))
    shown = [classroom.pk] if classroom else visible
    flagged = selectors.school_results(school=school, academic_year=year, classroom_ids=shown)
    # The filter's figures: each level's count in the classrooms shown (one query).
    counts = dict(
        flagged.order_by().values("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    rows = (
        (flagged.filter(level=level) if level else flagged)
        .annotate(
            high_first=Case(
                When(level=LEVEL_HIGH, then=Value(0)), default=1, output_field=IntegerField()
            ),
            **step_facts(year, student="student_id", district="school__district_id"),
        )
        .order_by("high_first", "-score", thai_order("student__first_name"), "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    for row in page.object_list:
        row.classroom = by_id.get(row.classroom_id)
    params, _revision = selectors.district_params(school.district_id)
    audit_view(request, _("Viewed the early-warning list"), obj=school)
    return render(
        request,
        "earlywarning/school_list.html",
        {
            "school": school,
            "rows": page.object_list,
            "page_obj": page,
            "level": level,
            "counts": {"high": counts.get(LEVEL_HIGH, 0), "watch": counts.get(LEVEL_WATCH, 0)},
            "classrooms": classrooms,
            "classroom_choices": [(str(c.pk), str(c)) for c in classrooms],
            "classroom_value": str(classroom.pk) if classroom else "",
            "params": params,
            "own_classrooms_only": visible is not None,
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- district and network: figures only --------------------------------------------------------
def _counts_page(request, place, **context):
    """Each school of ``place`` (a district or a network) with its students on watch and at
    high risk (one query for the schools, one for the counts, whatever their number), and the
    totals. Figures only: no student is read."""
    schools = list(place.schools.select_related("network").order_by(thai_order("name")))
    rows, total = selectors.school_rows(schools)
    # The warning against the place's own reported cases (two queries when there are any).
    record = selectors.case_record(
        district=context.get("district") or place.district_id,
        school_ids=[s.pk for s in schools],
        today=timezone.localdate(),
    )
    return render(
        request,
        "earlywarning/place_counts.html",
        {
            "place": place,
            "rows": rows,
            "total": total,
            "record": record,
            "version": VERSION,
            **context,
        },
    )


@district_pages("", name="district_counts")
@district_view(Perm.VIEW_AGGREGATES)
def district_counts(request):
    can_tune = Perm.MANAGE_EARLY_WARNING in request.districtperms
    return _counts_page(request, request.district, district=request.district, can_tune=can_tune)


@network_pages("", name="network_counts")
@network_view(Perm.VIEW_AGGREGATES)
def network_counts(request):
    can_view_district = Perm.VIEW_DISTRICT in request.networkperms
    return _counts_page(
        request, request.network, network=request.network, can_view_district=can_view_district
    )


# --- the district's settings -------------------------------------------------------------------
@district_pages("settings/", name="settings")
@district_view(Perm.MANAGE_EARLY_WARNING)
def district_settings(request):
    """The weights and thresholds, each within its bounds; saving recomputes the district."""
    district = request.district
    params, revision = selectors.district_params(district)
    form = SettingsForm(
        request.POST or None, initial=SettingsForm.initial_for(params.as_dict(), revision)
    )

    def stale(current):
        messages.warning(
            request,
            _("Someone saved the settings while you were changing them: these are theirs."),
        )
        return redirect(request.path)

    saved = form_saved(
        request,
        form,
        lambda data: settings_save(
            district=district,
            params=form.params(),
            revision=data["revision"],
            user=request.user,
            request=request,
        ),
        success=_("Settings saved: the district's students are being evaluated again."),
        then=reverse(
            "earlywarning_district:district_counts", kwargs={"district_code": district.code}
        ),
        on_stale=stale,
    )
    if saved:
        return saved
    if request.method == "POST":
        messages.error(request, _("Some values need fixing; see the marked fields."))
    return render(
        request,
        "earlywarning/settings.html",
        {
            "district": district,
            "form": form,
            "sections": form.sections(),
            "revision": revision,
            "settings": selectors.district_settings(district),
            "version": VERSION,
        },
    )
