"""Writes of committees (docs/district-work.md, "Committees and meetings"): a committee and its
appointment order, its members, a meeting with its agenda, attendance and minutes, a resolution
and its follow-up. Nothing here is about a child, so nothing writes to the audit log (as
supervision); who did what is on the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from carecore.writes import StaleRevision, bump_revision, refuse_stale
from districts.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    Meeting,
    Member,
    Resolution,
    ResolutionUpdate,
)

# The usual agenda of a Thai meeting (ระเบียบวาระการประชุม), given to every new meeting.
DEFAULT_AGENDA = [
    "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
    "รับรองรายงานการประชุมครั้งที่ผ่านมา",
    "เรื่องสืบเนื่อง",
    "เรื่องเพื่อพิจารณา",
    "เรื่องอื่น ๆ",
]
MAX_AGENDA = 12

COMMITTEE_FIELDS = (
    "title",
    "duties",
    "order_number",
    "order_date",
    "preamble",
    "signer_name",
    "signer_position",
)


class StaleCommittee(StaleRevision):
    """Someone changed the committee after this form was opened."""


class StaleMeeting(StaleRevision):
    """Someone saved the meeting after this form was opened."""


class StaleResolution(StaleRevision):
    """Someone followed the resolution up after this form was opened."""


# --- committees ---------------------------------------------------------------------------------
def committee_create(*, district, network=None, school=None, user, **fields) -> Committee:
    """A committee of the district office, of ``network`` or of ``school`` (of ``district``)."""
    if network is not None and school is not None:
        raise ValidationError(_("A committee is of one place: a network or a school."))
    if (network is not None and network.district_id != district.pk) or (
        school is not None and school.district_id != district.pk
    ):
        raise ValidationError(_("Choose a place of this district."))
    return Committee.objects.create(
        district=district,
        network=network,
        school=school,
        created_by=user,
        **{k: fields.get(k) or ("" if k != "order_date" else None) for k in COMMITTEE_FIELDS},
    )


def committee_update(*, committee: Committee, revision: int | None, **fields) -> Committee:
    with transaction.atomic():
        locked = refuse_stale(
            Committee.objects.select_for_update().get(pk=committee.pk), revision, StaleCommittee
        )
        for key in COMMITTEE_FIELDS:
            if key in fields:
                setattr(locked, key, fields[key] or ("" if key != "order_date" else None))
        bump_revision(locked, *COMMITTEE_FIELDS)
    return locked


def committee_delete(*, committee: Committee) -> None:
    if committee.meetings.exists():
        raise ValidationError(_("A committee with meetings is kept: its minutes are records."))
    committee.delete()


# --- members ------------------------------------------------------------------------------------
@dataclass
class MemberDetails:
    """Who a member is and their role: a user of the system (their name taken from it when none
    is typed) or a person outside it; ``order``, their place in the list (None: after the last,
    or unchanged)."""

    role: str
    user: object = None
    name: str = ""
    position: str = ""
    organisation: str = ""
    order: int | None = None

    def fields(self) -> dict:
        name = (self.name or "").strip()
        if not name and self.user is not None:
            name = self.user.display_name
        if not name:
            raise ValidationError({"name": _("Type the member's name, or choose a user.")})
        return {
            "user": self.user,
            "name": name[:200],
            "position": (self.position or "").strip()[:200],
            "organisation": (self.organisation or "").strip()[:200],
            "role": self.role,
        }


def member_add(*, committee: Committee, details: MemberDetails) -> Member:
    """Add a member. Members join the meetings to come (a meeting already held keeps its
    attendance)."""
    order = details.order
    if order is None:
        order = (committee.members.aggregate(m=Max("order"))["m"] or 0) + 1
    return Member.objects.create(committee=committee, order=order, **details.fields())


def member_update(*, member: Member, details: MemberDetails) -> Member:
    for key, value in details.fields().items():
        setattr(member, key, value)
    if details.order is not None:
        member.order = details.order
    member.save()
    return member


def member_remove(*, member: Member) -> None:
    """Take a member off the committee; one recorded at a meeting stays in its minutes'
    attendance, so they are refused (change the committee's order instead)."""
    if member.attendance.exists():
        raise ValidationError(
            _("This member is in the attendance of a meeting: the minutes keep them.")
        )
    member.delete()


# --- meetings -----------------------------------------------------------------------------------
def meeting_create(
    *,
    committee: Committee,
    held_on: datetime.date,
    starts_at: datetime.time | None = None,
    place: str = "",
    user,
) -> Meeting:
    """A meeting numbered after the committee's last, with the usual five agenda items and
    every member marked present (the secretary marks who was not)."""
    with transaction.atomic():
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
        number = (committee.meetings.aggregate(m=Max("number"))["m"] or 0) + 1
        meeting = Meeting.objects.create(
            committee=committee,
            number=number,
            held_on=held_on,
            starts_at=starts_at,
            place=place,
            created_by=user,
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, number=n, title=title)
            for n, title in enumerate(DEFAULT_AGENDA, start=1)
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member=member) for member in committee.members.all()
        )
    return meeting


@dataclass
class AgendaEntry:
    title: str
    details: str = ""
    minutes: str = ""


def meeting_save(
    *,
    meeting: Meeting,
    held_on: datetime.date,
    starts_at: datetime.time | None,
    place: str,
    guests: str,
    attendance: dict[int, str],
    agenda: list[AgendaEntry],
    revision: int | None,
) -> Meeting:
    """The meeting's details, who attended (``{member id: status}``; a member not named keeps
    theirs) and its agenda with the minutes, numbered in the order given (empty titles left
    out)."""
    agenda = [a for a in agenda if a.title.strip()]
    if not agenda:
        raise ValidationError(_("A meeting has at least one agenda item."))
    if len(agenda) > MAX_AGENDA:
        raise ValidationError(_("At most %(n)s agenda items.") % {"n": MAX_AGENDA})
    statuses = set(Attendance.Status.values)
    if any(status not in statuses for status in attendance.values()):
        raise ValidationError(_("Choose present, absent or excused for each member."))
    with transaction.atomic():
        locked = refuse_stale(
            Meeting.objects.select_for_update().get(pk=meeting.pk), revision, StaleMeeting
        )
        locked.held_on, locked.starts_at = held_on, starts_at
        locked.place, locked.guests = place, guests
        bump_revision(locked, "held_on", "starts_at", "place", "guests")
        rows = {a.member_id: a for a in Attendance.objects.filter(meeting=locked)}
        members = set(locked.committee.members.values_list("pk", flat=True))
        changed, added = [], []
        for member_id, status in attendance.items():
            if member_id not in members:
                continue
            row = rows.get(member_id)
            if row is None:
                added.append(Attendance(meeting=locked, member_id=member_id, status=status))
            elif row.status != status:
                row.status = status
                changed.append(row)
        Attendance.objects.bulk_update(changed, ["status"])
        Attendance.objects.bulk_create(added)
        AgendaItem.objects.filter(meeting=locked).delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=locked,
                number=n,
                title=a.title.strip()[:300],
                details=a.details.strip(),
                minutes=a.minutes.strip(),
            )
            for n, a in enumerate(agenda, start=1)
        )
    return locked


# --- resolutions --------------------------------------------------------------------------------
def resolution_add(
    *,
    meeting: Meeting,
    text: str,
    owner: str,
    due_on: datetime.date | None = None,
    agenda_number: int | None = None,
    user,
) -> Resolution:
    if agenda_number is not None and not meeting.agenda.filter(number=agenda_number).exists():
        raise ValidationError({"agenda_number": _("Choose an item of this meeting's agenda.")})
    if due_on is not None and due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date comes after the meeting.")})
    return Resolution.objects.create(
        meeting=meeting,
        agenda_number=agenda_number,
        text=text.strip(),
        owner=owner.strip(),
        due_on=due_on,
        created_by=user,
    )


def resolution_follow_up(
    *,
    resolution: Resolution,
    status: str,
    note: str,
    on: datetime.date,
    user,
    revision: int | None,
) -> ResolutionUpdate:
    """What was done about a resolution by ``on``, and its status from then."""
    if status not in Resolution.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if on < resolution.meeting.held_on:
        raise ValidationError({"on": _("The follow-up comes after the meeting.")})
    with transaction.atomic():
        locked = refuse_stale(
            Resolution.objects.select_for_update().get(pk=resolution.pk),
            revision,
            StaleResolution,
        )
        locked.status = status
        bump_revision(locked, "status")
        return ResolutionUpdate.objects.create(
            resolution=locked, on=on, note=note.strip(), status=status, by=user
        )
