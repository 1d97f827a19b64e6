"""Pages of the cumulative record (ระเบียนสะสม): the whole record, one section with its history,
a section's form, a term's grades, and printing.

Who may see the record is who may see the student (carecore.access.student_get_for_user); who
may change it is decided by carecore.access.can_edit_record (docs/record.md).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.file_views import student_document_start
from carecore.form_views import add_service_errors, student_form_page
from students.access import can_edit_record, student_get_for_user
from students.record import selectors, services
from students.record.forms import SECTION_FORMS, TermResultForm, term_choices
from students.record.sections import SECTIONS
from students.routes import pages


def _student(request, student_id, *, edit: bool = False):
    """The student (404 outside the user's scope) and whether the user may change the record
    (403 when ``edit`` is asked and they may not)."""
    student = student_get_for_user(request, student_id)
    can_edit = can_edit_record(request, student)
    if edit and not can_edit:
        raise PermissionDenied
    return student, can_edit


def _section(section: str) -> str:
    if section not in SECTIONS:
        raise Http404
    return section


def _context(request, record, can_edit: bool, **extra) -> dict:
    return {
        "school": request.school,
        "student": record.student,
        "record": record,
        "can_edit": can_edit,
        "sections": list(record.sections.values()),
        **extra,
    }


@pages("<int:student_id>/record/", name="record")
@school_view(Perm.VIEW_SCHOOL)
def record_overview(request, student_id):
    student, can_edit = _student(request, student_id)
    record = selectors.record_load(student=student, academic_year=request.academic_year)
    audit_view(request, _("Viewed the cumulative record"), student=student)
    return render(request, "students/record/overview.html", _context(request, record, can_edit))


# Placed at the end of the module: its <slug:section> would also take "terms/" and "print/".
@school_view(Perm.VIEW_SCHOOL)
def record_section(request, student_id, section):
    section = _section(section)
    student, can_edit = _student(request, student_id)
    record = selectors.record_load(student=student, academic_year=request.academic_year)
    audit_view(
        request,
        _("Viewed the cumulative record: %(section)s") % {"section": SECTIONS[section].label},
        student=student,
    )
    return render(
        request,
        "students/record/section.html",
        _context(
            request,
            record,
            can_edit,
            section=record.sections[section],
            history=selectors.record_history(student=student, section=section),
        ),
    )


def _record_saved(request, form, save, *, student, section: str, success) -> HttpResponse | None:
    """The end of a record form's POST: ``save()`` calls the service; a rule of the model the
    form does not know shows on the form with the input kept (None: the page again). Saved:
    the message ``success(saved)`` gives (None when nothing changed, and the page says so) and
    the section's page."""
    try:
        saved = save()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    message = success(saved)
    if message:
        messages.success(request, message)
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(
        "students:record_section",
        school_code=request.school.code,
        student_id=student.pk,
        section=section,
    )


@pages("<int:student_id>/record/<slug:section>/edit/")
@school_view(Perm.VIEW_SCHOOL)
def record_section_edit(request, student_id, section):
    section = _section(section)
    student, _can_edit = _student(request, student_id, edit=True)
    form_class = SECTION_FORMS[section]
    current = SECTIONS[section].model.objects.filter(student=student).first()
    form = form_class(request.POST or None, record=current)
    if request.method == "POST" and form.is_valid():
        response = _record_saved(
            request,
            form,
            lambda: services.record_section_update(
                student=student,
                section=section,
                data=form.section_data(),
                user=request.user,
                request=request,
            ),
            student=student,
            section=section,
            success=lambda saved: _("Saved.") if saved.changed or saved.created else None,
        )
        if response:
            return response
    if request.method == "GET":
        audit_view(
            request,
            _("Opened the cumulative record for editing: %(section)s")
            % {"section": SECTIONS[section].label},
            student=student,
        )
    return render(
        request,
        "students/record/section_form.html",
        {
            "school": request.school,
            "student": student,
            "section_key": section,
            "section_label": SECTIONS[section].label,
            "form": form,
        },
    )


def _term_initial(student, term_key: str) -> dict:
    year, _sep, number = term_key.partition("-")
    initial = {"term": term_key}
    if year.isdigit() and number.isdigit():
        result = student.term_results.filter(year=int(year), term=int(number)).first()
        if result is not None:
            initial.update(
                gpa=result.gpa,
                failed_subjects="\n".join(result.failed_subjects),
                incomplete_subjects="\n".join(result.incomplete_subjects),
            )
    return initial


def _last_ended_term(today) -> int:
    """Index in ``term_choices()`` of the latest term whose grades can be out: term 2 of last
    year from May to 10 October, term 1 until the end of March, then term 2 (in April)."""
    if today.month == 4:
        return 0
    if 5 <= today.month <= 9 or (today.month == 10 and today.day <= 10):
        return 2
    return 1


@pages("<int:student_id>/record/terms/", name="record_terms")
@school_view(Perm.VIEW_SCHOOL)
def record_term_result(request, student_id):
    """Add or correct the grades of one term (``?term=2568-1`` opens that term's)."""
    student, _can_edit = _student(request, student_id, edit=True)
    if request.method == "POST":
        form = TermResultForm(request.POST)
    else:
        choices = [key for key, _label in term_choices()]
        term_key = request.GET.get("term", "")
        if term_key not in choices:
            term_key = choices[_last_ended_term(timezone.localdate())]
        form = TermResultForm(initial=_term_initial(student, term_key))
        audit_view(request, _("Opened the grades of a term for editing"), student=student)
    if request.method == "POST" and form.is_valid():
        year, term = form.cleaned_data["term"]
        response = _record_saved(
            request,
            form,
            lambda: services.term_result_save(
                student=student,
                year=year,
                term=term,
                gpa=form.cleaned_data["gpa"],
                failed_subjects=form.cleaned_data["failed_subjects"],
                incomplete_subjects=form.cleaned_data["incomplete_subjects"],
                user=request.user,
                request=request,
            ),
            student=student,
            section="ability",
            success=lambda saved: (
                _("Grades of term %(term)s saved.") % {"term": saved.record}
                if saved.changed
                else None
            ),
        )
        if response:
            return response
    return student_form_page(request, "students/record/term_result_form.html", student, form)


@pages("<int:student_id>/record/print/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def record_print(request, student_id):
    student, _can_edit = _student(request, student_id)
    return student_document_start(
        request, student, "cumulative_record", _("Cumulative record %(name)s")
    )


# After the fixed routes above ("terms/", "print/"), which its slug would also match.
pages("<int:student_id>/record/<slug:section>/")(record_section)
