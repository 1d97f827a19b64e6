import datetime

from django.db import transaction

from schools.models import AcademicYear, Classroom, HomeroomAssignment, Term


def academic_year_create(*, year: int) -> AcademicYear:
    """An academic year (BE) with the usual OBEC dates: term 1 from 16 May to 10 October,
    term 2 from 1 November to 31 March."""
    ce = year - 543
    academic_year = AcademicYear.objects.create(
        year=year, start=datetime.date(ce, 5, 16), end=datetime.date(ce + 1, 3, 31)
    )
    Term.objects.create(
        academic_year=academic_year,
        number=1,
        start=datetime.date(ce, 5, 16),
        end=datetime.date(ce, 10, 10),
    )
    Term.objects.create(
        academic_year=academic_year,
        number=2,
        start=datetime.date(ce, 11, 1),
        end=datetime.date(ce + 1, 3, 31),
    )
    return academic_year


@transaction.atomic
def homeroom_teachers_set(*, classroom: Classroom, teachers) -> None:
    """Make ``teachers`` exactly the homeroom teachers of ``classroom``."""
    wanted = {t.pk for t in teachers}
    current = set(classroom.assignments.values_list("teacher_id", flat=True))
    classroom.assignments.filter(teacher_id__in=current - wanted).delete()
    HomeroomAssignment.objects.bulk_create(
        [HomeroomAssignment(classroom=classroom, teacher_id=pk) for pk in sorted(wanted - current)]
    )
