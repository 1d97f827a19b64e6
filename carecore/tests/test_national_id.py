import pytest
from django.core.exceptions import ValidationError

from carecore.national_id import (
    is_valid_national_id,
    mask_national_id,
    national_id_check_digit,
    validate_national_id,
)


def test_check_digit_of_a_known_id():
    # 1-1017-00230-70-?: weights 13..2 give 146; 146 mod 11 = 3; 11 - 3 = 8.
    assert national_id_check_digit("110170023070") == 8


@pytest.mark.parametrize("value", ["1101700230708", "1-1017-00230-70-8", "1 1017 00230 70 8"])
def test_valid_ids_in_the_ways_people_type_them(value):
    assert is_valid_national_id(value)
    validate_national_id(value)


def test_check_digit_ten_wraps_to_zero():
    # A weighted sum that is 1 mod 11 gives 11 - 1 = 10, written as 0.
    for n in range(10_000):
        first12 = f"3{n:011d}"
        total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
        if total % 11 == 1:
            assert national_id_check_digit(first12) == 0
            assert is_valid_national_id(first12 + "0")
            return
    pytest.fail("no example found")


def test_wrong_check_digit_is_rejected_with_its_reason():
    with pytest.raises(ValidationError) as info:
        validate_national_id("1101700230707")
    assert info.value.code == "check_digit"


@pytest.mark.parametrize("value", ["110170023070", "11017002307071", "11017OO230707", ""])
def test_wrong_format_is_rejected(value):
    with pytest.raises(ValidationError) as info:
        validate_national_id(value)
    assert info.value.code == "format"


def test_g_code_for_children_without_a_thai_id():
    validate_national_id("G123456789012")
    assert is_valid_national_id("g123456789012")


def test_mask_shows_only_the_last_three_digits():
    assert mask_national_id("1101700230708") == "x-xxxx-xxxxx-70-8"
    assert "10170023" not in mask_national_id("1101700230708")
