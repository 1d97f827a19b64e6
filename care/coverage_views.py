"""Care coverage pages: a classroom's (who is cared for, who not yet, per group) and the school's
(per classroom, totals, and the students not yet cared for).

Who: the classroom page for whoever may see the classroom's students (another school's
classroom is 404, a classroom one may not open 403); the school page for those who see every
student (coordinator, director, counsellor) and for homeroom teachers with their own rooms only.
Both pages name students: each view is recorded in the audit log.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from care.coverage import coverage_for_classroom, coverage_for_school
from care.routes import pages
from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_view
from carecore.form_views import classroom_page
from schools.access import classroom_get_for_user
from screening import selectors as screening_selectors
from screening.summary_views import classroom_term


@pages("coverage/")
@school_view(Perm.VIEW_STUDENTS)
def coverage_school(request):
    classroom_ids = visible_classroom_ids(request)
    term = screening_selectors.term_for_request(request)
    if term is None:
        raise Http404
    coverage = coverage_for_school(school=request.school, term=term, classroom_ids=classroom_ids)
    audit_view(
        request,
        _("Viewed the care coverage of the school, term %(term)s") % {"term": term},
        obj=request.school,
    )
    return render(
        request,
        "care/coverage_school.html",
        {
            "school": request.school,
            "coverage": coverage,
            "own_rooms_only": classroom_ids is not None,
            **screening_selectors.term_chooser(term),
        },
    )


@pages("classrooms/<int:classroom_id>/coverage/")
@school_view(Perm.VIEW_SCHOOL)
def coverage_classroom(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    term, choices = classroom_term(request, classroom)
    coverage = coverage_for_classroom(classroom=classroom, term=term)
    audit_view(
        request,
        _("Viewed the care coverage of %(room)s, term %(term)s")
        % {"room": classroom, "term": term},
        obj=classroom,
    )
    return classroom_page(
        request,
        "care/coverage_classroom.html",
        classroom,
        coverage=coverage,
        can_record=Perm.RECORD_CARE in request.schoolperms,
        **screening_selectors.term_chooser(term, choices),
    )
