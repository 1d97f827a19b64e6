"""What parents and students do with the school in the portal (docs/portal.md, "Content"):

- ``MessageThread`` and ``Message``: one thread per child and parent, between that parent and
  the child's homeroom teachers (the coordinator, the director and the counsellor read and
  answer the school's threads too);
- ``ConsentRequest``: the school asks the parents for a consent (the purposes of
  ``students.GuardianConsent``); a parent's yes becomes the consent record, through the students'
  consent service (so the consent's audit and history stay those of every other consent);
- ``HelpRequest``: a student's confidential request for help (ขอคำปรึกษา), seen and answered
  only by the school's counsellors (``Perm.ANSWER_HELP_REQUESTS``).

The home-visit appointment is a home visit's, in ``visits.VisitAppointment``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import SchoolScoped, account_field, optional_link, student_field
from carecore.model_fields import user_field as staff_field


class MessageThread(SchoolScoped):
    """The conversation of one parent with the school about one child."""

    student = student_field("message_threads")
    parent = account_field("message_threads")
    created = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # What each side has read: the parent; the school (any of the staff who answer).
    parent_read_at = models.DateTimeField(null=True, blank=True)
    staff_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["student", "parent"], name="thread_one_per_parent"),
        ]

    def __str__(self):
        return f"{self.student_id} · {self.parent_id}"


class Message(SchoolScoped):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = staff_field(_("written by"))
    # Written by the parent (else by a member of the school's staff).
    from_family = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["thread", "created"])]

    def __str__(self):
        return f"{self.thread_id} {self.created:%Y-%m-%d %H:%M}"


class ConsentRequest(SchoolScoped):
    """The school asks the child's parents for one consent; the first parent's answer settles
    it (yes: a ``GuardianConsent`` recorded through students.consent_services)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the parent's answer")
        GIVEN = "given", _("The parent consented")
        REFUSED = "refused", _("The parent did not consent")
        CANCELLED = "cancelled", _("Cancelled")

    student = student_field("consent_requests")
    purpose = models.CharField(_("purpose"), max_length=20)
    # What it is for, in the school's words (e.g. the photos of the school's sports day).
    note = models.TextField(_("what it is for"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    asked_by, asked_at = act_fields(_("asked by"), _("asked"), when=CREATED)
    answered_by, answered_at = act_fields(_("answered by"), _("answered"), blank=True)
    consent = optional_link("students.GuardianConsent", _("consent recorded"))

    class Meta:
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "purpose"],
                condition=models.Q(status="waiting"),
                name="consent_request_one_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.student_id} {self.purpose} {self.status}"

    @property
    def purpose_label(self) -> str:
        from students.consent_models import GuardianConsent

        choices = dict(GuardianConsent.Purpose.choices)
        return str(choices.get(self.purpose, self.purpose))


class HelpRequest(SchoolScoped):
    """A student asks the counsellor for help, in confidence. Only the school's counsellors see
    it (not the homeroom teacher, not the director); the student sees the answer."""

    class Contact(models.TextChoices):
        MEET = "meet", _("I would like to talk in person")
        WRITE = "write", _("Answer me here")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the counsellor")
        ANSWERED = "answered", _("Answered")

    student = student_field("help_requests")
    author = staff_field(_("sent by"))
    body = models.TextField(_("what you would like help with"))
    contact = models.CharField(
        _("how to talk"), max_length=8, choices=Contact.choices, default=Contact.MEET
    )
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("the counsellor's answer"), blank=True)
    answered_by, answered_at = act_fields(_("answered by"), _("answered"), blank=True)
    student_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["school", "status", "-created"])]

    def __str__(self):
        return f"{self.student_id} {self.created:%Y-%m-%d}"
