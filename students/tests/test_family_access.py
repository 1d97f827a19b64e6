"""Parents' and students' lookups (students/access.py): through their own links, across
schools, never another child."""

import pytest
from django.http import Http404
from django_scopes import scopes_disabled

from conftest import make_user
from students.access import (
    child_for_user,
    children_for_user,
    family_school_ids,
    is_family_user,
    own_student_for_user,
    parent_users_for,
)
from students.family_models import GuardianLink, StudentAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(world):
    user = make_user("parent_two_schools")
    with scopes_disabled():
        GuardianLink.objects.create(user=user, student=world.a.student, guardian=world.a.guardian)
        GuardianLink.objects.create(user=user, student=world.b.student)
    return user


def test_a_parent_has_children_at_two_schools(world, parent):
    # (the world's own parent of school A's student is another account)
    children = list(children_for_user(parent))
    assert {c.pk for c in children} == {world.a.student.pk, world.b.student.pk}
    assert {c.school for c in children} == {world.a.school, world.b.school}
    assert family_school_ids(parent) == sorted([world.a.school.pk, world.b.school.pk])
    assert child_for_user(parent, world.b.student.pk) == world.b.student
    assert is_family_user(parent)


def test_another_child_does_not_exist_for_the_parent(world, parent):
    for pk in (world.a.other_student.pk, 10**30, "x", None):
        with pytest.raises(Http404):
            child_for_user(parent, pk)
    # Staff see no children this way.
    with pytest.raises(Http404):
        child_for_user(world.a.users["coordinator"], world.a.student.pk)
    assert not is_family_user(world.a.users["coordinator"])


def test_a_revoked_link_ends_everything(world, parent):
    from django.utils import timezone

    GuardianLink.objects.filter(user=parent, student=world.a.student).update(
        revoked_at=timezone.now()
    )
    assert [c.pk for c in children_for_user(parent)] == [world.b.student.pk]
    assert parent not in parent_users_for(world.a.student)
    assert parent in parent_users_for(world.b.student)


def test_a_student_account_is_their_own_record_only(world):
    user = make_user("student_self")
    with scopes_disabled():
        StudentAccount.objects.create(user=user, student=world.a.other_student)
    assert own_student_for_user(user) == world.a.other_student
    assert is_family_user(user)
    assert list(children_for_user(user)) == []
    assert own_student_for_user(world.a.users["homeroom"]) is None


def test_a_parent_is_offered_the_line_accounts_of_their_childrens_schools(world, parent):
    from carecore.channels import line_owners

    owners = line_owners(parent)
    schools = {f"school:{world.a.school.pk}", f"school:{world.b.school.pk}"}
    assert set(owners[:2]) == schools  # the schools first, nearest
    assert f"district:{world.a.school.district_id}" in owners[2:]
    assert line_owners(make_user("nobody_at_all")) == []
