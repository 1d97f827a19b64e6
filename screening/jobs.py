"""Screening documents made by jobs (see carecore.jobs). Each area keeps its own block."""

from carecore.jobs import job_kind
from schools.jobs import can_still_see_classroom, job_classroom, job_term
from students.jobs import can_see_student, job_student


# --- parent and student slips (screening.slips) -----------------------------------------------
def _can_print_slips(request, generated) -> bool:
    from screening.slips import check_classroom_slips

    return check_classroom_slips(request, generated)


@job_kind("screening_slips", check=_can_print_slips)
def build_screening_slips(generated, progress):
    from screening.slips import build_classroom_slips

    return build_classroom_slips(generated, progress)


# --- screening summaries (screening.documents) ------------------------------------------------
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


@job_kind("screening_student_summary", check=can_see_student)
def build_student_summary(generated, progress):
    from carecore.jobs import BuiltFile
    from schools.selectors import term_code
    from screening import documents

    term = job_term(generated)
    student = job_student(generated, "school__district")
    content = documents.student_summary_pdf(student=student, term=term)
    return BuiltFile(
        filename=documents.file_name(generated.title, term_code(term), extension="pdf"),
        content=content,
    )


@job_kind("screening_classroom_summary", check=can_still_see_classroom)
def build_classroom_summary(generated, progress):
    from carecore.jobs import BuiltFile
    from screening import documents

    term = job_term(generated)
    classroom = job_classroom(generated)
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
