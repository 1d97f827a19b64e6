"""Pages of home visits: progress for the school and a classroom, a student's visits, the visit
form (phone first, kept on the phone until the server confirms), photos through permission-checked
views, copying facts into the cumulative record, and printing.

Who may see a visit is who may see its student (carecore.access.student_get_for_user): another
school's visit, or a student of another classroom for a homeroom teacher, answers 404. Recording
needs Perm.RECORD_VISITS (homeroom teachers of the student, the counsellor, the coordinator).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecore.access import Perm, school_view, visible_classroom_ids
from carecore.audit import audit_view
from carecore.dates import format_date
from carecore.file_views import record_print_view, school_document_start
from carecore.form_views import classroom_page, student_page
from carecore.security_headers import permissions_policy
from schools.access import classroom_get_for_user
from students.access import student_get_for_user
from students.consent_selectors import has_photo_consent
from students.models import Enrolment, Student
from students.record.sections import display_value, field_label, section_model
from students.selectors import classroom_roster
from visits import photos, selectors, services
from visits.access import require_record_visits, visit_get_for_user
from visits.appointments import current_appointment
from visits.display import field_text, visit_sections
from visits.forms import PhotoForm, RecordUpdateForm, VisitForm
from visits.models import MAX_PHOTOS, HomeVisit, VisitPhoto
from visits.routes import pages


# --- lookups -----------------------------------------------------------------------------------
def _current_enrolment(request, student) -> Enrolment | None:
    return (
        Enrolment.objects.filter(student=student, classroom__academic_year=request.academic_year)
        .select_related("classroom")
        .first()
    )


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "visit-form"


# --- progress ----------------------------------------------------------------------------------
@pages("")
@school_view(Perm.VIEW_STUDENTS)
def school_progress(request):
    """The school's progress per classroom: the coordinator and director see every classroom (and
    which are behind); a homeroom teacher sees their own (none yet: the empty page)."""
    classroom_ids = visible_classroom_ids(request)
    progress = selectors.school_progress(
        school=request.school, academic_year=request.academic_year, classroom_ids=classroom_ids
    )
    rows = progress.rows
    if request.GET.get("order") == "behind":
        rows = sorted(rows, key=lambda r: (r.share, r.classroom.grade, r.classroom.room))
    return render(
        request,
        "visits/school_progress.html",
        {
            "school": request.school,
            "academic_year": request.academic_year,
            "progress": progress,
            "rows": rows,
            "whole_school": classroom_ids is None,
            "order": request.GET.get("order", ""),
        },
    )


@pages("classrooms/<int:classroom_id>/")
@school_view(Perm.VIEW_SCHOOL)
def classroom_progress(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    enrolments = list(
        selectors.with_visit_status(
            classroom_roster(classroom=classroom), classroom.academic_year_id
        )
    )
    visited = sum(1 for e in enrolments if e.visit_id)
    return classroom_page(
        request,
        "visits/classroom_progress.html",
        classroom,
        audit=_("Viewed the home visits of %(room)s"),
        enrolments=enrolments,
        visited=visited,
        total=len(enrolments),
        percent=int(visited * 100 / len(enrolments)) if enrolments else 0,
        can_record=Perm.RECORD_VISITS in request.schoolperms,
    )


# --- a student's visits ------------------------------------------------------------------------
@pages("students/<int:student_id>/")
@school_view(Perm.VIEW_SCHOOL)
def student_visits(request, student_id):
    student = student_get_for_user(request, student_id)
    visits = list(selectors.student_visits(student=student))
    enrolment = _current_enrolment(request, student)
    return student_page(
        request,
        "visits/student_visits.html",
        student,
        audit=_("Viewed the home visits"),
        visits=visits,
        classroom=enrolment.classroom if enrolment else None,
        can_record=Perm.RECORD_VISITS in request.schoolperms,
        appointment=current_appointment(student=student),
    )


def _photo_cards(request, visit) -> list[dict]:
    """The visit's photos as the photo card (``_photo_card.html``) draws them."""
    cards = []
    for photo in visit.photos.all():
        kwargs = {"school_code": request.school.code, "visit_id": visit.pk, "photo_id": photo.pk}
        url = reverse("visits:photo", kwargs=kwargs)
        cards.append(
            {
                "url": url,
                "thumb": f"{url}?size=small",
                "alt": photo.get_kind_display(),
                "caption": photo.get_kind_display(),
                "remove_url": reverse("visits:photo_delete", kwargs=kwargs),
            }
        )
    return cards


@pages("<int:visit_id>/", name="visit")
@school_view(Perm.VIEW_SCHOOL)
def visit_detail(request, visit_id):
    visit = visit_get_for_user(request, visit_id)
    audit_view(
        request,
        _("Viewed the home visit of %(date)s") % {"date": format_date(visit.date)},
        student=visit.student,
    )
    differences = (
        services.visit_record_differences(visit=visit)
        if Perm.RECORD_VISITS in request.schoolperms and visit.status == HomeVisit.Status.DONE
        else []
    )
    return render(
        request,
        "visits/visit_detail.html",
        {
            "school": request.school,
            "student": visit.student,
            "visit": visit,
            "photos": _photo_cards(request, visit),
            "sections": visit_sections(visit),
            "can_record": Perm.RECORD_VISITS in request.schoolperms,
            "record_differences": len(differences),
            "cleared_drafts": _cleared_drafts(request, visit),
        },
    )


# --- the form ----------------------------------------------------------------------------------
def _draft_key(request, student, visit) -> str:
    return f"visit:{request.school.code}:{student.pk}:{visit.pk if visit else 'new'}"


def _form_page(request, *, student, visit, form, photo_form, stale=None, status=200):
    existing = list(visit.photos.all()) if visit else []
    return render(
        request,
        "visits/visit_form.html",
        {
            "school": request.school,
            "student": student,
            "visit": visit,
            "form": form,
            "photo_form": photo_form,
            "photos": existing,
            "photo_slots": MAX_PHOTOS - len(existing),
            "max_photos": MAX_PHOTOS,
            "revision": visit.revision if visit else "",
            "client_key": request.POST.get("client_key") or uuid.uuid4(),
            "draft_key": _draft_key(request, student, visit),
            "stale": stale,
            # No photo without the guardian's current consent (docs/privacy.md).
            "photo_consent": has_photo_consent(student=student),
        },
        status=status,
    )


def _client_key(request):
    try:
        return uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return None


def _revision(request):
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _visit_form(request, *, student, visit):
    """The form of a new visit (``visit`` None) or an existing one: validate, save the visit and
    its photos in one transaction (all or nothing), answer JSON to the phone's script."""
    require_record_visits(request)
    enrolment = _current_enrolment(request, student)
    if request.method != "POST":
        initial = {}
        if visit is None:
            initial = {
                "date": timezone.localdate(),
                "visitors": request.user.display_name,
                "mode": HomeVisit.Mode.HOME,
            }
        form = VisitForm(instance=visit, initial=initial, academic_year=request.academic_year)
        return _form_page(request, student=student, visit=visit, form=form, photo_form=PhotoForm())
    form = VisitForm(
        request.POST, instance=visit or HomeVisit(), academic_year=request.academic_year
    )
    photo_form = PhotoForm(request.POST, request.FILES)
    done = request.POST.get("action") == "done"
    valid = form.check_done() if done else form.is_valid()
    if valid:
        uploads = photo_form.uploads()
        if uploads and not has_photo_consent(student=student):
            photo_form.add_error(None, services.photo_consent_missing_message())
            valid = False
    form_key = _client_key(request)
    if valid:
        # A photo this form's earlier send added already (a retry, the phone's queue) lands once.
        sent = services.photos_already_added(form_key)
        uploads = [(kind, upload) for kind, upload in uploads if kind not in sent]
        existing = visit.photos.count() if visit else 0
        if existing + len(uploads) > MAX_PHOTOS:
            photo_form.add_error(
                None,
                _("A visit keeps at most %(n)s photos. Remove one to add another.")
                % {"n": MAX_PHOTOS},
            )
            valid = False
    if valid:
        try:
            with transaction.atomic():
                saved = services.visit_save(
                    student=student,
                    visit=visit,
                    data=form.visit_data(),
                    done=done,
                    user=request.user,
                    revision=_revision(request) if visit else None,
                    client_key=form_key,
                    classroom=enrolment.classroom if enrolment else None,
                    academic_year=request.academic_year,
                    request=request,
                )
                for kind, upload in uploads:
                    try:
                        services.photo_add(
                            visit=saved.visit,
                            upload=upload,
                            kind=kind,
                            user=request.user,
                            client_key=services.photo_key(form_key, kind),
                            request=request,
                        )
                    except ValidationError as error:
                        photo_form.add_error(kind, error)
                        raise
        except services.StaleVisit as stale:
            return _form_page(
                request,
                student=student,
                visit=visit or stale.current,
                form=form,
                photo_form=photo_form,
                stale=_stale_context(stale),
                status=409,
            )
        except ValidationError:
            pass  # a photo was refused: nothing was saved, the form says which
        else:
            target = _after_save_url(request, saved)
            if _wants_json(request):
                return JsonResponse({"ok": True, "url": target})
            return redirect(target)
    return _form_page(
        request, student=student, visit=visit, form=form, photo_form=photo_form, status=400
    )


def _cleared_drafts(request, visit) -> list[str]:
    """The browser copies a page shown right after a confirmed save may delete (the form's
    script removes them itself; this covers the ordinary, script-less path)."""
    saved = request.GET.get("saved")
    if saved == "new":
        return [_draft_key(request, visit.student, None)]
    if saved == "edit":
        return [_draft_key(request, visit.student, visit)]
    return []


def _after_save_url(request, saved) -> str:
    visit = saved.visit
    query = "?saved=" + ("new" if saved.created else "edit")
    if (
        visit.status == HomeVisit.Status.DONE
        and visit.record_updated_at is None
        and services.visit_record_differences(visit=visit)
    ):
        messages.success(
            request,
            _(
                "The visit is saved. It found facts that differ from the cumulative record: "
                "check them."
            ),
        )
        return (
            reverse(
                "visits:record_update",
                kwargs={"school_code": request.school.code, "visit_id": visit.pk},
            )
            + query
        )
    if visit.status == HomeVisit.Status.DONE:
        messages.success(request, _("The home visit is saved."))
    else:
        messages.success(request, _("The draft is saved. Finish it when you are ready."))
    return (
        reverse("visits:visit", kwargs={"school_code": request.school.code, "visit_id": visit.pk})
        + query
    )


def _stale_context(stale: services.StaleVisit) -> dict:
    current = stale.current
    rows = []
    for name in stale.fields:
        label = HomeVisit._meta.get_field(name).verbose_name
        rows.append({"label": label, "value": field_text(current, name)})
    return {
        "by": current.updated_by.display_name if current.updated_by else "",
        "at": current.modified,
        "rows": rows,
        "revision": current.revision,
    }


@pages("students/<int:student_id>/new/")
@school_view(Perm.VIEW_SCHOOL)
@permissions_policy("geolocation", "camera")  # where the house is, photos taken on the phone
def visit_new(request, student_id):
    student = student_get_for_user(request, student_id)
    return _visit_form(request, student=student, visit=None)


@pages("<int:visit_id>/edit/")
@school_view(Perm.VIEW_SCHOOL)
@permissions_policy("geolocation", "camera")
def visit_edit(request, visit_id):
    visit = visit_get_for_user(request, visit_id)
    return _visit_form(request, student=visit.student, visit=visit)


# --- photos ------------------------------------------------------------------------------------
def _photo(request, visit_id, photo_id) -> VisitPhoto:
    visit = visit_get_for_user(request, visit_id)
    photo = (
        VisitPhoto.objects.filter(visit=visit, pk=photo_id)
        .select_related("visit", "visit__student")
        .first()
    )
    if photo is None:
        raise Http404
    return photo


@pages("<int:visit_id>/photos/<int:photo_id>/")
@school_view(Perm.VIEW_SCHOOL)
def photo(request, visit_id, photo_id):
    """The photo's bytes, to someone who may see the visit; never a public address."""
    item = _photo(request, visit_id, photo_id)
    try:
        with item.image.open("rb") as f:
            content = f.read()
    except FileNotFoundError:
        raise Http404 from None
    small = request.GET.get("size") == "small"
    if small:
        content = photos.thumbnail(content)
    # A photo of a child's home is personal data: every time its bytes leave, it is logged
    # (the small size too: the browser keeps either for an hour, so this is once a page).
    audit_view(
        request,
        _("Viewed a home-visit photo (small)") if small else _("Viewed a home-visit photo"),
        student=item.visit.student,
        obj=item,
    )
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@pages("<int:visit_id>/photos/<int:photo_id>/delete/")
@school_view(Perm.VIEW_SCHOOL)
def photo_delete(request, visit_id, photo_id):
    """Asks first; removes the photo on a POST that confirms."""
    item = _photo(request, visit_id, photo_id)
    require_record_visits(request)
    if request.method == "POST" and request.POST.get("confirm"):
        services.photo_delete(photo=item, user=request.user, request=request)
        messages.success(request, _("The photo is removed."))
        return redirect("visits:visit", school_code=request.school.code, visit_id=visit_id)
    return render(
        request,
        "visits/photo_delete.html",
        {
            "school": request.school,
            "student": item.visit.student,
            "visit": item.visit,
            "photo": item,
        },
    )


# --- the cumulative record ---------------------------------------------------------------------
@pages("<int:visit_id>/record/")
@school_view(Perm.VIEW_SCHOOL)
def record_update(request, visit_id):
    """What the visit found that the cumulative record says otherwise: the teacher ticks what to
    copy (all ticked), or leaves the record as it is."""
    visit = visit_get_for_user(request, visit_id)
    require_record_visits(request)
    differences = services.visit_record_differences(visit=visit)
    form = RecordUpdateForm(request.POST or None, differences=differences)
    if request.method == "POST" and form.is_valid():
        if "skip" in request.POST:
            services.visit_record_skip(visit=visit)
            messages.info(request, _("The cumulative record was left as it was."))
        else:
            changed = services.visit_record_apply(
                visit=visit,
                fields=form.cleaned_data["fields_to_copy"],
                user=request.user,
                request=request,
            )
            messages.success(
                request,
                _("The cumulative record is updated (%(n)s facts).") % {"n": changed}
                if changed
                else _("Nothing was copied into the cumulative record."),
            )
        return redirect("visits:visit", school_code=request.school.code, visit_id=visit.pk)
    rows = []
    for d in differences:
        model = section_model(d.section)
        rows.append(
            {
                "field": d.field,
                "label": field_label(model, d.field),
                "record": display_value(model, d.field, d.record_value)
                if d.record_value not in (None, "", [])
                else "",
                "visit": display_value(model, d.field, d.visit_value),
            }
        )
    return render(
        request,
        "visits/record_update.html",
        {
            "school": request.school,
            "student": visit.student,
            "visit": visit,
            "rows": rows,
            "form": form,
            "cleared_drafts": _cleared_drafts(request, visit),
        },
    )


# --- printing ----------------------------------------------------------------------------------
visit_print = pages("<int:visit_id>/print/", name="visit_print")(
    record_print_view(
        kind="home_visit",
        get_for_user=visit_get_for_user,
        url_kwarg="visit_id",
        title=lambda visit: _("Home visit record %(name)s") % {"name": visit.student.full_name},
    )
)


@pages("classrooms/<int:classroom_id>/print/")
@school_view(Perm.VIEW_SCHOOL)
@require_POST
def classroom_print(request, classroom_id):
    classroom = classroom_get_for_user(request, classroom_id)
    title = _("Home visit records %(classroom)s") % {"classroom": classroom}
    return school_document_start(
        request,
        kind="classroom_visits",
        title=title,
        params={"classroom_id": classroom.pk},
        students=Student.objects.filter(school=request.school, enrolments__classroom=classroom),
        obj=classroom,
    )
