import datetime
import re

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from carecore.models import Membership, User
from carecore.thai import thai_order, thai_sort_key
from schools.models import AcademicYear, Classroom, HomeroomAssignment, School, Term


def current_academic_year(today: datetime.date | None = None) -> AcademicYear | None:
    """The year whose dates contain today; between years, the latest one that has started."""
    today = today or timezone.localdate()
    year = AcademicYear.objects.filter(start__lte=today, end__gte=today).first()
    if year is None:
        year = AcademicYear.objects.filter(start__lte=today).order_by("-start").first()
    return year


def _teachers_prefetch() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=HomeroomAssignment.objects.select_related("teacher").order_by(
            thai_order("teacher__first_name"), thai_order("teacher__last_name")
        ),
    )


def classroom_list(*, school: School, academic_year: AcademicYear | None) -> QuerySet[Classroom]:
    """The school's classrooms of one year, with their number of students and their teachers."""
    return (
        Classroom.objects.filter(school=school, academic_year=academic_year)
        .annotate(student_count=Count("enrolments"))
        .prefetch_related(_teachers_prefetch())
        .order_by("grade", "room")
    )


def classroom_list_for_teacher(*, user: User, academic_year: AcademicYear | None):
    return (
        Classroom.objects.filter(assignments__teacher=user, academic_year=academic_year)
        .select_related("school")
        .annotate(student_count=Count("enrolments", distinct=True))
        .prefetch_related(_teachers_prefetch())
        .order_by(thai_order("school__name"), "grade", "room")
    )


def school_staff(*, school: School) -> list[tuple[User, list[Membership]]]:
    """Everyone with a role at the school, each with their roles there, ordered by name."""
    memberships = (
        Membership.objects.filter(school=school).select_related("user").order_by("user_id", "role")
    )
    by_user: dict[int, tuple[User, list[Membership]]] = {}
    for m in memberships:
        by_user.setdefault(m.user_id, (m.user, []))[1].append(m)
    return sorted(
        by_user.values(),
        key=lambda pair: (thai_sort_key(pair[0].first_name), thai_sort_key(pair[0].last_name)),
    )


def homeroom_candidates(*, school: School) -> QuerySet[User]:
    from carecore.models import Role

    return User.objects.filter(
        memberships__school=school, memberships__role=Role.HOMEROOM, is_active=True
    ).order_by(thai_order("first_name"), thai_order("last_name"))


def current_term(today: datetime.date | None = None) -> Term | None:
    """The term whose dates contain today; between terms (the October break, April), the latest
    one that has started."""
    today = today or timezone.localdate()
    terms = Term.objects.select_related("academic_year")
    term = terms.filter(start__lte=today, end__gte=today).first()
    if term is None:
        term = terms.filter(start__lte=today).order_by("-start").first()
    return term


TERM_CODE = re.compile(r"^\s*(\d{4})\s*[-/]\s*([12])\s*$")


def term_from_code(code: str) -> Term | None:
    """A term from its code, "2568-1" (BE year, then term), or "1/2568" as Thai people write it."""
    code = (code or "").strip()
    match = TERM_CODE.match(code)
    if match:
        year, number = int(match[1]), int(match[2])
    else:
        slashed = re.match(r"^\s*([12])\s*/\s*(\d{4})\s*$", code)
        if not slashed:
            return None
        number, year = int(slashed[1]), int(slashed[2])
    return (
        Term.objects.select_related("academic_year")
        .filter(academic_year__year=year, number=number)
        .first()
    )


def term_code(term: Term) -> str:
    return f"{term.academic_year.year}-{term.number}"


def terms_of_year(academic_year: AcademicYear | None) -> list[Term]:
    if academic_year is None:
        return []
    return list(Term.objects.filter(academic_year=academic_year).select_related("academic_year"))
