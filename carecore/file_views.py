"""Pages of files made by jobs: waiting page, progress fragment, download, retry, my files.

Every lookup goes through ``generated_file_get_for_user``: only the person who asked gets the
file, and only while they may still see what is in it."""

from collections.abc import Callable

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_scopes import scope

from carecore import jobs
from carecore.access import Perm, generated_file_get_for_user, school_view
from carecore.audit import audit_record, audit_record_many
from carecore.models import AuditEvent, GeneratedFile


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def generated_file_response(request, generated: GeneratedFile):
    """What a view that has just started a job answers: the progress fragment for htmx, a
    redirect to the waiting page otherwise (it refreshes itself without JavaScript)."""
    if _is_htmx(request):
        return render(request, "carecore/fragment_generated_file.html", _context(generated))
    return redirect("generated_file", file_id=generated.pk)


def school_document_start(
    request,
    *,
    kind: str,
    title: str,
    params: dict,
    student=None,
    students=None,
    obj=None,
    permission: str = Perm.VIEW_SCHOOL,
):
    """Start printing a document of the request's school and answer like
    ``generated_file_response``. Who printed whose data goes in the audit log when the job is
    started: one export per student on the paper (``students``), else one for ``student`` or
    for the document."""
    generated = jobs.generated_file_start(
        kind=kind,
        title=title,
        user=request.user,
        permission=permission,
        school=request.school,
        params=params,
    )
    audit = {
        "action": AuditEvent.Action.EXPORT,
        "user": request.user,
        "school": request.school,
        "obj": obj,
        "summary": title,
        "request": request,
    }
    if students is not None:
        audit_record_many(students=students, **audit)
    else:
        audit_record(student=student, **audit)
    return generated_file_response(request, generated)


def student_document_start(request, student, kind: str, title: str, **params):
    """Start printing a document about one student (``school_document_start``): ``title`` names
    the student as ``%(name)s``; the job's parameters are the student's id and ``params``; the
    student's EXPORT event goes in the audit log."""
    return school_document_start(
        request,
        kind=kind,
        title=title % {"name": student.full_name},
        params={"student_id": student.pk, **params},
        student=student,
    )


def record_print_view(*, kind: str, get_for_user: Callable, url_kwarg: str, title: Callable):
    """The view that prints one record about a student (a care plan, a referral, a home visit)
    by a job, on a POST: the record is ``get_for_user(request, pk)`` (whoever may see it may
    print it; anyone else does not find it), the job's parameter ``{url_kwarg: pk}`` and the
    paper's title ``title(record)``; the student's EXPORT event goes in the audit log."""

    @school_view(Perm.VIEW_SCHOOL)
    @require_POST
    def view(request, **kwargs):
        record = get_for_user(request, kwargs[url_kwarg])
        return school_document_start(
            request,
            kind=kind,
            title=title(record),
            params={url_kwarg: record.pk},
            student=record.student,
            obj=record,
        )

    return view


def _context(generated: GeneratedFile) -> dict:
    return {
        "generated": generated,
        "finished": generated.status in (GeneratedFile.Status.DONE, GeneratedFile.Status.FAILED),
        "can_retry": jobs.generated_file_can_retry(generated),
    }


@login_required
def generated_file_detail(request, file_id):
    generated = generated_file_get_for_user(request, file_id)
    return render(request, "carecore/generated_file.html", _context(generated))


@login_required
def generated_file_status(request, file_id):
    generated = generated_file_get_for_user(request, file_id)
    return render(request, "carecore/fragment_generated_file.html", _context(generated))


# The student a file of one student is about, found by the students app (students/apps.py
# ready()): ``(school_id, student_id) -> Student | None``. The foundation does not import it.
_download_student: Callable[[int, int], object] | None = None


def register_download_student(resolver: Callable[[int, int], object]) -> None:
    global _download_student
    _download_student = resolver


def _audit_download(request, generated: GeneratedFile) -> None:
    """Every download of a printed or exported file is logged (starting the job was logged
    too, with the students it covers): the file leaves the system here, once or many times.
    A file of one student names that student."""
    student = None
    student_id = (generated.params or {}).get("student_id")
    if generated.school_id and isinstance(student_id, int) and _download_student is not None:
        with scope(school=generated.school_id):
            student = _download_student(generated.school_id, student_id)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        user=request.user,
        school=generated.school,
        district=generated.district if generated.district_id else None,
        student=student,
        obj=generated,
        summary=_("Downloaded: %(title)s") % {"title": generated.title},
        request=request,
    )


def private_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """An uploaded file that has no public address (a school's evidence, a course's certificate,
    a deadline's report), served by a page that has checked who may have it: downloaded, never
    kept by a cache, never sniffed into another type. A file missing from the disk is 404."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# No Content-Security-Policy on the file itself: the site's policy (object-src 'none') would keep
# a browser's built-in PDF viewer from showing a report opened with "Open" (?inline=1). The
# response is a PDF, XLSX or ZIP with its own type and nosniff, never HTML.
@csp_exempt()
@login_required
def generated_file_download(request, file_id):
    generated = generated_file_get_for_user(request, file_id)
    if generated.status != GeneratedFile.Status.DONE or not generated.file:
        return redirect("generated_file", file_id=generated.pk)
    try:
        handle = generated.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    _audit_download(request, generated)
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("inline") != "1",
        filename=generated.filename,
        content_type=generated.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def generated_file_retry(request, file_id):
    generated = generated_file_get_for_user(request, file_id)
    generated = jobs.generated_file_retry(generated=generated)
    return generated_file_response(request, generated)


@login_required
def generated_file_list(request):
    """The person's own recent files (each still checked before it can be fetched)."""
    files = list(
        GeneratedFile.objects.filter(created_by=request.user)
        .select_related("school", "district")
        .order_by("-created")[:50]
    )
    return render(
        request,
        "carecore/generated_file_list.html",
        {"files": files, "lifetime_days": jobs.FILE_LIFETIME.days},
    )
