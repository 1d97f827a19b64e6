"""Writes of home visits: saving a visit (with the co-advisor check), its photos, and copying
what the visit found into the cumulative record once the teacher confirms it."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_row, model_changes
from carecore.dates import format_date
from carecore.models import AuditEvent
from students.consent_selectors import has_photo_consent
from students.record.selectors import record_section_values
from students.record.services import record_section_update
from visits import photos
from visits.display import SECTIONS
from visits.models import MAX_PHOTOS, HomeVisit, VisitPhoto

# The fields a teacher fills in (the form's fields, in the order of the paper form): the visit's
# date and mode, the sections shown on the visit's page, and where it took place.
VISIT_FIELDS: tuple[str, ...] = (
    "date",
    "mode",
    "remote_reason",
    *(name for _section, names in SECTIONS for name in names),
    "latitude",
    "longitude",
    "location_accuracy_m",
    "location_source",
)

# Where the visit and the cumulative record hold the same fact (the same field name on both).
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "family": (
        "lives_with",
        "parents_status",
        "household_size",
        "income_per_month",
        "main_occupations",
    ),
    "protection": ("travel_mode", "travel_distance_km", "travel_minutes", "travel_cost_baht"),
}


class StaleVisit(Exception):
    """A co-advisor saved the visit after this form was opened; nothing was written."""

    def __init__(self, current: HomeVisit, fields: list[str]):
        super().__init__("stale visit")
        self.current = current
        self.fields = fields


def _value(visit: HomeVisit, name: str):
    value = getattr(visit, name)
    if isinstance(value, list):
        return sorted(value)
    return value


def _differing(a: HomeVisit, b: HomeVisit, fields: Iterable[str]) -> list[str]:
    return [name for name in fields if _value(a, name) != _value(b, name)]


@dataclass(frozen=True)
class VisitSaved:
    visit: HomeVisit
    created: bool
    completed: bool  # this save marked it done


@transaction.atomic
def visit_save(
    *,
    student,
    data: Mapping,
    done: bool,
    user,
    visit: HomeVisit | None = None,
    revision: int | None = None,
    client_key: uuid.UUID | None = None,
    classroom=None,
    academic_year=None,
    request=None,
) -> VisitSaved:
    """Create or change a visit of ``student`` with the form's ``data``.

    ``revision`` is the revision the form was opened at: when someone else saved since, the
    save is refused with ``StaleVisit`` (naming the fields where the two differ). ``client_key``
    names the form (one opening of it on the phone): when the same key arrives again (the phone
    retried after the connection dropped, or sent its offline queue twice), the earlier save is
    found and updated, never a second visit, and the form's own earlier save is not taken for a
    co-advisor's."""
    if visit is None and client_key is not None:
        visit = HomeVisit.objects.filter(client_key=client_key, student=student).first()
        if visit is not None and revision is None:
            # The first save of this form landed; the retry is an edit at that revision.
            revision = 1
    created = visit is None
    if created:
        visit = HomeVisit(
            school=student.school,
            student=student,
            academic_year=academic_year,
            classroom=classroom,
            client_key=client_key,
            recorded_by=user,
        )
        before = None
    else:
        visit = HomeVisit.objects.select_for_update().get(pk=visit.pk)
        before = copy.copy(visit)
    for name in VISIT_FIELDS:
        if name in data:
            setattr(visit, name, data[name])
    if visit.mode == HomeVisit.Mode.HOME:
        visit.remote_reason = ""
    own_save = client_key is not None and before is not None and before.last_save_key == client_key
    if before is not None and revision is not None and before.revision != revision and not own_save:
        raise StaleVisit(before, _differing(before, visit, VISIT_FIELDS))
    was_done = before is not None and before.status == HomeVisit.Status.DONE
    visit.status = HomeVisit.Status.DONE if done else HomeVisit.Status.DRAFT
    if done and not was_done:
        visit.completed_at = timezone.now()
    if not done:
        visit.completed_at = None
    changed = before is None or _differing(before, visit, (*VISIT_FIELDS, "status"))
    if not changed:
        return VisitSaved(visit=before, created=False, completed=False)
    visit.updated_by = user
    visit.last_save_key = client_key
    if before is not None:
        visit.revision = before.revision + 1
    visit.full_clean(
        exclude=["school", "student", "academic_year", "classroom", "client_key", "last_save_key"]
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # Two retries of the same new form raced; the other one won.
        raise StaleVisit(HomeVisit.objects.get(client_key=client_key), list(VISIT_FIELDS)) from None
    audit_row(
        visit,
        (
            _("Recorded a home visit of %(date)s")
            if created
            else _("Changed the home visit of %(date)s")
        )
        % {"date": format_date(visit.date)},
        user=user,
        request=request,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        changes=model_changes(before, visit, [*VISIT_FIELDS, "status"]) if before else None,
    )
    return VisitSaved(visit=visit, created=created, completed=done and not was_done)


def photo_key(form_key: uuid.UUID | None, kind: str) -> uuid.UUID | None:
    """The key of the photo of ``kind`` sent with the form ``form_key``: the same form sent again
    (a retry, the phone's offline queue) carries the same photo, which then lands once."""
    return uuid.uuid5(form_key, kind) if form_key is not None else None


def photos_already_added(form_key: uuid.UUID | None) -> set[str]:
    """The kinds of photo this form's earlier send already added (none for a new form)."""
    if form_key is None:
        return set()
    keys = {photo_key(form_key, kind): kind for kind in VisitPhoto.Kind.values}
    return {
        keys[k]
        for k in VisitPhoto.objects.filter(client_key__in=keys).values_list("client_key", flat=True)
    }


class PhotoConsentMissing(ValidationError):
    """The guardian has not consented to photos at home visits (or withdrew the consent)."""


def photo_consent_missing_message() -> str:
    return _(
        "The guardian has not given consent to photos at home visits (or has withdrawn it), "
        "so no photo can be added. Record the guardian's consent first."
    )


def _audit_photo(photo: VisitPhoto, action: str, summary: str, user, request) -> None:
    """The audit row of a change to a visit's photos; ``summary`` names the visit's date."""
    visit = photo.visit
    audit_row(
        visit,
        summary % {"date": format_date(visit.date)},
        user=user,
        request=request,
        action=action,
        obj=photo,
    )


@transaction.atomic
def photo_add(
    *, visit: HomeVisit, upload, kind: str, user, client_key=None, request=None
) -> VisitPhoto:
    """Add a photo to the visit: resized, stripped of its metadata, at most MAX_PHOTOS.

    Raises ValidationError with a message for the teacher when the file is not a photo or the
    visit has its five photos already, or when the guardian's consent to photos is not current
    (PhotoConsentMissing; docs/privacy.md). The same ``client_key`` twice adds the photo once."""
    if client_key is not None:
        existing = VisitPhoto.objects.filter(visit=visit, client_key=client_key).first()
        if existing is not None:
            return existing
    if not has_photo_consent(student=visit.student):
        raise PhotoConsentMissing(photo_consent_missing_message())
    # Lock the visit so that two uploads at once cannot both be the fifth.
    HomeVisit.objects.select_for_update().filter(pk=visit.pk).first()
    if VisitPhoto.objects.filter(visit=visit).count() >= MAX_PHOTOS:
        raise ValidationError(
            _("A visit keeps at most %(n)s photos. Remove one to add another.") % {"n": MAX_PHOTOS}
        )
    if kind not in VisitPhoto.Kind.values:
        kind = VisitPhoto.Kind.OTHER
    processed = photos.photo_process(upload)
    photo = VisitPhoto(
        visit=visit,
        school_id=visit.school_id,
        kind=kind,
        width=processed.width,
        height=processed.height,
        client_key=client_key,
        uploaded_by=user,
    )
    photo.image.save("photo.jpg", ContentFile(processed.content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:
        photo.image.delete(save=False)
        return VisitPhoto.objects.get(client_key=client_key)
    _audit_photo(
        photo,
        AuditEvent.Action.CREATE,
        _("Added a photo to the home visit of %(date)s"),
        user,
        request,
    )
    return photo


@transaction.atomic
def photo_delete(*, photo: VisitPhoto, user, request=None) -> None:
    _audit_photo(
        photo,
        AuditEvent.Action.DELETE,
        _("Removed a photo from the home visit of %(date)s"),
        user,
        request,
    )
    photo.delete()


def student_photos_delete_on_withdrawal(*, student, user, request=None) -> int:
    """Delete every home-visit photo of the student because the guardian withdrew consent to
    photos (PDPA: stop processing). Each photo leaves an audit row; the visits stay. Runs inside
    the caller's transaction (guardian consent withdrawal)."""
    removed = 0
    for photo in VisitPhoto.objects.filter(
        visit__student=student, school_id=student.school_id
    ).select_related("visit", "visit__school"):
        _audit_photo(
            photo,
            AuditEvent.Action.DELETE,
            _("Deleted a photo of the home visit of %(date)s: the guardian withdrew consent"),
            user,
            request,
        )
        photo.delete()
        removed += 1
    return removed


# --- the cumulative record ---------------------------------------------------------------------
@dataclass(frozen=True)
class RecordDifference:
    section: str
    field: str
    record_value: object
    visit_value: object


def visit_record_differences(*, visit: HomeVisit) -> list[RecordDifference]:
    """Facts the visit recorded that the cumulative record has otherwise (or not at all).

    A fact the visit left empty never empties the record."""
    from students.record.sections import stored

    differences = []
    for section, fields in RECORD_FIELDS.items():
        current = record_section_values(student=visit.student, section=section)
        for name in fields:
            value = stored(getattr(visit, name))
            if value in (None, "", []):
                continue
            if current.get(name) != value:
                differences.append(
                    RecordDifference(
                        section=section,
                        field=name,
                        record_value=current.get(name),
                        visit_value=getattr(visit, name),
                    )
                )
    return differences


@transaction.atomic
def visit_record_apply(*, visit: HomeVisit, fields: Iterable[str], user, request=None) -> int:
    """Copy the chosen ``fields`` from the visit into the record (the teacher ticked them).
    Returns how many facts changed."""
    chosen = set(fields)
    note = _("From the home visit of %(date)s") % {"date": format_date(visit.date)}
    changed = 0
    for section, names in RECORD_FIELDS.items():
        data = {
            name: getattr(visit, name)
            for name in names
            if name in chosen and getattr(visit, name) not in (None, "", [])
        }
        if not data:
            continue
        saved = record_section_update(
            student=visit.student, section=section, data=data, user=user, note=note, request=request
        )
        if saved.changed:
            changed += len(data)
    HomeVisit.objects.filter(pk=visit.pk).update(record_updated_at=timezone.now())
    return changed


def visit_record_skip(*, visit: HomeVisit) -> None:
    """The teacher looked and chose to leave the record as it is: stop asking after each save."""
    HomeVisit.objects.filter(pk=visit.pk).update(record_updated_at=timezone.now())


def photos_withdrawal_preview(student) -> dict:
    """What withdrawing consent to photos will delete (students.consent_uses)."""
    photos = VisitPhoto.objects.filter(visit__student=student, school_id=student.school_id)
    return {
        "photos": photos.count(),
        "visits_with_photos": photos.values("visit_id").distinct().count(),
    }


def photos_withdrawal_stop(*, student, user, request=None) -> dict:
    return {
        "photos_deleted": student_photos_delete_on_withdrawal(
            student=student, user=user, request=request
        )
    }
