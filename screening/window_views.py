"""Staff pages for the parent and student forms: the school's screening window (the coordinator),
a classroom's codes and the printing of its slips (the homeroom teacher of the room, the
coordinator)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.file_views import school_document_start
from carecore.form_views import classroom_page
from carecore.forms import ThaiDateField, ThaiDateInput
from schools.selectors import term_code
from screening.links import (
    code_display,
    form_links_for_classroom,
    form_links_of_classroom,
    link_raters_for_grade,
    screening_window_delete,
    screening_window_get,
    screening_window_save,
    window_state,
)
from screening.models import ScreeningWindow, SdqResponse
from screening.routes import pages
from screening.selectors import term_chooser, term_for_request
from screening.slips import slip_classroom_get


class WindowForm(forms.Form):
    opens = ThaiDateField(
        label=gettext_lazy("First day"),
        widget=ThaiDateInput(attrs={"class": "form-control thai-date"}),
    )
    closes = ThaiDateField(
        label=gettext_lazy("Last day"),
        widget=ThaiDateInput(attrs={"class": "form-control thai-date"}),
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes < opens:
            self.add_error("closes", _("The last day cannot be before the first day."))
        return cleaned


def _term_url(name: str, term, **kwargs) -> str:
    url = reverse(name, kwargs=kwargs)
    return f"{url}?term={term_code(term)}" if term is not None else url


@pages("window/", name="window")
@school_view(Perm.MANAGE_SCREENING)
def screening_window(request):
    """The days in which parents and students may answer, per term (both days included)."""
    school = request.school
    term = term_for_request(request)
    window = screening_window_get(school=school, term=term)
    form = WindowForm(initial={"opens": window.opens, "closes": window.closes} if window else None)
    if request.method == "POST" and term is not None:
        if "delete" in request.POST:
            screening_window_delete(school=school, term=term)
            messages.success(
                request, _("The forms for term %(term)s are closed: no dates.") % {"term": term}
            )
            return redirect(_term_url("screening:window", term, school_code=school.code))
        form = WindowForm(request.POST)
        if form.is_valid():
            opens, closes = form.cleaned_data["opens"], form.cleaned_data["closes"]
            screening_window_save(
                school=school, term=term, opens=opens, closes=closes, user=request.user
            )
            messages.success(request, _("The dates are saved."))
            if opens < term.start or closes > term.end:
                messages.warning(
                    request,
                    _("The dates go beyond term %(term)s; check that they are the ones you meant.")
                    % {"term": term},
                )
            return redirect(_term_url("screening:window", term, school_code=school.code))
    windows = list(
        ScreeningWindow.objects.filter(school=school)
        .select_related("term", "term__academic_year")
        .order_by("-term__academic_year__year", "-term__number")
    )
    return render(
        request,
        "screening/window/window.html",
        {
            "school": school,
            **term_chooser(term),
            "window": window,
            "state": window_state(window),
            "form": form,
            "windows": [(w, window_state(w)) for w in windows],
        },
    )


def _classroom_term_problem(classroom, term) -> str:
    if term is None:
        return _("There is no term yet.")
    if term.academic_year_id != classroom.academic_year_id:
        return _(
            "Term %(term)s is not in this classroom's academic year; choose a term of %(year)s."
        ) % {"term": term, "year": classroom.academic_year.year}
    if not link_raters_for_grade(classroom.grade):
        return _(
            "In this grade only the teacher fills the SDQ, so there are no parent or student "
            "forms to send home."
        )
    return ""


@pages("classrooms/<int:classroom_id>/links/")
@school_view(Perm.ENTER_SCREENING)
def classroom_links(request, classroom_id):
    """The codes of a classroom's parent and student forms, whether each form came back, and the
    button that prints the slips (which also makes the codes still missing)."""
    classroom = slip_classroom_get(request, classroom_id)
    term = term_for_request(request)
    problem = _classroom_term_problem(classroom, term)
    raters = link_raters_for_grade(classroom.grade)
    rows = form_links_of_classroom(classroom=classroom, term=term)
    statuses: dict[tuple[int, str], str] = {}
    if term is not None and rows and raters:
        for student_id, rater, status in SdqResponse.objects.filter(
            student_id__in=[row.student.pk for row in rows], term=term, rater__in=raters
        ).values_list("student_id", "rater", "status"):
            statuses[(student_id, rater)] = status
    table = [
        {
            "row": row,
            "cells": [
                {
                    "rater": rater,
                    "code": code_display(row.links[rater].code) if rater in row.links else "",
                    "last_used": row.links[rater].last_used if rater in row.links else None,
                    "status": statuses.get((row.student.pk, rater), ""),
                }
                for rater in raters
            ],
        }
        for row in rows
    ]
    window = screening_window_get(school=request.school, term=term)
    return classroom_page(
        request,
        "screening/window/classroom_links.html",
        classroom,
        audit=_("Viewed the form codes of %(room)s"),
        **term_chooser(term),
        raters=raters,
        table=table,
        problem=problem,
        window=window,
        state=window_state(window),
        can_manage=Perm.MANAGE_SCREENING in request.schoolperms,
    )


@pages("classrooms/<int:classroom_id>/slips/")
@school_view(Perm.ENTER_SCREENING)
@require_POST
def classroom_slips(request, classroom_id):
    """Print the classroom's slips (a job); the codes are made now, so the codes page shows
    them at once, and kept for every reprint."""
    classroom = slip_classroom_get(request, classroom_id)
    term = term_for_request(request)
    problem = _classroom_term_problem(classroom, term)
    if problem:
        messages.error(request, problem)
        return redirect(
            _term_url(
                "screening:classroom_links",
                term,
                school_code=request.school.code,
                classroom_id=classroom.pk,
            )
        )
    rows = form_links_for_classroom(classroom=classroom, term=term)
    title = _("Screening slips %(classroom)s, term %(term)s") % {
        "classroom": classroom,
        "term": term,
    }
    # Each child's name and code is on the paper.
    return school_document_start(
        request,
        kind="screening_slips",
        title=title,
        params={
            "classroom_id": classroom.pk,
            "term_id": term.pk,
            # The address in the QR codes: this site as the person printing reached it.
            "form_base_url": request.build_absolute_uri(reverse("screening_public:code_entry")),
        },
        students=[row.student for row in rows],
        obj=classroom,
        permission=Perm.ENTER_SCREENING,
    )
