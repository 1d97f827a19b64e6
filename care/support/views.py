"""Pages of the support students received (scholarships, funds, lunch, uniforms, transport):
the school's totals per kind and source for a term or a whole year, a student's support, and the
form to record support (Perm.MANAGE_SUPPORT: the coordinator)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from care import selectors
from care.models import Support, SupportKind
from care.routes import pages
from care.support.forms import SupportForm
from care.support.services import support_create
from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.form_views import form_saved, student_page
from schools.models import AcademicYear, Term
from schools.selectors import current_term
from students.access import student_get_for_user


def _period(request):
    """The academic year and term asked for (``?year=2568&term=1``; no term: the whole year);
    by default the current term. A year or term that does not exist gives a message and the
    default, never an error page."""
    years = list(AcademicYear.objects.order_by("-year"))
    current = current_term()
    year_text = (request.GET.get("year") or "").strip()
    term_text = (request.GET.get("term") or "").strip()
    if not year_text:
        if current is None:
            return years, None, None, []
        return years, current.academic_year, current, [current]
    year = next((y for y in years if str(y.year) == year_text), None)
    if year is None:
        messages.warning(
            request,
            _("There is no academic year %(year)s; showing the current term.")
            % {"year": year_text[:8]},
        )
        if current is None:
            return years, None, None, []
        return years, current.academic_year, current, [current]
    terms = list(Term.objects.filter(academic_year=year).select_related("academic_year"))
    if term_text in ("1", "2"):
        chosen = [t for t in terms if str(t.number) == term_text]
        if chosen:
            return years, year, chosen[0], chosen
    return years, year, None, terms


@pages("support/")
@school_view(Perm.VIEW_ALL_STUDENTS)
def support_summary(request):
    years, year, term, terms = _period(request)
    totals = selectors.support_totals(school=request.school, terms=terms)
    page = Paginator(selectors.support_records(school=request.school, terms=terms), 100).get_page(
        request.GET.get("page") or 1
    )
    audit_view(request, _("Viewed the list of support students received"))
    return render(
        request,
        "care/support_summary.html",
        {
            "school": request.school,
            "years": years,
            "year": year,
            "term": term,
            "totals": totals,
            "page_obj": page,
            "can_manage": Perm.MANAGE_SUPPORT in request.schoolperms,
        },
    )


@pages("students/<int:student_id>/support/")
@school_view(Perm.VIEW_SCHOOL)
def student_support(request, student_id):
    student = student_get_for_user(request, student_id)
    records = selectors.student_support(student=student)
    return student_page(
        request,
        "care/student_support.html",
        student,
        audit=_("Viewed the support the student received"),
        records=records,
        total=sum((r.amount or 0) for r in records),
        can_manage=Perm.MANAGE_SUPPORT in request.schoolperms,
    )


def _known_sources(school) -> list[str]:
    """Sources recorded before, for the suggestions of the source box."""
    return list(
        Support.objects.filter(school=school)
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:50]
    )


@pages("students/<int:student_id>/support/new/", name="support_create")
@school_view(Perm.MANAGE_SUPPORT)
def support_create_view(request, student_id):
    student = student_get_for_user(request, student_id)
    form = SupportForm(request.POST or None, initial={"date": timezone.localdate()})
    saved = form_saved(
        request,
        form,
        lambda data: support_create(student=student, user=request.user, request=request, **data),
        success=lambda support: (
            _("Support recorded: %(kind)s, term %(term)s.")
            % {"kind": support.get_kind_display(), "term": support.term}
        ),
        then=reverse(
            "care:student_support",
            kwargs={"school_code": request.school.code, "student_id": student.pk},
        ),
    )
    if saved:
        return saved
    return render(
        request,
        "care/support_form.html",
        {
            "school": request.school,
            "student": student,
            "form": form,
            "sources": _known_sources(request.school),
            "kinds": SupportKind.choices,
        },
    )
