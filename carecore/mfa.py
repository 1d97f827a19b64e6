"""Two-factor authentication: who must use it, by when, and what happens to those who do not.

The rule (``mfa_required``): everyone who sees sensitive data or many students must use a second
factor (an authenticator app or a passkey): the counsellor, the discipline office, the nurse,
the coordinator and the director of a school, every network, district and national role, and
staff and superusers (the admin). Homeroom teachers must when their district says so
(``District.require_mfa_for_homeroom``).

Someone who must gets ``MFA_GRACE_DAYS`` days from their first log-in once the rule applies to
them (``User.mfa_grace_started``); meanwhile a banner on every page counts the days down. After
that, the middleware sends them to the enrolment pages and lets them reach nothing
else but the log-out, the enrolment pages and the help page, until they have set it up
(``carecore.middleware.MfaRequiredMiddleware``).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecore.models import DISTRICT_ROLES, NATIONAL_ROLES, NETWORK_ROLES, Membership, Role, User

# The roles that always need a second factor: they see sensitive data (referrals, health,
# discipline, family) or the students of a whole school or more.
MFA_ROLES = frozenset(
    {Role.COUNSELLOR, Role.DISCIPLINE, Role.NURSE, Role.COORDINATOR, Role.DIRECTOR}
    | NETWORK_ROLES
    | DISTRICT_ROLES
    | NATIONAL_ROLES
)
# A second factor that counts: recovery codes alone only stand in for one of these.
ENROLLED_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _memberships(user) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("school__district"))


def mfa_required(user, memberships: list[Membership] | None = None) -> bool:
    """Whether ``user`` must use two-factor authentication.

    ``memberships`` (with ``school__district`` loaded) spares the query when the caller has them
    already, as the access layer does for every request."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if memberships is None:
        memberships = _memberships(user)
    for membership in memberships:
        if membership.role in MFA_ROLES:
            return True
        if membership.role == Role.HOMEROOM and membership.school.district.require_mfa_for_homeroom:
            return True
    return False


def mfa_deadline(user) -> datetime.datetime | None:
    """When the grace period of ``user`` ends (None: it has not begun)."""
    if user.mfa_grace_started is None:
        return None
    return user.mfa_grace_started + datetime.timedelta(days=settings.MFA_GRACE_DAYS)


def mfa_enrolled(user) -> bool:
    """Whether ``user`` has an authenticator app or a passkey (asks the database)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=ENROLLED_TYPES).exists()


def mfa_grace_start(user, *, now: datetime.datetime | None = None) -> None:
    """Begin the grace period of ``user`` now, unless it has begun already."""
    if user.mfa_grace_started is not None:
        return
    user.mfa_grace_started = now or timezone.now()
    User.objects.filter(pk=user.pk, mfa_grace_started__isnull=True).update(
        mfa_grace_started=user.mfa_grace_started
    )


@dataclass(frozen=True)
class MfaStatus:
    """Where one signed-in person stands (``request.mfa``, read by the banner)."""

    required: bool
    enrolled: bool
    deadline: datetime.datetime | None

    @property
    def pending(self) -> bool:
        """Must set it up and has not yet."""
        return self.required and not self.enrolled

    @property
    def locked(self) -> bool:
        """The grace period is over: only the enrolment pages are open."""
        return self.pending and self.deadline is not None and timezone.now() >= self.deadline

    @property
    def days_left(self) -> int:
        """Whole days left, counting a part of a day as one (0 once it is over)."""
        if self.deadline is None:
            return settings.MFA_GRACE_DAYS
        seconds = (self.deadline - timezone.now()).total_seconds()
        return max(0, math.ceil(seconds / 86400))


def mfa_status(request) -> MfaStatus:
    """The status of the signed-in person, without a query of its own: the memberships are the
    access layer's (loaded once per request), the rest is on the user row."""
    from carecore.access import get_access

    user = request.user
    required = mfa_required(user, get_access(request).memberships)
    if required and not user.mfa_enrolled and user.mfa_grace_started is None:
        # The rule came to apply during a session (a new role, the district's setting): the
        # grace period begins now, as it would have at the next log-in.
        mfa_grace_start(user)
    return MfaStatus(required=required, enrolled=user.mfa_enrolled, deadline=mfa_deadline(user))


# The pages a person past their grace period may still reach: log out, set up two-factor
# (allauth's pages under /accounts/2fa/, with the confirmation of the password they may ask
# for), read the help page, change the password (another rule may demand it first) and the
# language of the screens.
ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_change_password",
        "mfa_help",
        "set_language",
    }
)


def mfa_allowed_when_locked(url_name: str) -> bool:
    """Whether a person past their grace period may still open the page named ``url_name``."""
    return url_name in ALLOWED_URL_NAMES or url_name.startswith("mfa_")


class MFAAdapter(DefaultMFAAdapter):
    """Someone who must use two-factor authentication cannot remove their last authenticator
    app or passkey (they would be sent straight back to the enrolment page)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type not in ENROLLED_TYPES:
            return True
        user = authenticator.user
        if not mfa_required(user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=ENROLLED_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()


class AddPasskeyForm(AddWebAuthnForm):
    """allauth's form to add a passkey, with a label people understand (allauth gives none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of this passkey")
        self.fields["name"].help_text = _("To tell your passkeys apart, e.g. the phone it is on.")


# --- keeping User.mfa_enrolled and the grace period up to date ---------------------------------
def _sync_enrolled(user_id: int) -> None:
    enrolled = Authenticator.objects.filter(user_id=user_id, type__in=ENROLLED_TYPES).exists()
    User.objects.filter(pk=user_id).exclude(mfa_enrolled=enrolled).update(mfa_enrolled=enrolled)


@receiver(post_save, sender=Authenticator, dispatch_uid="mfa_enrolled_on_save")
@receiver(post_delete, sender=Authenticator, dispatch_uid="mfa_enrolled_on_delete")
def _authenticator_changed(sender, instance, **kwargs):
    """Whatever adds or removes an authenticator (the pages, the admin) updates the flag."""
    _sync_enrolled(instance.user_id)


@receiver(authenticator_added, dispatch_uid="mfa_enrolled_on_added")
@receiver(authenticator_removed, dispatch_uid="mfa_enrolled_on_removed")
def _authenticator_flow(sender, request, user, **kwargs):
    """The signed-in user object of this request sees the change at once."""
    request_user = getattr(request, "user", None)
    if request_user is not None and request_user.pk == user.pk:
        request_user.mfa_enrolled = mfa_enrolled(user)


@receiver(user_logged_in, dispatch_uid="mfa_grace_on_login")
def _grace_on_login(sender, request, user, **kwargs):
    """The first log-in once the rule applies begins the grace period."""
    if user.mfa_grace_started is None and not user.mfa_enrolled and mfa_required(user):
        mfa_grace_start(user)
