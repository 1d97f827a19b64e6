"""A primary key no column can hold is an invalid choice, on every database (SQLite raised
OverflowError inside the query: a 500 where the form should have said what was wrong)."""

import pytest
from django.core.exceptions import ValidationError

from carecore.forms import ModelMultipleChoiceField
from carecore.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("junk", ["9" * 30, "-" + "9" * 30, str(2**63)])
def test_a_key_too_large_for_any_column_is_an_invalid_choice(junk):
    field = ModelMultipleChoiceField(queryset=User.objects.all())
    with pytest.raises(ValidationError) as raised:
        field.clean([junk])
    assert raised.value.code == "invalid_pk_value"


def test_real_keys_are_still_chosen():
    user = User.objects.create_user(username="t1", password="x")
    field = ModelMultipleChoiceField(queryset=User.objects.all())
    assert list(field.clean([str(user.pk)])) == [user]
