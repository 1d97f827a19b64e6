"""What every stored import holds: the uploaded file, where its jobs are, the problems or the
summary. Each import's model (``students.StudentImport``, ``screening.ScreeningImport``) adds its
school and its period and keeps its own table."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from carecore.model_fields import user_field


def import_upload_to(instance, filename: str) -> str:
    """<folder>/<uuid>/upload.<ext>: a random folder, and never the name the user gave (the
    model's ``upload_folder``)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    ext = ext if ext.isalnum() and len(ext) <= 5 else "bin"
    return f"{instance.upload_folder}/{uuid.uuid4().hex}/upload.{ext}"


class ImportRecord(models.Model):
    """A file uploaded by the coordinator: checked in a job, shown as a preview or as a list of
    problems, and imported in a second job once confirmed, all or nothing. The file is never
    served: MEDIA_ROOT has no URL."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        INVALID = "invalid", _("Has errors")
        READY = "ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.UPLOADED, Status.VALIDATING, Status.IMPORTING)
    upload_folder = "imports"

    uploaded_by = user_field(_("uploaded by"), blank=True)
    confirmed_by = user_field(_("confirmed by"), blank=True)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # Problems as data ({row, field, column, code, value, params}); sentences are made when shown.
    errors = models.JSONField(_("problems"), default=list, blank=True)
    # The import's counts and the first rows as a preview.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager(school="school")

    class Meta:
        abstract = True
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
