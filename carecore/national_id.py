"""The Thai national ID: the check digit, the G code of a child with no Thai ID, and how it is
typed, validated and shown masked (every layer above names students and staff by it)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def national_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai national ID.

    Weights 13 down to 2 on the first twelve digits; the check digit is (11 - sum mod 11) mod 10.
    """
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def normalize_national_id(value: str) -> str:
    """Drop the spaces and dashes people type (1-2345-67890-12-3)."""
    return "".join(ch for ch in str(value) if ch not in " -").upper()


def is_valid_national_id(value: str) -> bool:
    value = normalize_national_id(value)
    if len(value) == 13 and value.isdigit():
        return national_id_check_digit(value[:12]) == int(value[12])
    # A child with no Thai ID gets a "G code" from the school system: G and 12 digits.
    return len(value) == 13 and value[0] == "G" and value[1:].isdigit()


def validate_national_id(value: str) -> None:
    value = normalize_national_id(value)
    if len(value) != 13 or not (value.isdigit() or (value[0] == "G" and value[1:].isdigit())):
        raise ValidationError(
            _("A national ID has 13 digits (or a G code: G and 12 digits)."), code="format"
        )
    if not is_valid_national_id(value):
        raise ValidationError(
            _("This national ID is not valid: its last digit does not match the check digit."),
            code="check_digit",
        )


def mask_national_id(value: str) -> str:
    """Show only the last three characters, in the usual grouping: x-xxxx-xxxxx-12-3."""
    value = normalize_national_id(value)
    if len(value) != 13:
        return "•" * len(value)
    masked = "x" * 10 + value[10:]
    return f"{masked[0]}-{masked[1:5]}-{masked[5:10]}-{masked[10:12]}-{masked[12]}"
