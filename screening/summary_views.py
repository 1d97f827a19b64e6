"""Screening summaries on screen, as PDF (a job) and as XLSX (at once): per student, per classroom
and per school.

Who sees what:
- a student's summary: whoever may see the student (carecore.access.student_get_for_user);
- a classroom's summary: whoever may see the classroom's students (classroom_get_for_user:
  another school's classroom is 404, a classroom one may not open is 403);
- the school summary (no student names): those who see every student (coordinator, director,
  counsellor); a homeroom teacher sees the rows of their own classrooms only, with totals over
  those; other roles (discipline, nurse, network and district staff) get 403.

Viewing a page with names records a VIEW in the audit log; every PDF and XLSX records an EXPORT
(one event per student whose results are on the paper).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_record_many, audit_view
from carecore.file_views import school_document_start, student_document_start
from carecore.form_views import classroom_page, student_page
from carecore.models import AuditEvent
from schools.access import classroom_get_for_user
from schools.selectors import term_code, term_from_code, terms_of_year
from screening import documents, selectors, summaries
from screening.routes import pages
from students.access import student_get_for_user
from students.models import Student


# --- the term -----------------------------------------------------------------------------------
def _school_term(request):
    """The term of ``?term=`` (else the current one), and the terms to choose from."""
    term = selectors.term_for_request(request)
    if term is None:
        raise Http404  # no academic year set up at all
    return term, selectors.term_choices()


def classroom_term(request, classroom, *, note_other_year: bool = False):
    """A term of the classroom's academic year: the one asked for, else the current one, else
    the latest that has started (or the first). With the choices. ``note_other_year``: a
    message when the term asked for is of another academic year."""
    choices = [(term_code(t), t) for t in terms_of_year(classroom.academic_year)]
    if not choices:
        raise Http404
    term = selectors.term_for_request(request)
    if term is not None and term.academic_year_id == classroom.academic_year_id:
        return term, choices
    if note_other_year and request.GET.get("term") and term is not None:
        messages.info(
            request,
            _("Classroom %(room)s is of the academic year %(year)s; showing its term.")
            % {"room": classroom, "year": classroom.academic_year.year},
        )
    today = timezone.localdate()
    started = [t for _code, t in choices if t.start <= today]
    return (started[-1] if started else choices[0][1]), choices


def _term_from_post(request, fallback_term):
    """The term a print button posts (a hidden field); the page's term otherwise."""
    code = request.POST.get("term") or request.GET.get("term")
    if code:
        term = term_from_code(code)
        if term is not None:
            return term
    return fallback_term


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.XLSX_TYPE)
    # RFC 6266: a Thai file name needs filename* (as Django's FileResponse writes it).
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- per student --------------------------------------------------------------------------------
def _student_summary(request, student_id):
    """The student (404 outside the user's scope), the term asked for and the terms to choose
    from, and the student's summary in that term."""
    student = student_get_for_user(request, student_id)
    term, choices = _school_term(request)
    return student, term, choices, summaries.student_summary(student=student, term=term)


@pages("summary/students/<int:student_id>/", name="summary_student")
@school_view(Perm.VIEW_SCHOOL)
def student_summary(request, student_id):
    student, term, choices, summary = _student_summary(request, student_id)
    return student_page(
        request,
        "screening/summary/student.html",
        student,
        audit=_("Viewed the screening summary"),
        summary=summary,
        sheet=documents.student_summary_context(summary, documents.Paper(None)),
        **selectors.term_chooser(term, choices),
    )


@pages("summary/students/<int:student_id>/pdf/", name="summary_student_print")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def student_summary_print(request, student_id):
    student = student_get_for_user(request, student_id)
    term = _term_from_post(request, _school_term(request)[0])
    return student_document_start(
        request,
        student,
        "screening_student_summary",
        _("Individual screening summary %(name)s"),
        term_id=term.pk,
    )


@pages("summary/students/<int:student_id>/xlsx/", name="summary_student_xlsx")
@school_view(Perm.VIEW_SCHOOL)
def student_summary_xlsx(request, student_id):
    student, term, _choices, summary = _student_summary(request, student_id)
    title = _("Individual screening summary %(name)s") % {"name": student.full_name}
    audit_view(
        request,
        _("%(title)s (XLSX)") % {"title": title},
        action=AuditEvent.Action.EXPORT,
        student=student,
    )
    return _xlsx_response(
        documents.student_summary_xlsx(summary),
        documents.file_name(title, term_code(term), extension="xlsx"),
    )


# --- per classroom ------------------------------------------------------------------------------
def _classroom_students(request, classroom):
    return Student.objects.filter(school=request.school, enrolments__classroom=classroom)


def _classroom_summary(request, classroom_id):
    """The classroom's summary (404 or 403 as ``classroom_get_for_user``) in the term of the
    request (of the classroom's year), with the terms to choose from."""
    classroom = classroom_get_for_user(request, classroom_id)
    term, choices = classroom_term(request, classroom, note_other_year=True)
    return summaries.classroom_summary(classroom=classroom, term=term), term, choices


@pages("summary/classrooms/<int:classroom_id>/", name="summary_classroom")
@school_view(Perm.VIEW_SCHOOL)
def classroom_summary(request, classroom_id):
    summary, term, choices = _classroom_summary(request, classroom_id)
    return classroom_page(
        request,
        "screening/summary/classroom.html",
        summary.classroom,
        audit=_("Viewed the screening summary of %(room)s"),
        summary=summary,
        **selectors.term_chooser(term, choices),
    )


def _classroom_title(classroom, term) -> str:
    return _("Screening summary %(room)s, term %(term)s") % {"room": classroom, "term": term}


@pages("summary/classrooms/<int:classroom_id>/pdf/", name="summary_classroom_print")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def classroom_summary_print(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    term = _term_from_post(request, None)
    if term is None or term.academic_year_id != classroom.academic_year_id:
        term = classroom_term(request, classroom, note_other_year=True)[0]
    title = _classroom_title(classroom, term)
    return school_document_start(
        request,
        kind="screening_classroom_summary",
        title=title,
        params={"classroom_id": classroom.pk, "term_id": term.pk},
        students=_classroom_students(request, classroom),
        obj=classroom,
    )


@pages("summary/classrooms/<int:classroom_id>/xlsx/", name="summary_classroom_xlsx")
@school_view(Perm.VIEW_SCHOOL)
def classroom_summary_xlsx(request, classroom_id):
    summary, term, _choices = _classroom_summary(request, classroom_id)
    classroom = summary.classroom
    title = _classroom_title(classroom, term)
    audit_record_many(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        school=request.school,
        students=[row.student for row in summary.rows],
        obj=classroom,
        summary=_("%(title)s (XLSX)") % {"title": title},
        request=request,
    )
    return _xlsx_response(
        documents.classroom_summary_xlsx(summary),
        documents.file_name(title, extension="xlsx"),
    )


# --- per school ---------------------------------------------------------------------------------
def _school_title(term) -> str:
    return _("Screening summary of the school, term %(term)s") % {"term": term}


def _school_summary(request):
    """The school's summary in the term of the request (the classrooms the user sees), with the
    terms to choose from."""
    term, choices = _school_term(request)
    summary = summaries.school_summary(
        school=request.school, term=term, classroom_ids=visible_classroom_ids(request)
    )
    return summary, term, choices


@pages("summary/", name="summary_school")
@school_view(Perm.VIEW_STUDENTS)
def school_summary(request):
    summary, term, choices = _school_summary(request)
    return render(
        request,
        "screening/summary/school.html",
        {"school": request.school, "summary": summary, **selectors.term_chooser(term, choices)},
    )


@pages("summary/pdf/", name="summary_school_print")
@school_view(Perm.VIEW_STUDENTS)
@require_POST
def school_summary_print(request):
    classroom_ids = visible_classroom_ids(request)
    term = _term_from_post(request, None) or _school_term(request)[0]
    title = _school_title(term)
    return school_document_start(
        request,
        kind="screening_school_summary",
        title=title,
        params={"term_id": term.pk, "classroom_ids": classroom_ids},
        obj=request.school,
    )


@pages("summary/xlsx/", name="summary_school_xlsx")
@school_view(Perm.VIEW_STUDENTS)
def school_summary_xlsx(request):
    summary, term, _choices = _school_summary(request)
    title = _school_title(term)
    audit_view(
        request,
        _("%(title)s (XLSX)") % {"title": title},
        action=AuditEvent.Action.EXPORT,
        obj=request.school,
    )
    return _xlsx_response(
        documents.school_summary_xlsx(summary), documents.file_name(title, extension="xlsx")
    )
