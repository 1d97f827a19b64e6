"""Sorting Thai names the way Thai readers expect.

Thai dictionary order sorts by consonant first: เก comes after กา and before ขา. Plain code-point
order (SQLite, Python, PostgreSQL's "C" collation) puts every name that starts with a leading
vowel (เ แ โ ใ ไ) after all the others.
"""

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

LEADING_VOWELS = "เแโใไ"
THAI_ICU_COLLATION = "th-TH-x-icu"


def thai_sort_key(text: str) -> str:
    """A key for sorted(): each leading vowel swapped with the consonant that follows it."""
    chars = list(text or "")
    i = 0
    while i < len(chars) - 1:
        if chars[i] in LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
            i += 2
        else:
            i += 1
    return "".join(chars)


def thai_order(field: str):
    """An order_by() expression: PostgreSQL's ICU Thai collation; the field itself elsewhere."""
    if connection.vendor == "postgresql":
        return Collate(F(field), THAI_ICU_COLLATION)
    return F(field)
