from allauth.account.models import EmailAddress
from django.db import transaction

from carecore.models import Membership, User


def _sync_email(user: User) -> None:
    """Keep allauth's e-mail table in step with the account's address (log-in and reset use it)."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    if user.email:
        EmailAddress.objects.update_or_create(
            user=user,
            email=user.email,
            defaults={"verified": True, "primary": True},
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
) -> User:
    """Create a staff account with its roles. ``memberships`` items are
    ``{"role": ..., "school"|"network"|"district": obj}``."""
    user = User(
        username=username,
        prefix=prefix,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
    )
    user.set_password(password)
    user.save()
    _sync_email(user)
    for spec in memberships:
        Membership.objects.create(user=user, created_by=created_by, **spec)
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
) -> User:
    user.prefix, user.first_name, user.last_name = prefix, first_name, last_name
    user.email, user.phone = email, phone
    if new_password:
        user.set_password(new_password)
    user.save()
    _sync_email(user)
    return user


@transaction.atomic
def school_roles_set(*, user: User, school, roles: set[str], changed_by: User | None) -> None:
    """Make ``roles`` exactly the user's roles at ``school`` (an empty set removes them)."""
    current = set(
        Membership.objects.filter(user=user, school=school).values_list("role", flat=True)
    )
    Membership.objects.filter(user=user, school=school, role__in=current - roles).delete()
    for role in sorted(roles - current):
        Membership.objects.create(user=user, school=school, role=role, created_by=changed_by)
    if "homeroom" not in roles:
        from schools.models import HomeroomAssignment

        HomeroomAssignment.objects.filter(teacher=user, classroom__school=school).delete()
