"""Entering screening answers (one student at a time or a classroom grid) and the care group."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, own_classroom_ids, school_view, visible_classroom_ids
from carecore.audit import audit_view
from carecore.form_views import student_page
from carecore.models import AuditEvent
from schools.access import classroom_get_for_user
from schools.selectors import classroom_list, term_code
from screening import aspects, scoring, selectors, services
from screening.forms import EqForm, GroupOverrideForm, SdqForm
from screening.instrument_text import item_text
from screening.labels import LEVEL_LABELS, RATER_LABELS
from screening.models import (
    AspectResult,
    CareGroup,
    EqResponse,
    Rater,
    SdqResponse,
    Source,
    Status,
)
from screening.routes import pages
from students.access import student_get_for_user


def _term_or_404(request):
    term = selectors.term_for_request(request)
    if term is None:
        raise Http404
    return term


@pages("", name="home")
@school_view(Perm.VIEW_STUDENTS)
def screening_home(request):
    term = selectors.term_for_request(request)
    visible = visible_classroom_ids(request)
    classrooms = [
        c
        for c in classroom_list(
            school=request.school, academic_year=getattr(term, "academic_year", None)
        )
        if visible is None or c.pk in visible
    ]
    completion = {}
    if term is not None and classrooms:
        from screening.summaries import completion_by_classroom

        completion = {
            row.classroom.pk: row
            for row in completion_by_classroom(
                school=request.school, term=term, classroom_ids=[c.pk for c in classrooms]
            )
        }
    return render(
        request,
        "screening/home.html",
        {
            "school": request.school,
            "classrooms": [(c, completion.get(c.pk)) for c in classrooms],
            "can_manage": Perm.MANAGE_SCREENING in request.schoolperms,
            "can_view_all": visible is None,
            **(selectors.term_chooser(term) if term else {"term": None}),
        },
    )


@pages("classrooms/<int:classroom_id>/", name="classroom")
@school_view(Perm.VIEW_SCHOOL)
def classroom_screening(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    term = _term_or_404(request)
    rows = selectors.classroom_rows(classroom=classroom, term=term)
    return render(
        request,
        "screening/classroom.html",
        {
            "school": request.school,
            "classroom": classroom,
            "rows": rows,
            "counts": selectors.classroom_counts(rows),
            "forms": scoring.sdq_forms_for_grade(classroom.grade),
            "can_enter": Perm.ENTER_SCREENING in request.schoolperms,
            "can_manage": Perm.MANAGE_SCREENING in request.schoolperms,
            "can_print_slips": Perm.MANAGE_SCREENING in request.schoolperms
            or classroom.pk in own_classroom_ids(request),
            **selectors.term_chooser(term),
        },
    )


def _rater_or_404(rater: str, forms) -> str:
    if rater not in Rater.values or rater not in forms:
        raise Http404
    return rater


def _stale_differences(current: SdqResponse, answers: list) -> list[dict]:
    saved = list(current.answers or []) + [None] * 25
    return [
        {"item": n, "saved": saved[n - 1], "yours": answers[n - 1]}
        for n in range(1, 26)
        if saved[n - 1] != answers[n - 1]
    ]


def student_page_url(request, student, term) -> str:
    """The student's screening page at ``term``."""
    return (
        reverse(
            "screening:student",
            kwargs={"school_code": request.school.code, "student_id": student.pk},
        )
        + f"?term={term_code(term)}"
    )


def _entry_saved(request, student, saved, summary: str, *, complete: str, missing) -> None:
    """A form typed in by the staff is saved: the audit row, and the message: ``complete``, or
    for a draft the items still ``missing``."""
    audit_view(request, summary, action=AuditEvent.Action.CHANGE, student=student, obj=saved)
    if saved.status == Status.COMPLETE:
        messages.success(request, complete)
    else:
        messages.warning(
            request,
            _("Saved as a draft. Items still missing: %(items)s.")
            % {"items": ", ".join(str(n) for n in missing)},
        )


@pages("students/<int:student_id>/sdq/<str:rater>/")
@school_view(Perm.ENTER_SCREENING)
def sdq_entry(request, student_id, rater):
    student = student_get_for_user(request, student_id)
    term = _term_or_404(request)
    enrolment = selectors.classroom_of(student, term)
    forms = services.sdq_forms_for_student(
        student=student, classroom=enrolment.classroom if enrolment else None, term=term
    )
    rater = _rater_or_404(rater, forms)
    response = SdqResponse.objects.filter(student=student, term=term, rater=rater).first()
    texts = lambda n: item_text("sdq", rater, n)  # noqa: E731
    form = SdqForm(
        request.POST or None,
        rater=rater,
        item_text=texts,
        initial=SdqForm.initial_from(response),
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            saved = services.sdq_response_save(
                student=student,
                term=term,
                rater=rater,
                answers=answers,
                impact=form.impact(),
                user=request.user,
                source=Source.FORM,
                revision=form.cleaned_data.get("revision"),
            )
        except services.StaleForm as error:
            stale = {
                "by": error.current.entered_by,
                "at": error.current.modified,
                "differences": _stale_differences(error.current, answers),
            }
            data = request.POST.copy()
            data["revision"] = error.current.revision
            form = SdqForm(data, rater=rater, item_text=texts)
            form.is_valid()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _entry_saved(
                request,
                student,
                saved,
                _("Saved the SDQ %(rater)s form (%(status)s)")
                % {"rater": RATER_LABELS[rater], "status": saved.get_status_display()},
                complete=_("SDQ saved: %(result)s.")
                % {"result": LEVEL_LABELS.get(saved.level, "")},
                missing=saved.missing_items(),
            )
            next_url = _next_student_url(request, enrolment, term, rater, student)
            if request.POST.get("next") and next_url:
                return redirect(next_url)
            return redirect(
                reverse(
                    "screening:sdq_entry",
                    kwargs={
                        "school_code": request.school.code,
                        "student_id": student.pk,
                        "rater": rater,
                    },
                )
                + f"?term={term_code(term)}"
            )
    return render(
        request,
        "screening/sdq_entry.html",
        {
            "school": request.school,
            "student": student,
            "enrolment": enrolment,
            "rater": rater,
            "rater_label": RATER_LABELS[rater],
            "forms": forms,
            "form": form,
            "response": response,
            "stale": stale,
            "next_url": _next_student_url(request, enrolment, term, rater, student),
            **selectors.term_chooser(term),
        },
    )


def _next_student_url(request, enrolment, term, rater, student) -> str | None:
    """The next student of the room (by number), for "save and next"."""
    if enrolment is None:
        return None
    following = (
        enrolment.classroom.enrolments.filter(number__gt=enrolment.number)
        .order_by("number")
        .values_list("student_id", flat=True)
        .first()
    )
    if following is None:
        return None
    return (
        reverse(
            "screening:sdq_entry",
            kwargs={"school_code": request.school.code, "student_id": following, "rater": rater},
        )
        + f"?term={term_code(term)}"
    )


GRID_ITEMS = range(1, 26)


@pages("classrooms/<int:classroom_id>/sdq/<str:rater>/")
@school_view(Perm.ENTER_SCREENING)
def sdq_grid(request, classroom_id, rater):
    """A whole classroom on one page: a row of 25 answers per student, for a stack of paper forms.
    Everything is checked before anything is saved; a bad cell keeps what was typed."""
    classroom = classroom_get_for_user(request, classroom_id)
    term = _term_or_404(request)
    rater = _rater_or_404(rater, scoring.sdq_forms_for_grade(classroom.grade))
    rows = selectors.classroom_rows(classroom=classroom, term=term)
    errors: dict[int, list[str]] = {}
    stale: list = []
    values: dict[int, list[str]] = {}
    for row in rows:
        response = row.sdq.get(rater)
        values[row.student.pk] = [
            "" if v is None else str(v)
            for v in ((response.answers if response else []) + [None] * 25)[:25]
        ]
    if request.method == "POST":
        changes = []
        for row in rows:
            sid = row.student.pk
            typed = [(request.POST.get(f"s{sid}_q{n}") or "").strip() for n in GRID_ITEMS]
            values[sid] = typed
            bad = [
                n for n, v in zip(GRID_ITEMS, typed, strict=True) if v not in ("", "0", "1", "2")
            ]
            if bad:
                errors[sid] = bad
                continue
            answers = [None if v == "" else int(v) for v in typed]
            response = row.sdq.get(rater)
            before = ((response.answers if response else []) + [None] * 25)[:25]
            if answers == before or (response is None and all(a is None for a in answers)):
                continue
            revision = request.POST.get(f"s{sid}_rev")
            if response is not None and revision and str(response.revision) != revision:
                stale.append(row)
                continue
            changes.append((row, answers, response))
        if not errors and not stale:
            saved = complete = 0
            with transaction.atomic():
                for row, answers, response in changes:
                    result = services.sdq_response_save(
                        student=row.student,
                        term=term,
                        rater=rater,
                        answers=answers,
                        impact=response.impact_answers if response else None,
                        user=request.user,
                        source=Source.GRID,
                    )
                    saved += 1
                    complete += result.status == Status.COMPLETE
                if changes:
                    from carecore.audit import audit_record_many

                    audit_record_many(
                        students=[row.student for row, _a, _r in changes],
                        action=AuditEvent.Action.CHANGE,
                        user=request.user,
                        school=request.school,
                        summary=_("Saved the SDQ %(rater)s form in the classroom grid")
                        % {"rater": RATER_LABELS[rater]},
                        request=request,
                    )
            messages.success(
                request,
                _("Saved %(saved)s forms, %(complete)s of them complete.")
                % {"saved": saved, "complete": complete},
            )
            return redirect(
                reverse(
                    "screening:sdq_grid",
                    kwargs={
                        "school_code": request.school.code,
                        "classroom_id": classroom.pk,
                        "rater": rater,
                    },
                )
                + f"?term={term_code(term)}"
            )
        if errors:
            messages.error(
                request,
                _("Nothing was saved: answers are 0, 1 or 2. Check the marked cells."),
            )
        if stale:
            messages.error(
                request,
                _(
                    "Nothing was saved: someone else saved forms for %(names)s after you opened "
                    "this page. Open the page again to see their answers."
                )
                % {"names": ", ".join(r.student.full_name for r in stale)},
            )
    return render(
        request,
        "screening/sdq_grid.html",
        {
            "school": request.school,
            "classroom": classroom,
            "rater": rater,
            "rater_label": RATER_LABELS[rater],
            "items": list(GRID_ITEMS),
            "grid": [
                {
                    "row": row,
                    "values": values[row.student.pk],
                    "errors": errors.get(row.student.pk, []),
                    "revision": row.sdq[rater].revision if rater in row.sdq else "",
                }
                for row in rows
            ],
            "stale_ids": [r.student.pk for r in stale],
            **selectors.term_chooser(term),
        },
    )


@pages("students/<int:student_id>/eq/")
@school_view(Perm.ENTER_SCREENING)
def eq_entry(request, student_id):
    student = student_get_for_user(request, student_id)
    term = _term_or_404(request)
    age = student.age_on(term.start)
    instrument = scoring.eq_instrument_for_age(age)
    if instrument is None:
        messages.info(request, _("The EQ forms are for ages 6 to 17."))
        return redirect(student_page_url(request, student, term))
    count = 52 if instrument == EqResponse.Instrument.EQ12 else 60
    response = EqResponse.objects.filter(student=student, term=term, instrument=instrument).first()
    rater_choices = (
        [Rater.STUDENT]
        if instrument == EqResponse.Instrument.EQ12
        else [Rater.TEACHER, Rater.PARENT]
    )
    rater = request.POST.get("rater") or (response.rater if response else rater_choices[0])
    if rater not in rater_choices:
        rater = rater_choices[0]
    form = EqForm(
        request.POST or None,
        count=count,
        item_text=lambda n: item_text(instrument, None, n),
        initial=EqForm.initial_from(response),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.eq_response_save(
                student=student,
                term=term,
                instrument=instrument,
                rater=rater,
                answers=form.answers(),
                user=request.user,
                revision=form.cleaned_data.get("revision"),
            )
        except services.StaleForm:
            form.add_error(
                None,
                _(
                    "Someone else saved this form after you opened it. Your answers are kept "
                    "below; save again to replace theirs."
                ),
            )
            form.data = form.data.copy()
            form.data["revision"] = EqResponse.objects.get(
                student=student, term=term, instrument=instrument
            ).revision
        else:
            _entry_saved(
                request,
                student,
                saved,
                _("Saved the EQ form"),
                complete=_("EQ saved."),
                missing=[n for n, v in enumerate(saved.answers, start=1) if v is None],
            )
            return redirect(student_page_url(request, student, term))
    return render(
        request,
        "screening/eq_entry.html",
        {
            "school": request.school,
            "student": student,
            "instrument": instrument,
            "instrument_label": EqResponse.Instrument(instrument).label,
            "rater": rater,
            "rater_choices": [(r, RATER_LABELS[r]) for r in rater_choices],
            "form": form,
            "response": response,
            **selectors.term_chooser(term),
        },
    )


@pages("students/<int:student_id>/", name="student")
@school_view(Perm.VIEW_SCHOOL)
def student_screening(request, student_id):
    """The student's screening: the group and why, every form of the term, and the history."""
    student = student_get_for_user(request, student_id)
    term = _term_or_404(request)
    enrolment = selectors.classroom_of(student, term)
    forms = services.sdq_forms_for_student(
        student=student, classroom=enrolment.classroom if enrolment else None, term=term
    )
    sdq = {r.rater: r for r in SdqResponse.objects.filter(student=student, term=term)}
    eq = list(EqResponse.objects.filter(student=student, term=term))
    aspect_summary = aspects.result_summary(AspectResult.objects.filter(student=student, term=term))
    groups = selectors.student_groups(student=student)
    group = next((g for g in groups if g.term_id == term.pk), None)
    can_enter = Perm.ENTER_SCREENING in request.schoolperms
    return student_page(
        request,
        "screening/student.html",
        student,
        audit=_("Viewed the screening results"),
        enrolment=enrolment,
        group=group,
        reasons=[selectors.reason_text(r) for r in (group.reasons if group else [])],
        special_reasons=[
            selectors.reason_text({**r, "band": "special"})
            for r in (group.special_reasons if group else [])
        ],
        history=groups,
        sdq_cells=[(rater, rater in forms, sdq.get(rater)) for rater in Rater.values],
        eq=eq,
        aspect_summary=aspect_summary,
        eq_instrument=scoring.eq_instrument_for_age(student.age_on(term.start)),
        can_enter=can_enter,
        override_form=(
            GroupOverrideForm(initial={"level": group.level if group else "normal"})
            if can_enter
            else None
        ),
        **selectors.term_chooser(term),
    )


@pages("students/<int:student_id>/group/")
@require_POST
@school_view(Perm.ENTER_SCREENING)
def group_override(request, student_id):
    student = student_get_for_user(request, student_id)
    term = _term_or_404(request)
    form = GroupOverrideForm(request.POST)
    target = student_page_url(request, student, term)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    before = copy.copy(CareGroup.objects.filter(student=student, term=term).first())
    try:
        group = services.care_group_override(
            student=student,
            term=term,
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    audit_view(
        request,
        _("Changed the care group to %(level)s") % {"level": group.get_level_display()},
        action=AuditEvent.Action.CHANGE,
        student=student,
        obj=group,
        changes={"level": [before.level if before else "", group.level]},
    )
    messages.success(
        request,
        _("The group is now %(level)s. The reason is kept in the history.")
        % {"level": group.get_level_display()},
    )
    return redirect(target)
