"""Screening documents made by jobs (see carecore.jobs). Each area keeps its own block."""

from carecore.jobs import job_kind
from schools.jobs import job_term


# --- parent and student slips (screening.slips) -----------------------------------------------
def _can_print_slips(request, generated) -> bool:
    from screening.slips import check_classroom_slips

    return check_classroom_slips(request, generated)


@job_kind("screening_slips", check=_can_print_slips)
def build_screening_slips(generated, progress):
    from screening.slips import build_classroom_slips

    return build_classroom_slips(generated, progress)


# --- screening summaries (screening.documents) ------------------------------------------------
def _can_see_summary_student(request, generated) -> bool:
    from students.access import students_for_user

    return students_for_user(request).filter(pk=generated.params.get("student_id")).exists()


def _can_see_summary_classroom(request, generated) -> bool:
    from schools.access import can_view_classroom_students
    from schools.models import Classroom

    classroom = Classroom.objects.filter(
        school=request.school, pk=generated.params.get("classroom_id")
    ).first()
    return classroom is not None and can_view_classroom_students(request, classroom)


def _can_see_school_summary(request, generated) -> bool:
    """The whole school: still one who sees every student. A homeroom teacher's own rows: still
    the teacher of each of those classrooms (or now one who sees every student)."""
    from carecore.access import visible_classroom_ids

    visible = visible_classroom_ids(request)
    if visible is None:
        return True
    wanted = generated.params.get("classroom_ids")
    if wanted is None:
        return False
    return set(wanted) <= set(visible)


@job_kind("screening_student_summary", check=_can_see_summary_student)
def build_student_summary(generated, progress):
    from django.utils.translation import gettext as _

    from carecore.jobs import BuiltFile, JobFailed
    from schools.selectors import term_code
    from screening import documents
    from students.models import Student

    term = job_term(generated)
    student = (
        Student.objects.filter(school_id=generated.school_id, pk=generated.params["student_id"])
        .select_related("school__district")
        .first()
    )
    if student is None:
        raise JobFailed(_("The student's record no longer exists."))
    content = documents.student_summary_pdf(student=student, term=term)
    return BuiltFile(
        filename=documents.file_name(generated.title, term_code(term), extension="pdf"),
        content=content,
    )


@job_kind("screening_classroom_summary", check=_can_see_summary_classroom)
def build_classroom_summary(generated, progress):
    from django.utils.translation import gettext as _

    from carecore.jobs import BuiltFile, JobFailed
    from schools.models import Classroom
    from screening import documents

    term = job_term(generated)
    classroom = Classroom.objects.filter(
        school_id=generated.school_id, pk=generated.params["classroom_id"]
    ).first()
    if classroom is None:
        raise JobFailed(_("The classroom no longer exists."))
    content = documents.classroom_summary_pdf(classroom=classroom, term=term, progress=progress)
    return BuiltFile(
        filename=documents.file_name(generated.title, extension="pdf"), content=content
    )


@job_kind("screening_school_summary", check=_can_see_school_summary)
def build_school_summary(generated, progress):
    from carecore.jobs import BuiltFile
    from screening import documents

    term = job_term(generated)
    content = documents.school_summary_pdf(
        school=generated.school,
        term=term,
        classroom_ids=generated.params.get("classroom_ids"),
    )
    return BuiltFile(
        filename=documents.file_name(generated.title, extension="pdf"), content=content
    )


# --- export of SDQ results (screening.exports) ------------------------------------------------
def _can_export(request, generated) -> bool:
    from screening.import_views import can_export

    return can_export(request)


@job_kind("screening_export", check=_can_export)
def build_screening_export(generated, progress):
    from screening.exports import build_export_job

    return build_export_job(generated, progress)
