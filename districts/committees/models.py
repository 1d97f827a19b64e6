"""Committees and their meetings (docs/district-work.md, "Committees and meetings").

- ``Committee``: a committee (คณะกรรมการ, คณะทำงาน) of the district office, of one network or
  of one school: the level is which of ``network`` and ``school`` is set (neither: the
  district's). Its duties, and its appointment order (คำสั่งแต่งตั้ง): number, date, preamble,
  who signs it.
- ``Member``: a member with a role (ประธานกรรมการ, กรรมการและเลขานุการ, ...): a user of the
  system, or a person outside it (name, position, organisation). The name, position and
  organisation are kept on the row as the order prints them, also for a user.
- ``Meeting``: a meeting of the committee (ครั้งที่ n): date, time, place, guests; its agenda
  items (``AgendaItem``, ordered, each with its minutes), the members' ``Attendance`` and its
  ``Resolution``s (มติ), each with an owner, a due date and its follow-up (``ResolutionUpdate``).

Committees are not school-scoped (django-scopes): a district's and a network's have no school,
so every lookup (``districts/committees/access.py``) filters by the place itself. Nothing here
is about a child: minutes name no student (the forms say so).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from carecore.dates import be_year
from carecore.model_fields import (
    Revisioned,
    district_field,
    network_field,
    school_field,
    timestamps,
    user_field,
)


class Committee(Revisioned):
    class Level(models.TextChoices):
        DISTRICT = "district", _("District office")
        NETWORK = "network", _("Network")
        SCHOOL = "school", _("School")

    district = district_field("committees")
    network = network_field("committees", null=True, blank=True)
    school = school_field("committees", null=True, blank=True)
    title = models.CharField(pgettext_lazy("committee", "Title"), max_length=300)
    duties = models.TextField(pgettext_lazy("committee", "duties"))
    # The appointment order (คำสั่งแต่งตั้ง): "ที่ <number>/<B.E. year of order_date>".
    order_number = models.CharField(
        pgettext_lazy("committee", "order number"), max_length=20, blank=True
    )
    order_date = models.DateField(pgettext_lazy("committee", "order date"), null=True, blank=True)
    preamble = models.TextField(pgettext_lazy("committee", "preamble"), blank=True)
    signer_name = models.CharField(
        pgettext_lazy("committee", "signed by"), max_length=200, blank=True
    )
    signer_position = models.CharField(
        pgettext_lazy("committee", "signer's position"), max_length=300, blank=True
    )
    created_by = user_field(_("created by"))
    created, modified = timestamps(_("created"), _("changed on"))

    class Meta:
        verbose_name = pgettext_lazy("committee", "committee")
        verbose_name_plural = pgettext_lazy("committee", "committees")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(network__isnull=True) | models.Q(school__isnull=True),
                name="committee_one_level",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def order_reference(self) -> str:
        """ "125/2568": the order's number over the Buddhist Era year of its date."""
        if not self.order_number:
            return ""
        year = be_year(self.order_date) if self.order_date else ""
        return f"{self.order_number}/{year}"

    @property
    def level(self) -> str:
        if self.school_id:
            return self.Level.SCHOOL
        if self.network_id:
            return self.Level.NETWORK
        return self.Level.DISTRICT


class Member(models.Model):
    class Role(models.TextChoices):
        # In the order an appointment order lists them.
        ADVISOR = "advisor", pgettext_lazy("committee", "Advisor")
        CHAIR = "chair", pgettext_lazy("committee", "Chair")
        VICE_CHAIR = "vice_chair", pgettext_lazy("committee", "Vice-chair")
        MEMBER = "member", _("Committee member")
        SECRETARY = "secretary", _("Member and secretary")
        ASSISTANT_SECRETARY = "assistant_secretary", _("Member and assistant secretary")

    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=pgettext_lazy("committee", "committee"),
    )
    # A user of the system, or none: a person outside it.
    user = user_field(_("user of the system"), blank=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(pgettext_lazy("committee", "position"), max_length=200, blank=True)
    organisation = models.CharField(
        pgettext_lazy("committee", "organisation"), max_length=200, blank=True
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    # The place in the order's list within the role.
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class Meeting(Revisioned):
    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=pgettext_lazy("committee", "committee"),
    )
    number = models.PositiveSmallIntegerField(pgettext_lazy("committee", "meeting number"))
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    # People invited who are not members, one a line.
    guests = models.TextField(pgettext_lazy("committee", "guests"), blank=True)
    created_by = user_field(_("created by"))
    created, modified = timestamps(_("created"), _("changed on"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = pgettext_lazy("committee", "meetings")
        ordering = ["-held_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="committee_meeting_once"),
        ]

    def __str__(self):
        return f"{self.committee} {self.number}"


class AgendaItem(models.Model):
    """One item of the agenda (ระเบียบวาระที่ ``number``), with what was presented and the
    minutes of it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("item"))
    title = models.CharField(pgettext_lazy("agenda item", "Title"), max_length=300)
    details = models.TextField(pgettext_lazy("committee", "details"), blank=True)
    minutes = models.TextField(pgettext_lazy("committee", "minutes"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("committee", "agenda item")
        verbose_name_plural = pgettext_lazy("committee", "agenda items")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="committee_agenda_once"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.number}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", pgettext_lazy("committee", "Present")
        ABSENT = "absent", pgettext_lazy("committee", "Absent")
        EXCUSED = "excused", _("Excused (on leave)")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=pgettext_lazy("committee", "member"),
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=Status.choices, default=Status.PRESENT
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="committee_attends_once"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.member}"


class Resolution(Revisioned):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("committee", "Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("meeting")
    )
    # The agenda item it was resolved under (its number; none: the meeting as a whole).
    agenda_number = models.PositiveSmallIntegerField(
        pgettext_lazy("committee", "agenda item"), null=True, blank=True
    )
    text = models.TextField(pgettext_lazy("committee", "resolution"))
    owner = models.CharField(pgettext_lazy("committee", "responsible"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_by = user_field(_("recorded by"))
    created, modified = timestamps(pgettext_lazy("committee", "recorded on"), _("changed on"))

    class Meta:
        verbose_name = pgettext_lazy("committee", "resolution")
        verbose_name_plural = pgettext_lazy("committee", "resolutions")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def overdue(self) -> bool:
        """Not done and past its due date."""
        return (
            self.status != self.Status.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ResolutionUpdate(models.Model):
    """A step of a resolution's follow-up: what was done by ``on``, and its status after it."""

    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=pgettext_lazy("committee", "resolution"),
    )
    on = models.DateField(_("date"))
    note = models.TextField(_("what was done"))
    status = models.CharField(_("status"), max_length=12, choices=Resolution.Status.choices)
    by = user_field(_("recorded by"))
    created = models.DateTimeField(pgettext_lazy("committee", "recorded on"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up of a resolution")
        verbose_name_plural = _("follow-ups of resolutions")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.resolution} · {self.on}"
