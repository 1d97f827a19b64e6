"""Which students the user may see, and what they may do with one (docs/access.md), built on
the foundation's rule (carecore/access.py): the coordinator, the director and the counsellor see
every student of their school; a homeroom teacher the students of their own classrooms this
year. Apps above students widen it through ``register_visible_students`` (referrals: the
recipients of an open referral see its student)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from carecore.access import Perm, own_classroom_ids
from carecore.queries import first_or_404, key_or_none
from schools.models import School
from students.models import Enrolment, Student

# Each returns the ids of more students of the request's school the user sees, as a subquery
# (no query of its own), or None when it adds none. Filled in the apps' AppConfig.ready().
_VISIBLE_STUDENTS: list[Callable] = []


def register_visible_students(subquery: Callable) -> None:
    if subquery not in _VISIBLE_STUDENTS:
        _VISIBLE_STUDENTS.append(subquery)


def students_for_user(request) -> QuerySet[Student]:
    """Every student of the request's school that the user may see."""
    qs = Student.objects.filter(school=request.school)
    if Perm.VIEW_ALL_STUDENTS in request.schoolperms:
        return qs
    classroom_ids = own_classroom_ids(request)
    extra = [
        ids for ids in (subquery(request) for subquery in _VISIBLE_STUDENTS) if ids is not None
    ]
    if extra:
        visible = Q()
        for ids in extra:
            visible |= Q(pk__in=ids)
        if classroom_ids:
            own = Enrolment.objects.filter(classroom_id__in=classroom_ids).values("student_id")
            visible |= Q(pk__in=own)
        return qs.filter(visible)
    if classroom_ids:
        return qs.filter(enrolments__classroom_id__in=classroom_ids)
    return qs.none()


def student_get_for_user(request, pk: int, *, permission: str | None = None) -> Student:
    """A student the user may see (404 otherwise); ``permission`` for an action on it (403)."""
    student = first_or_404(students_for_user(request).filter(pk=pk))
    if permission and permission not in request.schoolperms:
        raise PermissionDenied
    return student


def _in_own_classrooms(request, student) -> bool:
    classroom_ids = own_classroom_ids(request)
    if not classroom_ids:
        return False
    return Enrolment.objects.filter(student=student, classroom_id__in=classroom_ids).exists()


def can_edit_record(request, student) -> bool:
    """Whether the user may change the student's cumulative record (docs/record.md): the
    coordinator (edits students), and the student's homeroom teachers of the current year.
    Everyone else who may see the student (counsellor, director) reads it only."""
    if Perm.EDIT_STUDENTS in request.schoolperms:
        return True
    return _in_own_classrooms(request, student)


def can_record_consent(request, student) -> bool:
    """Record or withdraw a guardian's consent (docs/privacy.md): the coordinator, the director,
    and the student's homeroom teachers of the current year. Everyone who may see the student
    sees the consents."""
    if Perm.RECORD_CONSENT in request.schoolperms:
        return True
    return _in_own_classrooms(request, student)


# --- parents and students as users (docs/portal.md) --------------------------------------------
# A family user holds no membership; what they see goes through their own rows: a parent's
# links to their children (one per child, across schools), a student's own account. The lookups
# are not scoped by school (a parent's children may be at two schools), only by the user.
def _links_of(user):
    from students.family_models import GuardianLink

    return GuardianLink.objects.active().filter(user=user)


def _unscoped_students():
    return Student.objects.with_scopes_disabled()


def children_for_user(user) -> QuerySet[Student]:
    """The children the user is the parent of (active links), at every school."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _unscoped_students().none()
    return (
        _unscoped_students()
        .filter(pk__in=_links_of(user).values("student_id"))
        .select_related("school")
        .order_by("first_name", "last_name", "pk")
    )


def child_for_user(user, student_id) -> Student:
    """One of the user's children (404 for any other student, and for staff)."""
    pk = key_or_none(student_id)
    child = children_for_user(user).filter(pk=pk).first() if pk else None
    if child is None:
        raise Http404
    return child


def own_student_for_user(user) -> Student | None:
    """The student whose own account this is, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _unscoped_students().filter(account__user=user).select_related("school").first()


def parent_users_for(student):
    """The active parent accounts of ``student`` (whom to notify)."""
    from carecore.models import User

    return User.objects.filter(
        is_active=True,
        guardian_links__student=student,
        guardian_links__revoked_at__isnull=True,
    ).distinct()


def is_family_user(user) -> bool:
    """Whether the user is a parent (an active link) or a student (their own account); cached
    on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_is_family_user", None)
    if cached is None:
        from students.family_models import StudentAccount

        cached = _links_of(user).exists() or StudentAccount.objects.filter(user=user).exists()
        user._is_family_user = cached
    return cached


def family_school_ids(user) -> list[int]:
    """The schools of the user's children and of their own student record (the scope of their
    portal pages)."""
    from students.family_models import StudentAccount

    ids = set(_links_of(user).values_list("student__school_id", flat=True))
    ids |= set(
        StudentAccount.objects.filter(user=user).values_list("student__school_id", flat=True)
    )
    return sorted(ids)


def family_line_owners(user) -> list[str]:
    """The LINE owner keys of a parent's or a student's schools, then of their districts
    (carecore.channels.register_line_owners)."""
    school_ids = family_school_ids(user)
    if not school_ids:
        return []
    districts = (
        School.objects.filter(pk__in=school_ids).values_list("district_id", flat=True).distinct()
    )
    return [f"school:{pk}" for pk in school_ids] + [f"district:{pk}" for pk in districts]
