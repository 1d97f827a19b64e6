"""The school dashboard (docs/dashboards.md): a term's figures of one school, computed live, and
the lists of students behind them.

Who: the director, the coordinator and the counsellor (VIEW_SCHOOL_DASHBOARD); anyone else of the
school gets 403 and everyone else 404 (``school_view``). Network and district staff hold the
school's VIEW_SCHOOL through their network or district, so they get 403 too: they read the
rolled-up dashboards, never a list of students. The lists name students: each view is audited.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, FilteredRelation, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.audit import audit_view
from carecore.thai import thai_order
from dashboards import figures
from dashboards.routes import school_pages
from dashboards.school_conduct import school_conduct
from dashboards.school_selectors import figure_title, school_dashboard
from earlywarning.selectors import school_counts as warning_counts
from schools.models import Classroom, Grade
from schools.selectors import term_code
from screening import selectors as screening_selectors
from students.access import students_for_user

PAGE_SIZE = 100


def _term(request):
    term = screening_selectors.term_for_request(request)
    if term is None:
        raise Http404
    return term


@school_pages("")
@school_view(Perm.VIEW_SCHOOL_DASHBOARD)
def dashboard(request):
    term = _term(request)
    dash = school_dashboard(school=request.school, term=term)
    see_sensitive = Perm.SEE_SENSITIVE_BEHAVIOUR in request.schoolperms
    return render(
        request,
        "dashboards/school_dashboard.html",
        {
            "school": request.school,
            **screening_selectors.term_chooser(term),
            "dash": dash,
            "conduct": school_conduct(
                school=request.school, term=term, dash=dash, see_sensitive=see_sensitive
            ),
            # The early warning as it stands tonight, whatever the term chosen (one query).
            "warning": warning_counts(school_ids=[request.school.pk])[request.school.pk]
            if Perm.VIEW_EARLY_WARNING in request.schoolperms
            else None,
        },
    )


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name) or ""
    if not value:
        return None
    if not value.isdigit() or len(value) > 9:
        raise Http404
    return int(value)


@school_pages("students/")
@school_view(Perm.VIEW_SCHOOL_DASHBOARD)
def students(request):
    """The students behind one figure (``?figure=<key>``), optionally of one grade or classroom
    (``grade=``, ``classroom=``): as many as the dashboard counts."""
    term = _term(request)
    key = request.GET.get("figure") or "students"
    title = figure_title(key)
    grade = _int_param(request, "grade")
    if grade is not None and grade not in Grade.values:
        raise Http404
    classroom = None
    classroom_id = _int_param(request, "classroom")
    if classroom_id is not None:
        classroom = Classroom.objects.filter(
            school=request.school, academic_year_id=term.academic_year_id, pk=classroom_id
        ).first()
        if classroom is None:
            raise Http404
    ids = figures.figure_student_ids(
        school_id=request.school.pk, term=term, key=key, grade=grade, classroom_id=classroom_id
    )
    if ids is None or title is None:
        raise Http404
    # Each student with their classroom and number of the term's year (one at most).
    rows = (
        students_for_user(request)
        .filter(pk__in=ids)
        .annotate(
            this_year=FilteredRelation(
                "enrolments", condition=Q(enrolments__academic_year_id=term.academic_year_id)
            ),
            room_grade=F("this_year__classroom__grade"),
            room_number=F("this_year__classroom__room"),
            number=F("this_year__number"),
        )
        .order_by(
            F("room_grade").asc(nulls_last=True),
            "room_number",
            "number",
            thai_order("first_name"),
            "pk",
        )
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page") or 1)
    for student in page.object_list:
        student.room = (
            f"{Grade(student.room_grade).label}/{student.room_number}" if student.room_grade else ""
        )
    place = str(classroom) if classroom else (Grade(grade).label if grade else "")
    audit_view(
        request,
        _("Viewed the dashboard's list: %(title)s, term %(term)s")
        % {"title": f"{title} {place}".strip(), "term": term},
        obj=request.school,
    )
    query = f"figure={key}&term={term_code(term)}"
    if classroom:
        query += f"&classroom={classroom.pk}"
    elif grade:
        query += f"&grade={grade}"
    return render(
        request,
        "dashboards/school_students.html",
        {
            "school": request.school,
            "term": term,
            "term_code": term_code(term),
            "title": title,
            "place": place,
            "page_obj": page,
            "query": query,
        },
    )
