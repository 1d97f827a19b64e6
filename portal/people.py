"""Who is on the school's side of a child's portal: the homeroom teachers of the child this year
(messages, appointments), the school's counsellors (help requests). Built on the permission
table, so a role given ANSWER_HELP_REQUESTS or MESSAGE_FAMILIES later is found the same way."""

from __future__ import annotations

from carecore.access import ROLE_PERMISSIONS, Perm
from carecore.models import User
from schools.selectors import current_academic_year


def _roles_with(permission: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if permission in perms]


def homeroom_teachers_of(student) -> list[User]:
    """The active homeroom teachers of the student's classroom this academic year."""
    year = current_academic_year()
    if year is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            homeroom_assignments__classroom__academic_year=year,
            homeroom_assignments__classroom__enrolments__student=student,
        ).distinct()
    )


def counsellors_of(school) -> list[User]:
    """Whoever answers the students' requests for help at the school (a school role holding
    ANSWER_HELP_REQUESTS: the guidance counsellors)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__role__in=_roles_with(Perm.ANSWER_HELP_REQUESTS),
        ).distinct()
    )
