import copy

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from carecore.audit import audit_view, model_changes
from carecore.form_views import classroom_page, student_form_page, student_page
from carecore.models import AuditEvent
from schools.access import classroom_get_for_user
from students import selectors, services
from students.access import student_get_for_user
from students.extensions import annotate_roster, student_facts
from students.forms import GuardianForm, StudentForm
from students.models import Guardian
from students.record.selectors import (
    record_completeness_for_classroom,
    record_completeness_for_student,
)
from students.routes import classroom_pages, pages
from students.selectors import classroom_roster


@pages("<int:student_id>/")
@school_view(Perm.VIEW_SCHOOL)
def student_detail(request, student_id):
    student = student_get_for_user(request, student_id)
    enrolments = list(selectors.student_enrolments(student=student))
    current = next(
        (
            e
            for e in enrolments
            if e.classroom.academic_year_id == getattr(request.academic_year, "pk", None)
        ),
        None,
    )
    return student_page(
        request,
        "students/student_detail.html",
        student,
        audit=_("Viewed the student record"),
        age=student.age_on(timezone.localdate()),
        enrolments=enrolments,
        current=current,
        guardians=list(student.guardians.all()),
        can_edit=Perm.EDIT_STUDENTS in request.schoolperms,
        record_status=record_completeness_for_student(
            student=student, grade=current.classroom.grade if current else None
        ),
        # What the steps add: the latest care group, the latest home visit (extensions.py).
        **student_facts(request, student),
    )


def _saved_to_student_page(request, student, form, save, *, before, summary: str, success: str):
    """The POST of a valid ``form`` about ``student``: ``save`` (a service) writes the form's
    row, and the audit event of the change goes with it (a creation when there was nothing
    ``before``; ``summary`` may name the row as ``%(name)s``), under the student as saved (a
    student's own record: with its new name). Then the ``success`` message and back to the
    student's page. None on a GET or an invalid form: the view shows the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    with transaction.atomic():
        saved = save(form.save(commit=False))
        audit_view(
            request,
            summary % {"name": saved},
            action=AuditEvent.Action.CHANGE if before else AuditEvent.Action.CREATE,
            student=getattr(saved, "student", saved),
            obj=saved,
            changes=model_changes(before, saved, type(form).Meta.fields),
        )
    messages.success(request, success)
    return redirect(
        "students:student_detail", school_code=request.school.code, student_id=student.pk
    )


@pages("<int:student_id>/edit/")
@school_view(Perm.VIEW_SCHOOL)
def student_edit(request, student_id):
    student = student_get_for_user(request, student_id, permission=Perm.EDIT_STUDENTS)
    # The form edits a copy, so that a rejected edit does not show unsaved names as saved.
    form = StudentForm(request.POST or None, instance=copy.copy(student))
    saved = _saved_to_student_page(
        request,
        student,
        form,
        lambda row: services.student_save(student=row),
        before=student,
        summary=_("Edited the student record"),
        success=_("Student record saved."),
    )
    if saved:
        return saved
    # The edit form shows the national ID in full: opening it is a view of the record.
    return student_form_page(
        request,
        "students/student_form.html",
        student,
        form,
        opened=_("Opened the student record for editing"),
    )


@pages("<int:student_id>/guardians/<int:guardian_id>/")
@pages("<int:student_id>/guardians/new/", name="guardian_create")
@school_view(Perm.VIEW_SCHOOL)
def guardian_edit(request, student_id, guardian_id=None):
    student = student_get_for_user(request, student_id, permission=Perm.EDIT_STUDENTS)
    if guardian_id is None:
        guardian = Guardian(student=student)
    else:
        guardian = student.guardians.filter(pk=guardian_id).first()
        if guardian is None:
            raise Http404
    # The form writes into the instance while validating: keep the values from before.
    before = copy.copy(guardian) if guardian.pk else None
    form = GuardianForm(request.POST or None, instance=guardian)
    saved = _saved_to_student_page(
        request,
        student,
        form,
        lambda row: services.guardian_save(guardian=row),
        before=before,
        summary=_("Edited a guardian: %(name)s") if before else _("Added a guardian: %(name)s"),
        success=_("Guardian saved."),
    )
    if saved:
        return saved
    return student_form_page(
        request, "students/guardian_form.html", student, form, guardian=guardian
    )


@classroom_pages("<int:classroom_id>/")
@school_view(Perm.VIEW_SCHOOL)
def classroom_detail(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    # What the steps add to each row (the home visit this year) comes with the roster, in the
    # same query (extensions.py).
    enrolments = list(
        annotate_roster(classroom_roster(classroom=classroom), classroom.academic_year_id)
    )
    teachers = [a.teacher for a in classroom.assignments.select_related("teacher")]
    # The cumulative record: how complete each student's is (one query for the whole room).
    record_status = record_completeness_for_classroom(classroom=classroom)
    for e in enrolments:
        e.record_status = record_status.get(e.student_id)
    # One event for the class list (names, codes, guardians of every student in the room).
    return classroom_page(
        request,
        "students/classroom_detail.html",
        classroom,
        audit=_("Viewed the class list of %(room)s"),
        enrolments=enrolments,
        teachers=teachers,
        boys=sum(1 for e in enrolments if e.student.gender == "M"),
        girls=sum(1 for e in enrolments if e.student.gender == "F"),
        records_complete=sum(1 for st in record_status.values() if st.complete),
        visited=sum(1 for e in enrolments if getattr(e, "visit_id", None)),
    )
