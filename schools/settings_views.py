"""The school's document settings (emblem, Thai digits) and the permission-checked emblem.

Uploaded files are never served from MEDIA_ROOT directly: the emblem goes through
``school_emblem``, which any member of the school may request.
"""

from django.contrib import messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from carecore.access import Perm, school_view
from schools.forms import SchoolSettingsForm
from schools.models import School
from schools.routes import pages


@transaction.atomic
def school_document_settings_update(
    *,
    school: School,
    emblem: ContentFile | None = None,
    remove_emblem: bool = False,
    thai_digits: bool,
) -> School:
    """Replace or remove the emblem (a normalised PNG) and set the digits option. The old
    emblem file is deleted once the change is committed."""
    old_name = school.emblem.name if school.emblem else ""
    if emblem is not None:
        school.emblem.save("emblem.png", emblem, save=False)
    elif remove_emblem:
        school.emblem = ""
    school.document_thai_digits = thai_digits
    school.save(update_fields=["emblem", "document_thai_digits"])
    if old_name and old_name != school.emblem.name:
        storage = school.emblem.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return school


@pages("settings/")
@school_view(Perm.MANAGE_SCHOOL)
def school_settings(request):
    school = request.school
    has_emblem = bool(school.emblem)
    if request.method == "POST":
        form = SchoolSettingsForm(request.POST, request.FILES, has_emblem=has_emblem)
        if form.is_valid():
            school_document_settings_update(
                school=school,
                emblem=form.cleaned_data["emblem"],
                remove_emblem=form.cleaned_data.get("remove_emblem", False),
                thai_digits=form.cleaned_data["document_thai_digits"],
            )
            messages.success(request, _("School settings saved."))
            return redirect("schools:school_settings", school_code=school.code)
    else:
        form = SchoolSettingsForm(
            has_emblem=has_emblem,
            initial={"document_thai_digits": school.document_thai_digits},
        )
    return render(
        request,
        "schools/school_settings.html",
        {"school": school, "form": form, "has_emblem": has_emblem},
    )


@pages("emblem/")
@school_view(Perm.VIEW_SCHOOL)
def school_emblem(request):
    school = request.school
    if not school.emblem:
        raise Http404
    try:
        emblem = school.emblem.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(emblem, content_type="image/png")
    # The address stays the same when the emblem changes: pages add ?v=<file name>.
    response["Cache-Control"] = "private, max-age=86400"
    return response
