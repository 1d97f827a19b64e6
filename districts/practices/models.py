"""Good practices: what a school did well, written up for the other schools of its district.

A practice belongs to the school that wrote it and to that school's district (kept on the row,
so that the library's every query filters by district without a join). It holds no child's
data: the form says so, and the district's reviewer checks it before publishing. It is not a
school-scoped model (django-scopes): a published practice is read by every school of the
district, so every lookup filters by district explicitly (districts/practices/access.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import (
    Revisioned,
    district_field,
    private_file_name,
    school_field,
    timestamps,
    user_field,
)


class Step(models.TextChoices):
    """The five steps of the student care system, and the whole of it."""

    KNOW = "know", _("Step 1: knowing each student")
    SCREEN = "screen", _("Step 2: screening")
    PROMOTE = "promote", _("Step 3: promotion and development")
    PREVENT = "prevent", _("Step 4: prevention and problem solving")
    REFER = "refer", _("Step 5: referral")
    WHOLE = "whole", _("The whole care system")


class Practice(Revisioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the district's review")
        SENT_BACK = "sent_back", _("Sent back for changes")
        PUBLISHED = "published", _("Published")

    district = district_field()
    school = school_field()
    title = models.CharField(_("title"), max_length=200)
    step = models.CharField(_("step of the care system"), max_length=10, choices=Step.choices)
    owners = models.CharField(
        _("teachers responsible"),
        max_length=300,
        blank=True,
        help_text=_("The teachers who did the work, as they should be credited."),
    )
    summary = models.TextField(_("summary"))
    steps_taken = models.TextField(_("how it was done"))
    results = models.TextField(_("results"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The text the library searches: title, teachers and the three texts, normalised
    # (districts/practices/search.py); written by the services on every save.
    search_text = models.TextField(editable=False, default="")
    created_by = user_field(_("written by"))
    submitted_at = models.DateTimeField(_("sent to the district"), null=True, blank=True)
    published_by, published_at = act_fields(_("published by"), _("published"))
    created, modified = timestamps()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-modified", "-pk"]
        indexes = [
            models.Index(fields=["district", "status", "-published_at"]),
            models.Index(fields=["school", "status"]),
        ]
        # PostgreSQL also has a GIN trigram index on search_text (migration 0002).

    def __str__(self):
        return self.title

    @property
    def editable(self) -> bool:
        """The school may change it: a draft, or one the district sent back."""
        return self.status in (self.Status.DRAFT, self.Status.SENT_BACK)


def practice_file_path(instance, filename: str) -> str:
    return private_file_name(f"practices/{instance.practice_id}", filename)


class PracticeFile(models.Model):
    """A photo (re-encoded without its metadata) or a document of a practice."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=practice_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = user_field()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file of a good practice")
        verbose_name_plural = _("files of good practices")
        ordering = ["kind", "pk"]

    def __str__(self):
        return self.name


class PracticeEvent(models.Model):
    """What happened to a practice between the school and the district: sent, sent back with the
    reviewer's comment, published. The school reads the comments; nothing is ever changed."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Sent to the district")
        SENT_BACK = "sent_back", _("Sent back for changes")
        PUBLISHED = "published", _("Published")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("what happened"), max_length=10, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    by, at = act_fields(_("by"), _("when"), when=CREATED)

    class Meta:
        verbose_name = _("review step of a good practice")
        verbose_name_plural = _("review steps of good practices")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.practice}"
