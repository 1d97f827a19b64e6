"""The deadlines' pages (docs/district-work.md, "Deadlines").

- Under /d/<district>/deadlines/: the district's staff (``Perm.VIEW_DISTRICT``) read the
  deadlines with how many schools are done, due and late, and per deadline which schools; the
  supervisor and the administrator (``Perm.MANAGE_DEADLINES``) set, change and remove them.
  Schools are named, never a student.
- Under /s/<school>/deadlines/: the school's director and coordinator (``Perm.MEET_DEADLINES``)
  read the school's deadlines and mark a report or task done (with a note or a file), or take
  the mark back. The school's home page shows what is due (templatetags/deadline_tags.py).
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
from carecore.access import Perm, district_view, school_view
from carecore.file_views import private_file_response
from carecore.form_views import form_saved
from districts.deadlines import selectors, services
from districts.deadlines.access import deadline_get_for_district, deadline_get_for_school
from districts.deadlines.forms import CompletionForm, DeadlineForm
from districts.deadlines.models import Completion, Deadline, State
from districts.deadlines.routes import district_pages, school_pages
from schools.models import AcademicYear, School

# The figures above a deadline's schools: those to chase first, then those done.
CARD_ORDER = (State.LATE, State.DUE, State.DONE, State.DONE_LATE, State.UPCOMING)


def _detail_url(request, deadline: Deadline) -> str:
    return reverse(
        "deadlines:detail",
        kwargs={"district_code": request.district.code, "deadline_id": deadline.pk},
    )


def _chosen_year(request, years: list[AcademicYear], today) -> AcademicYear | None:
    """The academic year of ``?year=`` (BE), else the one today falls in (between years the
    latest begun); ``years`` newest first."""
    wanted = request.GET.get("year", "")
    for year in years:
        if wanted and str(year.year) == wanted:
            return year
    current = [y for y in years if y.start <= today]
    for year in current:
        if year.end >= today:
            return year
    return current[0] if current else (years[-1] if years else None)


# --- the district -------------------------------------------------------------------------------
@district_pages("", name="list")
@district_view(Perm.VIEW_DISTRICT)
def district_list(request):
    today = timezone.localdate()
    years = list(AcademicYear.objects.order_by("-year"))
    year = _chosen_year(request, years, today)
    deadlines = list(
        Deadline.objects.filter(district=request.district)
        .filter(selectors.year_bounds(year))
        .select_related("network")
        .order_by("due_on", "pk")
    )
    summaries = selectors.standings(
        deadlines=deadlines, schools=selectors.district_schools(request.district), today=today
    )
    return render(
        request,
        "deadlines/district_list.html",
        {
            "district": request.district,
            "summaries": summaries,
            "years": years,
            "year": year,
            "today": today,
            "can_manage": Perm.MANAGE_DEADLINES in request.districtperms,
        },
    )


def _deadline_form(request, deadline: Deadline | None = None):
    """Set a deadline (``deadline`` None), or change one."""
    form = DeadlineForm(request.POST or None, district=request.district, deadline=deadline)

    def save(data):
        if deadline is None:
            return services.deadline_create(
                district=request.district, kind=data["kind"], data=data, user=request.user
            )
        return services.deadline_update(
            deadline=deadline, data=data, user=request.user, revision=data.get("revision")
        )

    def stale(current):
        posted = request.POST.copy()
        posted["revision"] = current.revision
        again = DeadlineForm(posted, district=request.district, deadline=current)
        again.is_valid()
        again.add_error(
            None,
            _(
                "Someone changed this deadline after you opened it. Check the values and save "
                "again."
            ),
        )
        return _form_page(request, again, current)

    saved = form_saved(
        request,
        form,
        save,
        success=lambda saved: _("The deadline “%(title)s” is saved.") % {"title": saved.title},
        then=lambda saved: _detail_url(request, saved),
        on_stale=stale,
    )
    return saved or _form_page(request, form, deadline)


def _form_page(request, form, deadline):
    return render(
        request,
        "deadlines/deadline_form.html",
        {"district": request.district, "form": form, "deadline": deadline},
    )


@district_pages("new/", name="create")
@district_view(Perm.MANAGE_DEADLINES)
def deadline_create(request):
    return _deadline_form(request)


@district_pages("<int:deadline_id>/", name="detail")
@district_view(Perm.VIEW_DISTRICT)
def district_detail(request, deadline_id):
    """One deadline: each school's state (late first), its date, its share or its note."""
    today = timezone.localdate()
    deadline = deadline_get_for_district(request, deadline_id)
    schools = selectors.district_schools(request.district)
    (summary,) = selectors.standings(deadlines=[deadline], schools=schools, today=today, full=True)
    rows = selectors.sorted_standings(summary.standings)
    counts = summary.counts
    state = State(request.GET["state"]) if request.GET.get("state") in State.values else None
    if state is not None:
        rows = [r for r in rows if r.state == state]
    return render(
        request,
        "deadlines/district_detail.html",
        {
            "district": request.district,
            "deadline": deadline,
            "summary": summary,
            "counts": counts,
            "state_cards": [(state, state.label, counts[state]) for state in CARD_ORDER],
            "rows": rows,
            "state": state,
            "can_manage": Perm.MANAGE_DEADLINES in request.districtperms,
        },
    )


@district_pages("<int:deadline_id>/edit/", name="edit")
@district_view(Perm.MANAGE_DEADLINES)
def deadline_edit(request, deadline_id):
    return _deadline_form(request, deadline_get_for_district(request, deadline_id))


@district_pages("<int:deadline_id>/delete/", name="delete")
@district_view(Perm.MANAGE_DEADLINES)
@require_POST
def deadline_delete(request, deadline_id):
    """Remove a deadline set by mistake (one a school has met stays)."""
    deadline = deadline_get_for_district(request, deadline_id)
    try:
        services.deadline_delete(deadline=deadline)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(request, deadline))
    messages.success(request, _("The deadline “%(title)s” is removed.") % {"title": deadline.title})
    return redirect("deadlines:list", district_code=request.district.code)


def _file_response(completion: Completion | None):
    """A school's file, only through a permission-checked page (never from /media/)."""
    if completion is None:
        raise Http404
    return private_file_response(
        completion.file,
        filename=completion.file_name or completion.file.name.rsplit("/", 1)[-1],
        content_type=attachment_content_type(completion.file.name),
    )


@district_pages("<int:deadline_id>/schools/<school_code:school_code>/file/", name="file")
@district_view(Perm.VIEW_DISTRICT)
def district_file(request, deadline_id, school_code):
    """The file a school sent with its mark of done."""
    deadline = deadline_get_for_district(request, deadline_id)
    school = School.objects.filter(district=request.district, code=school_code).first()
    if school is None:
        raise Http404
    return _file_response(Completion.objects.filter(deadline=deadline, school=school).first())


# --- the school ---------------------------------------------------------------------------------
@school_pages("", name="list")
@school_view(Perm.MEET_DEADLINES)
def school_list(request):
    """The school's deadlines of this academic year, the nearest due date first."""
    today = timezone.localdate()
    deadlines = selectors.deadlines_of_school(request.school).filter(
        selectors.year_bounds(request.academic_year)
    )
    rows = selectors.school_standings(
        school=request.school, today=today, deadlines=deadlines.order_by("due_on", "pk")
    )
    return render(
        request,
        "deadlines/school_list.html",
        {
            "school": request.school,
            "open_rows": [r for r in rows if not r.is_done],
            "done_rows": [r for r in rows if r.is_done],
            "academic_year": request.academic_year,
        },
    )


@school_pages("<int:deadline_id>/", name="detail")
@school_view(Perm.MEET_DEADLINES)
def school_detail(request, deadline_id):
    """One deadline at the school: its state and, for a report or task, the mark of done."""
    today = timezone.localdate()
    deadline = deadline_get_for_school(request, deadline_id)
    form = CompletionForm(request.POST or None, request.FILES or None)
    if not deadline.is_measured:
        saved = form_saved(
            request,
            form,
            lambda data: services.completion_mark(
                deadline=deadline,
                school=request.school,
                note=data["note"],
                upload=data["file"],
                user=request.user,
            ),
            success=_("Marked done. The district office sees it now."),
            then=request.path,
        )
        if saved:
            return saved
    (summary,) = selectors.standings(
        deadlines=[deadline], schools=[request.school], today=today, full=True
    )
    standing = summary.standings[0]
    return render(
        request,
        "deadlines/school_detail.html",
        {"school": request.school, "deadline": deadline, "standing": standing, "form": form},
    )


@school_pages("<int:deadline_id>/file/", name="file")
@school_view(Perm.MEET_DEADLINES)
def school_file(request, deadline_id):
    deadline = deadline_get_for_school(request, deadline_id)
    return _file_response(
        Completion.objects.filter(deadline=deadline, school=request.school).first()
    )


@school_pages("<int:deadline_id>/undo/", name="undo")
@school_view(Perm.MEET_DEADLINES)
@require_POST
def school_undo(request, deadline_id):
    """Take back the school's mark of done (marked by mistake, or the file was the wrong one)."""
    deadline = deadline_get_for_school(request, deadline_id)
    if services.completion_undo(deadline=deadline, school=request.school):
        messages.success(request, _("The mark of done is taken back."))
    return redirect(
        "school_deadlines:detail", school_code=request.school.code, deadline_id=deadline.pk
    )
