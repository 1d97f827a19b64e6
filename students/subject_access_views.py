"""The subject-access export (students/subject_access.py), started from the student's page.

Only the director may start it (``Perm.EXPORT_SUBJECT_DATA``, docs/privacy.md): the file holds
the student's whole record, confidential notes included, and goes to the family on their written
request. Anyone else at the school gets 403, another school's user 404. Starting it is audited
(who exported whose file, when, on which request); the file is made by a job and fetched only by
the person who asked (carecore.jobs)."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from carecore.access import Perm, school_view
from carecore.file_views import school_document_start
from students.access import student_get_for_user
from students.routes import pages
from students.subject_access import subject_access_confidential

FORMATS = {
    "pdf": ("subject_access_pdf", gettext_lazy("Subject-access export (PDF) %(name)s")),
    "zip": ("subject_access_zip", gettext_lazy("Subject-access export (ZIP) %(name)s")),
}


class SubjectAccessForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("The written request"),
        max_length=200,
        error_messages={"required": gettext_lazy("Write who asked and when.")},
        help_text=gettext_lazy(
            "Who asked and when, or the number of the letter, e.g. the mother's letter of "
            "3 December 2569."
        ),
    )

    def clean_reference(self):
        value = " ".join(self.cleaned_data["reference"].split())
        if "\x00" in value or not value:
            raise forms.ValidationError(_("Write who asked and when."))
        return value


@pages("<int:student_id>/subject-access/")
@school_view(Perm.EXPORT_SUBJECT_DATA)
@require_http_methods(["GET"])
def subject_access(request, student_id):
    student = student_get_for_user(request, student_id)
    return _page(request, student, SubjectAccessForm())


def _page(request, student, form, status=200):
    return render(
        request,
        "students/subject_access/start.html",
        {"school": request.school, "student": student, "form": form},
        status=status,
    )


@pages("<int:student_id>/subject-access/<str:fmt>/")
@school_view(Perm.EXPORT_SUBJECT_DATA)
@require_POST
def subject_access_start(request, student_id, fmt):
    student = student_get_for_user(request, student_id)
    if fmt not in FORMATS:
        raise Http404
    form = SubjectAccessForm(request.POST)
    if not form.is_valid():
        return _page(request, student, form, status=400)
    kind, title = FORMATS[fmt]
    reference = form.cleaned_data["reference"]
    summary = _("%(title)s, on the written request: %(reference)s") % {
        "title": title % {"name": student.full_name},
        "reference": reference,
    }
    return school_document_start(
        request,
        kind=kind,
        title=summary,
        # Confidential notes go in when the person may read them (the director reads them all):
        # counselling_notes (care) and referral_note_ids (referrals).
        params={
            "student_id": student.pk,
            "reference": reference,
            **subject_access_confidential(request, student),
        },
        student=student,
        permission=Perm.EXPORT_SUBJECT_DATA,
    )
