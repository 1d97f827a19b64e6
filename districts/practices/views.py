"""Pages of the good-practice library (docs/district-work.md, "Good-practice library").

- A school's (``practices``, s/<school_code>/practices/): the district's library for every staff
  member of the school (VIEW_SCHOOL); the school's own practices, writing one, its photos and
  documents, sending it to the district, for the school's writers (SUBMIT_PRACTICES).
- The district's (``practices_district``): the library (VIEW_DISTRICT) and the review: send
  back with a comment, publish, take a published one down (REVIEW_PRACTICES).
- A network's (``practices_network``): the library (VIEW_AGGREGATES).

The library and a practice's page are the same at the three places (``Place`` says where the
links go and which frame the page is drawn in).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care.activities.forms import attachment_content_type
from carecore.access import Perm, district_view, network_view, school_view
from carecore.form_views import form_saved
from districts.practices import access, selectors, services
from districts.practices.forms import (
    NO_CHILD_NOTE,
    FileForm,
    LibraryFilterForm,
    PracticeForm,
    ReviewForm,
    SubmitForm,
    TakeDownForm,
)
from districts.practices.models import Practice, PracticeFile
from districts.practices.routes import district_pages, network_pages, pages


@dataclass(frozen=True)
class Place:
    """Where a library page is shown: its URL namespace and arguments, the page frame it is
    drawn in and what that frame reads."""

    namespace: str
    kwargs: dict
    frame: str
    context: dict = field(default_factory=dict)

    def url(self, name: str, **more) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs={**self.kwargs, **more})

    @property
    def library_url(self) -> str:
        return self.url("library")


# Each place: its URL namespace, the URL argument naming the place and the attribute giving
# it, the page frame (which reads the place under its own name).
PLACES = {
    "school": ("practices", "school_code", "code", "school_page.html"),
    "district": ("practices_district", "district_code", "code", "district_page.html"),
    "network": ("practices_network", "network_id", "pk", "practices/network_page.html"),
}


def _place(request, where: str) -> Place:
    namespace, argument, attribute, frame = PLACES[where]
    here = getattr(request, where)
    return Place(namespace, {argument: getattr(here, attribute)}, frame, {where: here})


# --- the library and a practice, at every place -------------------------------------------------
def _library(request, place: Place, practices, actions=()):
    form = LibraryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"query": "", "step": ""}
    found = selectors.library_page(practices, page=request.GET.get("page"), **filters)
    for practice in found.object_list:
        practice.url = place.url("practice_detail", practice_id=practice.pk)
    return render(
        request,
        "practices/library.html",
        {
            **place.context,
            "place": place,
            "form": form if request.GET else LibraryFilterForm(),
            "page_obj": found,
            "filtered": bool(filters["query"] or filters["step"]),
            "actions": actions,
        },
    )


def _detail(request, place: Place, practice: Practice, **context):
    detail = selectors.practice_detail(practice)
    for row in detail["photos"] + detail["documents"]:
        row.url = place.url("practice_file", practice_id=practice.pk, practice_file_id=row.pk)
        row.remove_url = f"{row.url}delete/"  # a school's own, while it may change them
        row.alt = row.caption or row.name
    return render(
        request,
        "practices/practice_detail.html",
        {**place.context, "place": place, "practice": practice, **detail, **context},
    )


def _file(practice: Practice, file_id: int) -> FileResponse:
    """A photo (shown in the page) or a document (downloaded), only through here: the files
    have no public address."""
    row = access.practice_file_get(practice, file_id)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if row.kind == PracticeFile.Kind.PHOTO:
        return FileResponse(handle, filename=row.name, content_type="image/jpeg")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=row.name,
        content_type=attachment_content_type(row.name),
    )


# --- a school's pages ----------------------------------------------------------------------------
def _school_actions(request) -> list[dict]:
    if Perm.SUBMIT_PRACTICES not in request.schoolperms:
        return []
    place = _place(request, "school")
    return [
        {
            "url": place.url("practice_new"),
            "label": _("Write a good practice"),
            "id": "practice-new",
        },
        {"url": place.url("school_practices"), "label": _("Our school's practices"), "id": "ours"},
    ]


@pages("")
@school_view(Perm.VIEW_SCHOOL)
def library(request):
    return _library(
        request,
        _place(request, "school"),
        access.practices_for_school(request),
        _school_actions(request),
    )


@pages("ours/")
@school_view(Perm.SUBMIT_PRACTICES)
def school_practices(request):
    place = _place(request, "school")
    rows = list(selectors.school_practices(school=request.school))
    for practice in rows:
        practice.url = place.url("practice_detail", practice_id=practice.pk)
    return render(
        request,
        "practices/school_practices.html",
        {**place.context, "place": place, "rows": rows},
    )


def _form_page(request, place: Place, form, practice=None, *, stale=False):
    return render(
        request,
        "practices/practice_form.html",
        {
            **place.context,
            "place": place,
            "form": form,
            "practice": practice,
            "no_child_note": NO_CHILD_NOTE,
            "stale": stale,
        },
    )


@pages("new/")
@school_view(Perm.SUBMIT_PRACTICES)
def practice_new(request):
    place = _place(request, "school")
    form = PracticeForm(request.POST or None)
    saved = form_saved(
        request,
        form,
        lambda _data: services.practice_create(
            school=request.school, user=request.user, **form.values()
        ),
        success=_("The practice is saved as a draft. Add photos and documents, then send it."),
        then=lambda practice: place.url("practice_detail", practice_id=practice.pk),
    )
    return saved or _form_page(request, place, form)


def _own_to_change(request, practice_id):
    """The school's own practice to change: (place, practice, None) while it may change it,
    else (place, practice, the answer that it may not)."""
    place = _place(request, "school")
    practice = access.practice_get_own(request, practice_id)
    return place, practice, _not_editable(request, place, practice)


def _not_editable(request, place: Place, practice: Practice):
    """The answer to a change of a practice the school may no longer change (None when it may)."""
    if practice.editable:
        return None
    messages.error(
        request,
        _(
            "This practice was sent to the district and can no longer be changed. If it needs "
            "changes, the district sends it back."
        ),
    )
    return redirect(place.url("practice_detail", practice_id=practice.pk))


@pages("<int:practice_id>/")
@school_view(Perm.VIEW_SCHOOL)
def practice_detail(request, practice_id):
    practice = access.practice_get_for_school(request, practice_id)
    return _school_detail(request, practice)


def _school_detail(request, practice: Practice, **forms):
    place = _place(request, "school")
    ours = practice.school_id == request.school.pk and (
        Perm.SUBMIT_PRACTICES in request.schoolperms
    )
    writable = ours and practice.editable
    context = {"show_events": ours, "writable": writable}
    if writable:
        context |= {
            "edit_url": place.url("practice_edit", practice_id=practice.pk),
            "file_form": forms.get("file_form") or FileForm(),
            "file_url": place.url("practice_file_add", practice_id=practice.pk),
            "submit_form": forms.get("submit_form") or SubmitForm(),
            "submit_url": place.url("practice_submit", practice_id=practice.pk),
            "delete_url": place.url("practice_delete", practice_id=practice.pk),
            "no_child_note": NO_CHILD_NOTE,
        }
    return _detail(request, place, practice, **context)


@pages("<int:practice_id>/edit/")
@school_view(Perm.SUBMIT_PRACTICES)
def practice_edit(request, practice_id):
    place, practice, refused = _own_to_change(request, practice_id)
    if refused:
        return refused
    form = PracticeForm(request.POST or None, initial=PracticeForm.initial_from(practice))

    def stale(current):
        """Keep what was typed; saving again now keeps it over the colleague's."""
        posted = request.POST.copy()
        posted["revision"] = current.revision
        return _form_page(request, place, PracticeForm(posted), current, stale=True)

    saved = form_saved(
        request,
        form,
        lambda data: services.practice_update(
            practice=practice, user=request.user, revision=data["revision"], **form.values()
        ),
        success=_("The practice is saved."),
        then=place.url("practice_detail", practice_id=practice.pk),
        on_stale=stale,
    )
    return saved or _form_page(request, place, form, practice)


def _school_post(request, practice_id, form_class, save, *, success: str, form_key: str):
    """A form posted from the school's page of one of its practices: saved, a message and
    back to the practice; refused, the page again with the form's errors."""
    place, practice, refused = _own_to_change(request, practice_id)
    if refused:
        return refused
    form = form_class(request.POST, request.FILES)
    saved = form_saved(
        request,
        form,
        lambda data: save(practice, form, data),
        success=success,
        then=place.url("practice_detail", practice_id=practice.pk),
    )
    return saved or _school_detail(request, practice, **{form_key: form})


@pages("<int:practice_id>/files/")
@school_view(Perm.SUBMIT_PRACTICES)
@require_POST
def practice_file_add(request, practice_id):
    return _school_post(
        request,
        practice_id,
        FileForm,
        lambda practice, form, data: services.practice_file_add(
            practice=practice,
            upload=data["file"],
            kind=form.kind_of(data["file"]),
            caption=data["caption"],
            user=request.user,
        ),
        success=_("The file is added."),
        form_key="file_form",
    )


@pages("<int:practice_id>/submit/")
@school_view(Perm.SUBMIT_PRACTICES)
@require_POST
def practice_submit(request, practice_id):
    return _school_post(
        request,
        practice_id,
        SubmitForm,
        lambda practice, form, data: services.practice_submit(practice=practice, user=request.user),
        success=_("The practice is sent to the district for review."),
        form_key="submit_form",
    )


@pages("<int:practice_id>/files/<int:practice_file_id>/")
@school_view(Perm.VIEW_SCHOOL)
def practice_file(request, practice_id, practice_file_id):
    return _file(access.practice_get_for_school(request, practice_id), practice_file_id)


@pages("<int:practice_id>/files/<int:practice_file_id>/delete/")
@school_view(Perm.SUBMIT_PRACTICES)
@require_POST
def practice_file_delete(request, practice_id, practice_file_id):
    place, practice, refused = _own_to_change(request, practice_id)
    if refused:
        return refused
    services.practice_file_delete(file=access.practice_file_get(practice, practice_file_id))
    messages.success(request, _("The file is removed."))
    return redirect(place.url("practice_detail", practice_id=practice.pk))


@pages("<int:practice_id>/delete/")
@school_view(Perm.SUBMIT_PRACTICES)
@require_POST
def practice_delete(request, practice_id):
    place, practice, refused = _own_to_change(request, practice_id)
    if refused:
        return refused
    services.practice_delete(practice=practice)
    messages.success(request, _("The practice is deleted."))
    return redirect(place.url("school_practices"))


# --- the district's pages ------------------------------------------------------------------------
@district_pages("", name="library")
@district_view(Perm.VIEW_DISTRICT)
def district_library(request):
    place = _place(request, "district")
    actions = []
    if Perm.REVIEW_PRACTICES in request.districtperms:
        waiting = selectors.waiting_count(district=request.district)
        actions.append(
            {
                "url": place.url("review_queue"),
                "label": _("Review (%(n)s waiting)") % {"n": waiting},
                "id": "review-queue",
            }
        )
    return _library(request, place, access.practices_for_district(request), actions)


@district_pages("review/")
@district_view(Perm.REVIEW_PRACTICES)
def review_queue(request):
    place = _place(request, "district")
    queue = selectors.review_queue(district=request.district)
    for practice in queue["waiting"] + queue["sent_back"]:
        practice.url = place.url("practice_detail", practice_id=practice.pk)
    return render(
        request, "practices/review_queue.html", {**place.context, "place": place, **queue}
    )


def _district_detail(request, practice: Practice, **forms):
    place = _place(request, "district")
    reviewer = Perm.REVIEW_PRACTICES in request.districtperms
    context: dict = {"show_events": reviewer}
    if reviewer and practice.status == Practice.Status.SUBMITTED:
        context["review_form"] = forms.get("review_form") or ReviewForm()
        context["review_url"] = place.url("practice_review", practice_id=practice.pk)
    if reviewer and practice.status == Practice.Status.PUBLISHED:
        context["take_down_form"] = forms.get("take_down_form") or TakeDownForm()
        context["take_down_url"] = place.url("practice_take_down", practice_id=practice.pk)
    return _detail(request, place, practice, **context)


@district_pages("<int:practice_id>/", name="practice_detail")
@district_view(Perm.VIEW_DISTRICT)
def district_practice_detail(request, practice_id):
    return _district_detail(request, access.practice_get_for_district(request, practice_id))


def _district_post(request, practice_id, status, form_class, save, *, form_key: str):
    place = _place(request, "district")
    practice = access.practice_get_for_district(request, practice_id)
    if practice.status != status:
        messages.error(request, _("This practice is not waiting for the district's review."))
        return redirect(place.url("practice_detail", practice_id=practice.pk))
    form = form_class(request.POST)
    saved = form_saved(
        request,
        form,
        lambda data: save(practice, data),
        success=lambda done: (
            _("The practice is published.")
            if done.status == Practice.Status.PUBLISHED
            else _("The practice is sent back to %(school)s.") % {"school": done.school.name}
        ),
        then=place.url("review_queue"),
    )
    return saved or _district_detail(request, practice, **{form_key: form})


def _review(practice: Practice, data: dict, user) -> Practice:
    if data["decision"] == ReviewForm.Decision.PUBLISH:
        return services.practice_publish(practice=practice, user=user, comment=data["comment"])
    return services.practice_send_back(practice=practice, user=user, comment=data["comment"])


@district_pages("<int:practice_id>/review/", name="practice_review")
@district_view(Perm.REVIEW_PRACTICES)
@require_POST
def practice_review(request, practice_id):
    return _district_post(
        request,
        practice_id,
        Practice.Status.SUBMITTED,
        ReviewForm,
        lambda practice, data: _review(practice, data, request.user),
        form_key="review_form",
    )


@district_pages("<int:practice_id>/take-down/", name="practice_take_down")
@district_view(Perm.REVIEW_PRACTICES)
@require_POST
def practice_take_down(request, practice_id):
    return _district_post(
        request,
        practice_id,
        Practice.Status.PUBLISHED,
        TakeDownForm,
        lambda practice, data: services.practice_send_back(
            practice=practice, user=request.user, comment=data["comment"]
        ),
        form_key="take_down_form",
    )


@district_pages("<int:practice_id>/files/<int:practice_file_id>/", name="practice_file")
@district_view(Perm.VIEW_DISTRICT)
def district_practice_file(request, practice_id, practice_file_id):
    return _file(access.practice_get_for_district(request, practice_id), practice_file_id)


# --- a network's pages ---------------------------------------------------------------------------
@network_pages("", name="library")
@network_view(Perm.VIEW_AGGREGATES)
def network_library(request):
    return _library(request, _place(request, "network"), access.practices_for_network(request))


@network_pages("<int:practice_id>/", name="practice_detail")
@network_view(Perm.VIEW_AGGREGATES)
def network_practice_detail(request, practice_id):
    practice = access.practice_get_for_network(request, practice_id)
    return _detail(request, _place(request, "network"), practice)


@network_pages("<int:practice_id>/files/<int:practice_file_id>/", name="practice_file")
@network_view(Perm.VIEW_AGGREGATES)
def network_practice_file(request, practice_id, practice_file_id):
    return _file(access.practice_get_for_network(request, practice_id), practice_file_id)
