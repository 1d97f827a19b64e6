"""Thai search: a word found inside a longer run of Thai letters, the same text however it was
typed, and the PostgreSQL trigram index actually serving the query."""

import pytest
from django.db import connection, transaction

from districts.practices import search
from districts.practices.models import Practice
from districts.practices.tests.factories import practice_make

Status = Practice.Status


def test_normalise_removes_what_the_eye_cannot_see():
    # A zero-width space pasted from Word, SARA AM typed as two characters, Latin capitals.
    assert search.normalise(" โครงการ\u200bป้องกัน  ยาเสพติด ") == "โครงการป้องกัน ยาเสพติด"
    assert search.normalise("น\u0e49\u0e4d\u0e32ใจ") == "น\u0e49\u0e33ใจ"
    assert search.normalise("To Be Number One") == "to be number one"


def test_terms_are_the_distinct_words_typed_at_most_eight():
    assert search.terms("  ยาเสพติด  ห้องเรียน ยาเสพติด ") == ["ยาเสพติด", "ห้องเรียน"]
    assert search.terms("") == []
    assert len(search.terms(" ".join(f"คำ{i}" for i in range(20)))) == search.MAX_TERMS
    assert len(search.terms("ก" * 500)[0]) == search.MAX_TERM_LENGTH


def _published(world, **fields):
    a = world.a
    return practice_make(
        a.school,
        a.users["coordinator"],
        status=Status.PUBLISHED,
        reviewer=a.users["district_supervisor"],
        **fields,
    )


def _found(query: str) -> list[str]:
    return list(search.matching(Practice.objects.all(), query).values_list("title", flat=True))


@pytest.mark.django_db
def test_a_word_inside_a_longer_thai_run_is_found(world):
    _published(world, title="โครงการป้องกันยาเสพติดในสถานศึกษา")
    _published(world, title="การเยี่ยมบ้านนักเรียนทุกคน", summary="ครูที่ปรึกษาเยี่ยมบ้าน")
    assert _found("ยาเสพติด") == ["โครงการป้องกันยาเสพติดในสถานศึกษา"]
    # Cut where a word segmenter would not cut: inside "การป้องกัน", across two words.
    assert _found("ป้องกัน") == ["โครงการป้องกันยาเสพติดในสถานศึกษา"]
    assert _found("กันยาเสพ") == ["โครงการป้องกันยาเสพติดในสถานศึกษา"]
    assert _found("เยี่ยมบ้าน") == ["การเยี่ยมบ้านนักเรียนทุกคน"]
    assert _found("ฟุตซอล") == []


@pytest.mark.django_db
def test_every_word_typed_must_be_there(world):
    _published(world, title="ห้องเรียนสีขาว", summary="ปลอดบุหรี่และยาเสพติด")
    _published(world, title="ธนาคารขยะ", summary="ยาเสพติด")
    assert _found("ยาเสพติด ห้องเรียน") == ["ห้องเรียนสีขาว"]
    assert sorted(_found("ยาเสพติด")) == ["ธนาคารขยะ", "ห้องเรียนสีขาว"]


@pytest.mark.django_db
def test_text_pasted_with_invisible_characters_is_found_as_typed(world):
    _published(
        world, title="ระบบดูแล", summary="โครงการ\u200bป้องกันยาเสพติด", results="น\u0e4d\u0e32ใจ"
    )
    assert _found("โครงการป้องกัน") == ["ระบบดูแล"]
    assert _found("น\u0e33ใจ") == ["ระบบดูแล"]
    # What the reader types is cleaned the same way.
    assert _found("ยา\u200bเสพติด") == ["ระบบดูแล"]


@pytest.mark.django_db
def test_percent_and_underscore_are_letters_not_wildcards(world):
    _published(world, title="ลดการขาดเรียน", results="มาเรียนร้อยละ 98%")
    _published(world, title="อ่านออกเขียนได้", results="ร้อยละ 98 ของนักเรียน")
    assert _found("98%") == ["ลดการขาดเรียน"]
    assert _found("_") == []


@pytest.mark.django_db
def test_a_title_holding_the_word_comes_first(world):
    _published(world, title="ธนาคารโรงเรียน", summary="ออมเงินเพื่อป้องกันยาเสพติด")
    _published(world, title="ชมรมต้านยาเสพติด", summary="กิจกรรมหลังเลิกเรียน")
    _published(world, title="อาหารกลางวัน", summary="ผักปลอดสาร")
    assert _found("ยาเสพติด") == ["ชมรมต้านยาเสพติด", "ธนาคารโรงเรียน"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_answers_the_search_from_the_trigram_index(world):
    _published(world)
    sql, params = search.matching(Practice.objects.all(), "ยาเสพติด").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a table this small the planner would rather read it: forbid that, so the plan
        # shows whether the index can serve the query at all (it cannot serve UPPER(column)).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "practices_practice_search_trgm" in plan, plan


@pytest.mark.django_db
def test_the_library_counts_at_most_ten_pages(world, monkeypatch):
    from districts.practices import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for n in range(4):
        _published(world, title=f"ยาเสพติด ชุด{'กขคง'[n]}")
    page = selectors.library_page(Practice.objects.all(), query="ยาเสพติด")
    assert page.paginator.count == 3 and page.paginator.capped
    page = selectors.library_page(Practice.objects.all(), query="ยาเสพติด ชุดข")
    assert page.paginator.count == 1 and not page.paginator.capped
