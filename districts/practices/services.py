"""Writes of the good-practice library: a school writes a practice, adds photos and documents,
sends it to the district; the district sends it back with a comment or publishes it (and may
take a published one down the same way). Each write is one transaction; a practice's texts
keep a ``revision`` (several teachers of the school may edit the same draft). A practice holds
no child's data, so no audit row: its ``PracticeEvent`` rows are the record of the review."""

from __future__ import annotations

from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.access import Perm
from carecore.models import Notification
from carecore.notifications import district_staff_with, notify
from carecore.writes import StaleRevision, acting_user, bump_revision, refuse_stale
from districts.practices import search
from districts.practices.models import Practice, PracticeEvent, PracticeFile
from visits.photos import photo_process

Status = Practice.Status
TEXT_FIELDS = ("title", "step", "owners", "summary", "steps_taken", "results")
MAX_PHOTOS = 10
MAX_DOCUMENTS = 5


class StalePractice(StaleRevision):
    """Someone of the school saved the practice after this person opened the form."""


class PracticeValues(TypedDict):
    title: str
    step: str
    owners: str
    summary: str
    steps_taken: str
    results: str


def _set_values(practice: Practice, values: PracticeValues) -> None:
    for name in TEXT_FIELDS:
        setattr(practice, name, values[name])
    practice.title = search.clean(practice.title)
    practice.owners = search.clean(practice.owners)
    practice.search_text = search.search_text_of(
        practice.title, practice.owners, practice.summary, practice.steps_taken, practice.results
    )


def _locked(practice: Practice) -> Practice:
    return Practice.objects.select_for_update().select_related("school").get(pk=practice.pk)


def _refuse_unless_editable(practice: Practice) -> None:
    if not practice.editable:
        raise ValidationError(
            _(
                "This practice was sent to the district and can no longer be changed. If it "
                "needs changes, the district sends it back."
            )
        )


@transaction.atomic
def practice_create(*, school, user, **values: Unpack[PracticeValues]) -> Practice:
    """A draft practice of ``school``, written by ``user``."""
    practice = Practice(school=school, district_id=school.district_id, created_by=user)
    _set_values(practice, values)
    practice.full_clean(exclude=["school", "district", "created_by", "published_by"])
    practice.save()
    return practice


@transaction.atomic
def practice_update(
    *, practice: Practice, user, revision: int | None = None, **values: Unpack[PracticeValues]
) -> Practice:
    """Change the texts of a draft or of a practice sent back. ``revision`` is the one the form
    was opened at: when someone saved since, ``StalePractice`` is raised, nothing written."""
    locked = refuse_stale(_locked(practice), revision, StalePractice)
    _refuse_unless_editable(locked)
    _set_values(locked, values)
    locked.full_clean(exclude=["school", "district", "created_by", "published_by"])
    bump_revision(locked, *TEXT_FIELDS, "search_text")
    return locked


@transaction.atomic
def practice_submit(*, practice: Practice, user) -> Practice:
    """Send a draft (or a practice sent back) to the district for review."""
    locked = _locked(practice)
    _refuse_unless_editable(locked)
    locked.status = Status.SUBMITTED
    locked.submitted_at = timezone.now()
    bump_revision(locked, "status", "submitted_at")
    PracticeEvent.objects.create(
        practice=locked, action=PracticeEvent.Action.SUBMITTED, by=acting_user(user)
    )
    notify(
        users=district_staff_with(Perm.REVIEW_PRACTICES, locked.district_id),
        kind=Notification.Kind.PRACTICE_SUBMITTED,
        url=reverse(
            "practices_district:practice_detail",
            kwargs={"district_code": locked.school.district.code, "practice_id": locked.pk},
        ),
        place=locked.school.name,
    )
    return locked


def _notify_school(practice: Practice, kind: str, user) -> None:
    """Published or sent back: the school's staff who sent the practice (its page at the
    school)."""
    submitters = (
        PracticeEvent.objects.filter(practice=practice, action=PracticeEvent.Action.SUBMITTED)
        .exclude(by=None)
        .select_related("by")
    )
    notify(
        users=[e.by for e in submitters if e.by != user],
        kind=kind,
        url=reverse(
            "practices:practice_detail",
            kwargs={"school_code": practice.school.code, "practice_id": practice.pk},
        ),
        place=practice.school.name,
    )


@transaction.atomic
def practice_send_back(*, practice: Practice, user, comment: str) -> Practice:
    """The district sends a practice back to its school with ``comment`` (what to change): one
    waiting for review, or a published one taken down (it leaves the library)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write what the school should change.")})
    locked = _locked(practice)
    if locked.status not in (Status.SUBMITTED, Status.PUBLISHED):
        raise ValidationError(_("This practice is not waiting for the district's review."))
    locked.status = Status.SENT_BACK
    locked.published_at = None
    locked.published_by = None
    bump_revision(locked, "status", "published_at", "published_by")
    PracticeEvent.objects.create(
        practice=locked, action=PracticeEvent.Action.SENT_BACK, comment=comment, by=user
    )
    _notify_school(locked, Notification.Kind.PRACTICE_RETURNED, user)
    return locked


@transaction.atomic
def practice_publish(*, practice: Practice, user, comment: str = "") -> Practice:
    """The district publishes a practice waiting for review: the whole district reads it."""
    locked = _locked(practice)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("This practice is not waiting for the district's review."))
    locked.status = Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = user
    bump_revision(locked, "status", "published_at", "published_by")
    PracticeEvent.objects.create(
        practice=locked,
        action=PracticeEvent.Action.PUBLISHED,
        comment=(comment or "").strip(),
        by=user,
    )
    _notify_school(locked, Notification.Kind.PRACTICE_PUBLISHED, user)
    return locked


def _delete_after_commit(names: list[str], storage) -> None:
    for name in names:
        transaction.on_commit(lambda name=name: storage.delete(name))


@transaction.atomic
def practice_delete(*, practice: Practice) -> None:
    """Delete a practice the school may still change, with its files."""
    locked = _locked(practice)
    _refuse_unless_editable(locked)
    names = list(locked.files.values_list("file", flat=True))
    storage = PracticeFile._meta.get_field("file").storage
    locked.delete()
    _delete_after_commit(names, storage)


@transaction.atomic
def practice_file_add(
    *, practice: Practice, upload, kind: str, caption: str = "", user
) -> PracticeFile:
    """Add a photo (re-encoded as a JPEG without its metadata: a phone's photo carries where it
    was taken) or a document (already checked by the form) to a practice the school may still
    change; at most MAX_PHOTOS photos and MAX_DOCUMENTS documents."""
    locked = _locked(practice)
    _refuse_unless_editable(locked)
    limit = MAX_PHOTOS if kind == PracticeFile.Kind.PHOTO else MAX_DOCUMENTS
    if locked.files.filter(kind=kind).count() >= limit:
        raise ValidationError(
            _("A practice keeps at most %(n)s photos. Remove one to add another.")
            if kind == PracticeFile.Kind.PHOTO
            else _("A practice keeps at most %(n)s documents. Remove one to add another."),
            params={"n": limit},
        )
    row = PracticeFile(
        practice=locked, kind=kind, caption=search.clean(caption)[:200], uploaded_by=user
    )
    if kind == PracticeFile.Kind.PHOTO:
        processed = photo_process(upload)
        stem = upload.name.rsplit(".", 1)[0] if "." in upload.name else upload.name
        row.name = f"{stem[:190]}.jpg"
        row.size = len(processed.content)
        row.file.save("photo.jpg", ContentFile(processed.content), save=False)
    else:
        row.name = upload.name[-200:]
        row.size = upload.size
        row.file.save(upload.name, upload, save=False)
    row.save()
    return row


@transaction.atomic
def practice_file_delete(*, file: PracticeFile) -> None:
    """Remove a file of a practice the school may still change."""
    _refuse_unless_editable(_locked(file.practice))
    name, storage = file.file.name, file.file.storage
    file.delete()
    _delete_after_commit([name], storage)
