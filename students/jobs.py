"""Printable documents of students, made by jobs (see carecore.jobs)."""

from django.utils.translation import gettext as _

from carecore.jobs import BuiltFile, job_kind, job_row
from schools.jobs import can_still_see_classroom, job_classroom
from students.access import students_for_user
from students.models import Student


def job_student(generated, *related: str) -> Student:
    """The student a job was started for (``params["student_id"]``) with ``related`` joined, or
    JobFailed if the record is gone."""
    return job_row(
        generated, Student, "student_id", _("The student's record no longer exists."), *related
    )


def can_see_student(request, generated) -> bool:
    return students_for_user(request).filter(pk=generated.params.get("student_id")).exists()


def pdf_name(*parts) -> str:
    return " ".join(str(p).replace("/", "-") for p in parts if p) + ".pdf"


def _classroom_document(generated, progress, render) -> BuiltFile:
    classroom = job_classroom(generated, "school", "academic_year")
    content = render(classroom=classroom, progress=progress)
    return BuiltFile(
        filename=pdf_name(generated.title, classroom.academic_year.year), content=content
    )


@job_kind("classroom_list", check=can_still_see_classroom)
def build_classroom_list(generated, progress) -> BuiltFile:
    from students import documents

    return _classroom_document(generated, progress, documents.classroom_list_pdf)


@job_kind("classroom_sheets", check=can_still_see_classroom)
def build_classroom_sheets(generated, progress) -> BuiltFile:
    from students import documents

    return _classroom_document(generated, progress, documents.classroom_sheets_pdf)


@job_kind("student_sheet", check=can_see_student)
def build_student_sheet(generated, progress) -> BuiltFile:
    from students import documents

    student = job_student(generated, "school")
    content = documents.student_sheet_pdf(student=student)
    return BuiltFile(filename=pdf_name(generated.title), content=content)


@job_kind("cumulative_record", check=can_see_student)
def build_cumulative_record(generated, progress) -> BuiltFile:
    from students import documents

    student = job_student(generated, "school")
    content = documents.cumulative_record_pdf(student=student)
    return BuiltFile(filename=pdf_name(generated.title), content=content)


# --- subject-access export (helper pdpa2) ---
def _subject_access(generated):
    from students.subject_access import subject_access_collect

    student = job_student(generated, "school__district")
    params = generated.params
    return subject_access_collect(
        student=student,
        counselling_notes=bool(params.get("counselling_notes")),
        referral_note_ids=params.get("referral_note_ids") or [],
        requested_by=generated.created_by.display_name if generated.created_by_id else "",
        reference=params.get("reference", ""),
    )


@job_kind("subject_access_pdf", check=can_see_student)
def build_subject_access_pdf(generated, progress) -> BuiltFile:
    """Everything held about one student, for people (students.subject_access)."""
    from students.subject_access import export_pdf, subject_access_filename

    export = _subject_access(generated)
    progress(10)
    content = export_pdf(export, progress)
    return BuiltFile(filename=subject_access_filename(export.student, "pdf"), content=content)


@job_kind("subject_access_zip", check=can_see_student)
def build_subject_access_zip(generated, progress) -> BuiltFile:
    """Everything held about one student, for machines: JSON, CSV, photos (a ZIP)."""
    from students.subject_access import export_zip, subject_access_filename

    export = _subject_access(generated)
    progress(20)
    content = export_zip(export, progress)
    return BuiltFile(
        filename=subject_access_filename(export.student, "zip"),
        content=content,
        content_type="application/zip",
    )


# --- end subject-access export ---
