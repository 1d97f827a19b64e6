"""Parents' and students' accounts (docs/portal.md, "Accounts"): slips with one-time codes, the
account a slip makes (or the child it adds to a parent's account), and the parent's log-in by
the phone number the school has on file.

Every link made is written to the audit log under the child (who, which child, how); codes and
passwords never are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from carecore.audit import audit_record
from carecore.dates import ARABIC_DIGITS
from carecore.models import AuditEvent, User
from carecore.sms import phone_normalise
from students.family_models import (
    SLIP_CODE_ALPHABET,
    SLIP_CODE_LENGTH,
    AccountSlip,
    FamilyKind,
    GuardianLink,
    StudentAccount,
    slip_code_hash,
    slip_code_new,
)
from students.models import Guardian, Student


class SlipProblem(Exception):
    """A code that cannot be used, with the message for the person who typed it."""


# --- codes ----------------------------------------------------------------------------------
def slip_code_normalise(text: str | None) -> str:
    """What a person typed: capitals, no spaces or dashes, Thai digits as digits."""
    text = str(text or "").translate(ARABIC_DIGITS).upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def slip_code_display(code: str) -> str:
    half = SLIP_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def slip_days() -> int:
    return int(getattr(settings, "FAMILY_SLIP_DAYS", 60))


@dataclass
class IssuedSlip:
    student: Student
    kind: str
    code: str  # on the paper only; the database keeps its hash

    @property
    def display(self) -> str:
        return slip_code_display(self.code)


@transaction.atomic
def slips_issue(*, students, kind: str, issued_by, batch: str = "") -> list[IssuedSlip]:
    """A new slip for each student (one query for the lot). A batch printed again (a retried
    job) first loses its own unused slips, so only the latest paper works."""
    if batch:
        AccountSlip.objects.filter(batch=batch, used_at__isnull=True).delete()
    expires = timezone.now() + datetime.timedelta(days=slip_days())
    issued = [IssuedSlip(student=s, kind=kind, code=slip_code_new()) for s in students]
    AccountSlip.objects.bulk_create(
        [
            AccountSlip(
                school_id=slip.student.school_id,
                student=slip.student,
                kind=kind,
                code_hash=slip_code_hash(slip.code),
                batch=batch,
                expires=expires,
                issued_by=issued_by,
            )
            for slip in issued
        ]
    )
    return issued


def slip_check(typed: str) -> AccountSlip:
    """The slip of a typed code, or SlipProblem saying what is wrong with it (Thai)."""
    code = slip_code_normalise(typed)
    if len(code) != SLIP_CODE_LENGTH or any(ch not in SLIP_CODE_ALPHABET for ch in code):
        raise SlipProblem(
            _(
                "A code has 10 letters and digits, for example ABCDE-FGH23 (there is no 0, O, "
                "1, I or L in a code). Check the slip and type it again."
            )
        )
    slip = (
        AccountSlip.objects.select_related("student", "school")
        .filter(code_hash=slip_code_hash(code))
        .first()
    )
    if slip is None:
        raise SlipProblem(
            _("No slip has this code. Check the slip and type it again, or ask the school.")
        )
    if slip.used_at is not None:
        raise SlipProblem(
            _(
                "This code has been used already. Log in with the account made with it, or ask "
                "the school for a new slip."
            )
        )
    if slip.is_expired:
        raise SlipProblem(_("This code has expired. Ask the school for a new slip."))
    return slip


def _use(slip: AccountSlip, user: User) -> AccountSlip:
    """Mark the slip used, under a lock: a code works once even when sent twice at once."""
    locked = AccountSlip.objects.select_for_update().get(pk=slip.pk)
    if locked.used_at is not None:
        raise SlipProblem(_("This code has been used already."))
    locked.used_at = timezone.now()
    locked.used_by = user
    locked.save(update_fields=["used_at", "used_by"])
    return locked


def _audit_link(student, user: User, summary: str, request=None) -> None:
    audit_record(
        action=AuditEvent.Action.CREATE,
        user=user,
        student=student,
        school=student.school,
        summary=summary % {"name": user.username},
        request=request,
    )


def _primary_guardian(student) -> Guardian | None:
    return (
        Guardian.objects.with_scopes_disabled()
        .filter(student=student)
        .order_by("-is_primary", "pk")
        .first()
    )


def _link_parent(user: User, student, request=None, guardian: Guardian | None = None) -> bool:
    """Link ``user`` to ``student`` as a parent, unless already linked; True if linked now."""
    if GuardianLink.objects.active().filter(user=user, student=student).exists():
        return False
    guardian = guardian or _primary_guardian(student)
    GuardianLink.objects.create(
        user=user,
        student=student,
        guardian=guardian,
        relationship=guardian.relation if guardian else "",
    )
    _audit_link(student, user, _("Parent account %(name)s linked to the student"), request)
    return True


# --- accounts made from a slip --------------------------------------------------------------
def username_problem(username: str) -> str:
    if User.objects.filter(username__iexact=username).exists():
        return _("This username is taken; choose another.")
    return ""


@transaction.atomic
def slip_redeem_new_account(
    *, slip: AccountSlip, username: str, password: str, phone: str = "", request=None
) -> User:
    """A new account from the slip: a parent linked to the slip's child, or the student's own
    account. A student who has an account already gets a new password on it instead (the
    username they chose before is kept)."""
    student = slip.student
    existing = None
    if slip.kind == FamilyKind.STUDENT:
        existing = StudentAccount.objects.filter(student=student).select_related("user").first()
    if existing is not None:
        user = existing.user
        user.set_password(password)
        user.save(update_fields=["password"])
        _use(slip, user)
        _audit_link(student, user, _("Student account %(name)s: new password from a slip"), request)
        return user
    user = User(
        username=username,
        first_name=student.first_name if slip.kind == FamilyKind.STUDENT else "",
        last_name=student.last_name if slip.kind == FamilyKind.STUDENT else "",
        phone=phone_normalise(phone) or "",
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    _use(slip, user)
    if slip.kind == FamilyKind.STUDENT:
        StudentAccount.objects.create(user=user, student=student)
        _audit_link(student, user, _("Student account %(name)s made from a slip"), request)
    else:
        _link_parent(user, student, request)
    return user


@transaction.atomic
def slip_redeem_for_parent(*, slip: AccountSlip, user: User, request=None) -> bool:
    """One more child on a signed-in parent's account. False if the child was linked already
    (the slip stays unused)."""
    if slip.kind != FamilyKind.PARENT:
        raise SlipProblem(_("This is a student's slip: the student uses it for their own account."))
    if GuardianLink.objects.active().filter(user=user, student=slip.student).exists():
        return False
    _use(slip, user)
    return _link_parent(user, slip.student, request)


# --- the parent's log-in by phone -----------------------------------------------------------
def _digits(expression):
    for sign in ("-", " ", ".", "(", ")"):
        expression = Replace(expression, Value(sign), Value(""))
    return expression


def guardians_with_phone(phone: str):
    """The guardians, at every school, whose phone on file is ``phone`` (normalised; the file
    may write it with dashes, spaces or +66)."""
    local = phone_normalise(phone)
    if not local:
        return Guardian.objects.with_scopes_disabled().none()
    return (
        Guardian.objects.with_scopes_disabled()
        .annotate(phone_digits=_digits(F("phone")))
        .filter(phone_digits__in=[local, "+66" + local[1:], "66" + local[1:]])
        .select_related("student", "student__school")
        .order_by("pk")
    )


@transaction.atomic
def parent_for_phone(*, phone: str, request=None) -> User | None:
    """The parent account of the phone number (proved by a one-time code): the account with
    that number that is already linked to one of those guardians' children, else a new one;
    linked to every child whose guardian has the number. None if no guardian has it."""
    guardians = list(guardians_with_phone(phone))
    if not guardians:
        return None
    local = phone_normalise(phone)
    students = [g.student for g in guardians]
    user = (
        User.objects.filter(
            phone=local,
            is_active=True,
            guardian_links__student__in=students,
            guardian_links__revoked_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if user is None:
        user = User(username=_free_username(f"p{local}"), phone=local)
        user.set_unusable_password()
        user.save()
    for guardian in guardians:
        # A link the school revoked is not made again by the phone.
        if not GuardianLink.objects.filter(
            student=guardian.student, guardian=guardian, revoked_at__isnull=False
        ).exists():
            _link_parent(user, guardian.student, request, guardian=guardian)
    return user


def _free_username(base: str) -> str:
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name
