"""Staff accounts and roles: creating accounts, changing their details and passwords, giving
and taking roles.

Separation of duties (docs/access.md, "Accounts"): every change made by someone (``created_by``
/ ``changed_by``) is checked against ``carecore.access.can_grant_role`` and
``can_manage_account`` here, whatever the form offered, and refused with ``PermissionDenied``.
``None`` stands for the system itself (the demo seeder, commands run on the server). A password
set by someone else must be changed by its owner at the next log-in, is written to the audit log
and is announced to the owner (home page and e-mail, without any student data).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from carecore.access import can_grant_role, can_manage_account
from carecore.models import AuditEvent, Membership, Notification, User

DETAIL_FIELDS = ("prefix", "first_name", "last_name", "email", "phone")


def _sync_email(user: User) -> None:
    """Keep allauth's e-mail table in step with the account's address (log-in and reset use it)."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    if user.email:
        EmailAddress.objects.update_or_create(
            user=user,
            email=user.email,
            defaults={"verified": True, "primary": True},
        )


def _place_of(spec: dict) -> dict:
    """The place keyword (school, network or district) of a membership specification."""
    return {k: spec[k] for k in ("school", "network", "district") if spec.get(k) is not None}


def _audit_place(*, school=None, network=None, district=None) -> dict:
    """Where an account change is filed in the audit log: the school's log for a school, the
    district's otherwise."""
    if school is not None:
        return {"school": school}
    if network is not None:
        return {"district": network.district}
    if district is not None:
        return {"district": district}
    return {}


def _require_grant(actor: User | None, role: str, **place) -> None:
    if actor is not None and not can_grant_role(actor, role, **place):
        raise PermissionDenied(
            f"User {actor.pk} may not give or take the role {role} at {place or 'national'}."
        )


def _require_manage(actor: User | None, target: User) -> None:
    if actor is not None and not can_manage_account(actor, target):
        raise PermissionDenied(f"User {actor.pk} may not change the account of user {target.pk}.")


def _audit_account(
    user: User,
    summary: str,
    by: User,
    place: dict,
    request,
    *,
    action: str = AuditEvent.Action.CHANGE,
    changes: dict | None = None,
) -> None:
    """The audit row of a change ``by`` made to ``user``'s account (by default a change);
    ``summary`` names the account with %(name)s and %(username)s."""
    from carecore.audit import audit_record

    audit_record(
        action=action,
        user=by,
        obj=user,
        summary=summary % {"name": user.display_name, "username": user.username},
        changes=changes,
        request=request,
        **place,
    )


def _password_set_by_other(
    *, user: User, by: User, created: bool, place: dict, request=None
) -> None:
    """A password that ``by`` chose for ``user``: to be changed at the next log-in, audited
    (who, whose, when, from where; never the password), and announced to the owner."""
    from carecore.notifications import notify

    if created:
        summary = _("Created the account %(username)s of %(name)s with an initial password")
    else:
        summary = _("Set the password of %(name)s (%(username)s)")
    _audit_account(
        user,
        summary,
        by,
        place,
        request,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.CHANGE,
        changes={"must_change_password": ["", "True"] if created else ["False", "True"]},
    )
    where = place.get("school") or place.get("district") or ""
    notify(
        users=[user],
        kind=Notification.Kind.PASSWORD_SET,
        url=reverse("account_change_password"),
        place=getattr(where, "name", ""),
    )


@transaction.atomic
def staff_account_create(
    *,
    username: str,
    password: str,
    prefix: str = "",
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    memberships: list[dict],
    created_by: User | None,
    request=None,
) -> User:
    """Create a staff account with its roles. ``memberships`` items are
    ``{"role": ..., "school"|"network"|"district": obj}``; ``created_by`` must be allowed to
    give each of them. The initial password is the creator's choice, so the person must change
    it at their first log-in."""
    for spec in memberships:
        _require_grant(created_by, spec["role"], **_place_of(spec))
    user = User(
        username=username,
        prefix=prefix,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        must_change_password=created_by is not None,
    )
    user.set_password(password)
    user.save()
    _sync_email(user)
    for spec in memberships:
        Membership.objects.create(user=user, created_by=created_by, **spec)
    if created_by is not None:
        place = _audit_place(**_place_of(memberships[0])) if memberships else {}
        _password_set_by_other(user=user, by=created_by, created=True, place=place, request=request)
    return user


@transaction.atomic
def staff_account_update(
    *,
    user: User,
    prefix: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    new_password: str = "",
    changed_by: User | None,
    school=None,
    district=None,
    request=None,
) -> User:
    """Change an account's details and, with ``new_password``, its password. ``changed_by`` may
    change only their own account or one whose every role they outrank; ``school`` or
    ``district`` is where the change was made (the audit log it goes to)."""
    from carecore.audit import model_changes

    _require_manage(changed_by, user)
    before = User(**{f: getattr(user, f) for f in DETAIL_FIELDS})
    user.prefix, user.first_name, user.last_name = prefix, first_name, last_name
    user.email, user.phone = email, phone
    by_other = changed_by is not None and changed_by.pk != user.pk
    if new_password:
        user.set_password(new_password)
        # Chosen by someone else: the owner must replace it; chosen by the owner: done.
        user.must_change_password = by_other
    user.save()
    _sync_email(user)
    place = _audit_place(school=school, district=district)
    changes = model_changes(before, user, DETAIL_FIELDS)
    if changed_by is not None and changes:
        summary = _("Changed the account details of %(name)s (%(username)s)")
        _audit_account(user, summary, changed_by, place, request, changes=changes)
    if new_password and by_other:
        _password_set_by_other(
            user=user, by=changed_by, created=False, place=place, request=request
        )
    return user


def _audit_role(action: str, membership: Membership, changed_by: User | None, request) -> None:
    """The audit row of a role given or taken (none when the system did it)."""
    from carecore.audit import audit_record

    if changed_by is None:
        return

    if action == AuditEvent.Action.CREATE:
        summary = _("Gave %(name)s the role %(role)s")
        changes = {"role": ["", membership.role]}
    else:
        summary = _("Took the role %(role)s from %(name)s")
        changes = {"role": [membership.role, ""]}
    audit_record(
        action=action,
        user=changed_by,
        obj=membership,
        summary=summary
        % {"name": membership.user.display_name, "role": membership.get_role_display()},
        changes=changes,
        request=request,
        **_audit_place(
            school=membership.school, network=membership.network, district=membership.district
        ),
    )


@transaction.atomic
def school_roles_set(
    *, user: User, school, roles: set[str], changed_by: User | None, request=None
) -> None:
    """Make ``roles`` exactly the user's roles at ``school`` (an empty set removes them).
    ``changed_by`` must be allowed to give or take every role that changes."""
    current = set(
        Membership.objects.filter(user=user, school=school).values_list("role", flat=True)
    )
    for role in (roles - current) | (current - roles):
        _require_grant(changed_by, role, school=school)
    for membership in Membership.objects.filter(
        user=user, school=school, role__in=current - roles
    ).select_related("user", "school"):
        _audit_role(AuditEvent.Action.DELETE, membership, changed_by, request)
        membership.delete()
    for role in sorted(roles - current):
        membership = Membership.objects.create(
            user=user, school=school, role=role, created_by=changed_by
        )
        _audit_role(AuditEvent.Action.CREATE, membership, changed_by, request)
    if "homeroom" not in roles:
        user.homeroom_assignments.filter(classroom__school=school).delete()


def school_role_grant(*, user: User, school, role: str, changed_by: User | None, request=None):
    """Give ``user`` one more role at ``school`` (nothing happens if they hold it already)."""
    current = set(
        Membership.objects.filter(user=user, school=school).values_list("role", flat=True)
    )
    school_roles_set(
        user=user, school=school, roles=current | {role}, changed_by=changed_by, request=request
    )


def school_role_remove(*, user: User, school, role: str, changed_by: User | None, request=None):
    """Take one role at ``school`` from ``user``."""
    current = set(
        Membership.objects.filter(user=user, school=school).values_list("role", flat=True)
    )
    school_roles_set(
        user=user, school=school, roles=current - {role}, changed_by=changed_by, request=request
    )


@transaction.atomic
def staff_two_factor_reset(
    *, user: User, changed_by: User, school=None, district=None, request=None
) -> int:
    """Remove every authenticator (app, passkey, recovery codes) of ``user``, who lost their
    phone: they enrol again at their next log-in. Only someone who outranks every role of theirs
    (never the owner through this page: they manage their own under Two-factor). Returns how
    many were removed."""
    from allauth.mfa.models import Authenticator

    if changed_by.pk == user.pk:
        raise PermissionDenied("Manage your own two-factor authentication on its own page.")
    _require_manage(changed_by, user)
    removed = 0
    # One by one, so that the signals keeping User.mfa_enrolled in step run.
    for authenticator in Authenticator.objects.filter(user=user):
        authenticator.delete()
        removed += 1
    if removed:
        summary = _("Turned off the two-factor authentication of %(name)s (%(username)s)")
        place = _audit_place(school=school, district=district)
        _audit_account(user, summary, changed_by, place, request)
    return removed


def two_factor_in_use(user: User) -> bool:
    """Whether the account has any two-factor authenticator (app, passkey, recovery codes)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exists()
