"""Factories for the foundation's models, and the base every app's factories build on.

Rows are created with the scopes off (a factory is test set-up, like a data migration), and a
row that belongs to a school takes that school from the row it hangs off (the student's school
for a student's visit), so a factory never mixes two tenants unless a test asks for it.
"""

import factory
from django_scopes import scopes_disabled
from factory.django import DjangoModelFactory

from carecore.models import LineAccount, Membership, Role, User
from conftest import PASSWORD


class ScopedFactory(DjangoModelFactory):
    """A factory for a model with a ScopedManager: create (and get_or_create) run unscoped."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._get_or_create(model_class, *args, **kwargs)


class UserFactory(DjangoModelFactory):
    """A staff account that signs in with the test password."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory):
    """A role at a school (pass network= or district= with school=None for the others)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HOMEROOM
    school = factory.SubFactory("schools.tests.factories.SchoolFactory")


LINE_SECRET = "line-channel-secret-123"  # noqa: S105
LINE_TOKEN = "line-access-token-456"  # noqa: S105


class LineAccountFactory(DjangoModelFactory):
    """A LINE Official Account (carecore/channels.py); pass owner="school:<id>" for a school's."""

    class Meta:
        model = LineAccount

    name = factory.Sequence(lambda n: f"LINE OA {n}")
    owner = ""
    basic_id = factory.Sequence(lambda n: f"@oa{n}")
    channel_id = factory.Sequence(lambda n: str(1650000000 + n))
    channel_secret = LINE_SECRET
    access_token = LINE_TOKEN
