from django.db import transaction

from students.models import Guardian, Student


@transaction.atomic
def guardian_save(*, guardian: Guardian) -> Guardian:
    """Save a guardian; only one guardian of a student is the main one."""
    guardian.save()
    if guardian.is_primary:
        Guardian.objects.filter(student=guardian.student).exclude(pk=guardian.pk).update(
            is_primary=False
        )
    return guardian


def student_save(*, student: Student) -> Student:
    student.full_clean()
    student.save()
    return student
