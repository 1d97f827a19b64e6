"""Parents and students as users (docs/portal.md, "Accounts").

- ``GuardianLink``: a user is a child's parent (or other guardian) in the portal. One row per
  child, so one account holds several children, even at two schools. Revoking fills in
  ``revoked_at``; the row stays as the history.
- ``StudentAccount``: a student's own log-in, one per student.
- ``AccountSlip``: a printed slip with a one-time code that makes (or adds a child to) a
  parent's account, or makes a student's account. Only a keyed hash of the code is stored;
  the code is on the paper alone.

A family user holds no membership: every staff page answers them 404 (carecore.access). Their
lookups (students/access.py) go through these links, across schools, never by school.

Imported by students/models.py so that Django registers the models in the students app.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from carecore.model_acts import CREATED, act_fields
from carecore.model_fields import account_field, optional_link, school_field, student_field
from carecore.model_fields import user_field as staff_field

# The symbols of a slip's code: no 0, O, 1, I or L (as the screening slips). Ten of them (about
# 8e14 codes): an account lasts longer than a term's form.
SLIP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SLIP_CODE_LENGTH = 10


def slip_code_new() -> str:
    return "".join(secrets.choice(SLIP_CODE_ALPHABET) for _ in range(SLIP_CODE_LENGTH))


def slip_code_hash(code: str) -> str:
    """The stored form of a (normalised) code: keyed with the server's secret, so a copy of the
    database alone does not let anyone try codes offline."""
    return salted_hmac("students.AccountSlip", code, algorithm="sha256").hexdigest()


class FamilyKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")


class ActiveLinks(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class GuardianLink(models.Model):
    """``user`` is ``student``'s parent or guardian in the portal."""

    user = account_field("guardian_links")
    student = student_field("guardian_links")
    # The guardian row on the student's page, when the school knows which one this is.
    guardian = optional_link("students.Guardian", _("guardian"), "portal_links")
    relationship = models.CharField(_("relation"), max_length=20, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = staff_field(_("revoked by"), blank=True)

    # Not scoped by school: a parent's children may be at two schools. Every lookup goes
    # through the user (students/access.py), never lists a school's links for anyone else.
    objects = ActiveLinks.as_manager()

    class Meta:
        verbose_name = _("parent's link to a child")
        verbose_name_plural = _("parents' links to children")
        ordering = ["user", "created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "student"],
                condition=models.Q(revoked_at__isnull=True),
                name="guardian_link_one_active",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.student_id}"


class StudentAccount(models.Model):
    """A student's own log-in."""

    user = models.OneToOneField(
        "carecore.User",
        on_delete=models.CASCADE,
        related_name="student_account",
        verbose_name=_("user"),
    )
    student = student_field("account", one_to_one=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("student's account")
        verbose_name_plural = _("students' accounts")

    def __str__(self):
        return f"{self.user_id} = {self.student_id}"


class AccountSlip(models.Model):
    """A one-time code on paper: for a parent (an account, or one more child on theirs) or for
    the student (their own account)."""

    school = school_field()
    student = student_field("account_slips")
    kind = models.CharField(_("for"), max_length=10, choices=FamilyKind.choices)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The printing job that made it: a retried job replaces its own unused slips.
    batch = models.CharField(max_length=40, blank=True, db_index=True)
    expires = models.DateTimeField(_("valid until"))
    issued_by, issued_at = act_fields(_("issued by"), _("issued"), when=CREATED)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = staff_field(_("used by"), blank=True)

    # Looked up by the code's hash alone (a public page); staff pages filter by school.
    objects = models.Manager()

    class Meta:
        verbose_name = _("account slip")
        verbose_name_plural = _("account slips")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.kind} {self.student_id} {self.issued_at:%Y-%m-%d}"

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()
