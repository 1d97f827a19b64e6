from django.db.models import Prefetch, Q, QuerySet

from schools.models import Classroom
from students.models import Enrolment, Guardian, Student


def classroom_roster(*, classroom: Classroom) -> QuerySet[Enrolment]:
    """The students of a classroom in student-number order (เลขที่)."""
    return (
        Enrolment.objects.filter(classroom=classroom)
        .select_related("student")
        .prefetch_related(
            Prefetch("student__guardians", queryset=Guardian.objects.filter(is_primary=True))
        )
        .order_by("number")
    )


def search_enrolments(enrolments: QuerySet[Enrolment], query: str) -> QuerySet[Enrolment]:
    """The enrolments whose student's first name, last name, nickname or student code contains
    ``query`` (a student picker's search box)."""
    return enrolments.filter(
        Q(student__first_name__icontains=query)
        | Q(student__last_name__icontains=query)
        | Q(student__nickname__icontains=query)
        | Q(student__student_code__icontains=query)
    )


def student_enrolments(*, student: Student) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(student=student)
        .select_related("classroom", "classroom__academic_year")
        .prefetch_related("classroom__assignments__teacher")
        .order_by("-classroom__academic_year__year")
    )


def student_of_file(school_id: int, student_id: int) -> Student | None:
    """The student a file made by a job is about (the download's audit entry names them)."""
    return Student.objects.filter(pk=student_id, school_id=school_id).first()
