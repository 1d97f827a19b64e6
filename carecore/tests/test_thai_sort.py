import pytest

from carecore.models import User
from carecore.thai import thai_order, thai_sort_key

# Dictionary order: by consonant first, so เก (ก + เ) sits between กา and ขา.
EXPECTED = ["กมล", "กิตติ", "เกศินี", "ขวัญ", "โชติ", "ชนิดา", "แดง", "ไพโรจน์", "สมชาย"]


def test_sort_key_puts_leading_vowels_with_their_consonant():
    shuffled = sorted(EXPECTED, reverse=True)
    got = sorted(shuffled, key=thai_sort_key)
    assert got.index("เกศินี") < got.index("ขวัญ")
    assert got.index("แดง") < got.index("ไพโรจน์") < got.index("สมชาย")
    # Code-point order gets it wrong: every name with a leading vowel goes last.
    assert sorted(shuffled)[-4:] == ["เกศินี", "แดง", "โชติ", "ไพโรจน์"]


@pytest.mark.django_db
def test_database_order_matches_thai_readers(django_db_setup):
    from django.db import connection

    for name in ["ไพโรจน์", "เกศินี", "สมชาย", "กมล", "แดง", "ขวัญ"]:
        User.objects.create(username=f"u{len(name)}{ord(name[0])}", first_name=name)
    names = list(
        User.objects.order_by(thai_order("first_name")).values_list("first_name", flat=True)
    )
    if connection.vendor != "postgresql":
        pytest.skip("Thai collation needs PostgreSQL's ICU collation")
    assert names == ["กมล", "เกศินี", "ขวัญ", "แดง", "ไพโรจน์", "สมชาย"]
