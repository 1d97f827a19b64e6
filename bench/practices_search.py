"""Benchmark of the good-practice library's Thai search (docs/district-work.md, "Thai search").

    .venv/bin/python bench/practices_search.py [--practices 10000] [--reuse]

PostgreSQL only (127.0.0.1:5432 as postgres, or BENCH_PG_URL for the server). It makes a
throw-away database ``carecare_bench_practices`` (made again unless --reuse finds it seeded),
migrates it, and writes one district of 200 schools with --practices published practices of
made-up Thai text (1,600 letters on average, words run together as Thai is written; one in
200 holds "โครงการป้องกันยาเสพติดในสถานศึกษา"). Then, in this warm process, the median of seven
runs of what the library page asks (``selectors.library_page``: the count and the first page,
ranked) for a rare word inside a longer run ("ยาเสพติด"), a word in nearly every practice
("นักเรียน") and one in none ("ฟุตซอล"):

- with the GIN trigram index (migration 0002), then without it (dropped), then the time to
  build it again and its size;
- the same LIKE on SQLite (a file database, the demo's engine) over the same texts.

Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "carecare_bench_practices"
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")

PHRASE_TEXT = """โครงการ ป้องกัน ในสถานศึกษา ห้องเรียนสีขาว เยี่ยมบ้าน นักเรียน ทุกคน ครูที่ปรึกษา
ผู้ปกครอง ชุมชน คัดกรอง พฤติกรรม อารมณ์ ความฉลาดทางอารมณ์ การเรียนรู้ ส่งเสริม พัฒนา ศักยภาพ
กิจกรรมโฮมรูม เพื่อนช่วยเพื่อน สอนซ่อมเสริม การอ่าน การเขียน คณิตศาสตร์ ภาษาไทย ประชุมผู้ปกครอง
ชั้นเรียน แกนนำ จิตอาสา ลูกเสือ ยุวกาชาด ธนาคารโรงเรียน อาหารกลางวัน สุขภาพ อนามัย ฟันผุ
ภาวะโภชนาการ ออกกำลังกาย ดนตรี กีฬา ศิลปะ ทักษะชีวิต การคิดวิเคราะห์ ความปลอดภัย ภัยออนไลน์
การกลั่นแกล้ง ความรุนแรง ครอบครัว ยากจน ทุนการศึกษา กองทุนเสมอภาค ส่งต่อ โรงพยาบาล จิตแพทย์
รพ.สต. องค์การบริหารส่วนตำบล ผู้ใหญ่บ้าน พระสงฆ์ วัด บ้าน โรงเรียน ความร่วมมือ เครือข่าย
ติดตาม ประเมินผล บันทึก รายงาน แผนช่วยเหลือรายบุคคล ให้คำปรึกษา แนะแนว อาชีพ ศึกษาต่อ
ระบบการดูแลช่วยเหลือนักเรียน คุณธรรม จริยธรรม วินัย ความรับผิดชอบ การออม เกษตร ปลูกผัก
ลดการขาดเรียน มาเรียนสาย ออกกลางคัน ตั้งครรภ์ก่อนวัยอันควร เพศศึกษา บุหรี่ไฟฟ้า แอลกอฮอล์"""
PHRASES = PHRASE_TEXT.split()
LINK_TEXT = "และ ของ ให้ ได้ มี เพื่อ โดย จาก ที่ ซึ่ง ทำให้ อย่างต่อเนื่อง ร่วมกับ"
LINKS = LINK_TEXT.split()
RARE = "โครงการป้องกันยาเสพติดในสถานศึกษา"
WORDS = {"rare": "ยาเสพติด", "common": "นักเรียน", "absent": "ฟุตซอล"}
RUNS = 7


def _sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(4, 9)):
        parts.append(rng.choice(PHRASES))
        if rng.random() < 0.5:
            parts.append(rng.choice(LINKS))
    return "".join(parts)


def texts(n: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """(title, summary, steps and results) of ``n`` practices."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        body = []
        while sum(map(len, body)) < rng.randint(800, 2000):
            body.append(_sentence(rng))
        text = " ".join(body)
        if i % 200 == 7:
            text = text[:300] + RARE + text[300:]
        rows.append((_sentence(rng)[:120], text[:400], text[400:]))
    return rows


def _database_anew() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def _median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    if not args.reuse:
        _database_anew()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from districts.models import District
    from districts.practices import search, selectors
    from districts.practices.models import Practice
    from schools.models import School

    call_command("migrate", verbosity=0)
    rows = texts(args.practices)
    district = District.objects.filter(code="BENCH").first()
    if district is None:
        district = District.objects.create(
            code="BENCH", name="เขตทดสอบ", level=District.Level.PRIMARY, province="ขอนแก่น"
        )
        schools = School.objects.bulk_create(
            School(code=f"{1900000000 + i:010d}", name=f"โรงเรียน {i}", district=district)
            for i in range(200)
        )
        Practice.objects.bulk_create(
            (
                Practice(
                    district=district,
                    school=schools[i % len(schools)],
                    title=title,
                    step="prevent",
                    summary=summary,
                    steps_taken=rest,
                    results="",
                    status=Practice.Status.PUBLISHED,
                    published_at=None,
                    search_text=search.search_text_of(title, summary, rest),
                )
                for i, (title, summary, rest) in enumerate(rows)
            ),
            batch_size=1000,
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE practices_practice")
    practices = Practice.objects.filter(district=district)

    def page(word: str):
        found = selectors.library_page(practices, query=word)
        return found.paginator.count, len(found.object_list)

    result: dict = {"practices": practices.count(), "found": {}, "with_index_ms": {}}
    for name, word in WORDS.items():
        result["found"][name] = selectors.library(practices, query=word).count()
        result["with_index_ms"][name] = _median_ms(lambda word=word: page(word))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size('practices_practice_search_trgm')")
        result["index_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
        cursor.execute("DROP INDEX practices_practice_search_trgm")
    result["without_index_ms"] = {
        name: _median_ms(lambda word=word: page(word)) for name, word in WORDS.items()
    }
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX practices_practice_search_trgm ON practices_practice "
            "USING gin (search_text gin_trgm_ops)"
        )
    result["index_build_s"] = round(time.perf_counter() - start, 1)

    # SQLite: the same texts, the same LIKE Django sends for ``contains``.
    with tempfile.TemporaryDirectory() as folder:
        lite = sqlite3.connect(Path(folder) / "bench.sqlite3")
        lite.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, search_text TEXT)")
        lite.executemany(
            "INSERT INTO p (search_text) VALUES (?)",
            ((search.search_text_of(*row),) for row in rows),
        )
        lite.commit()
        result["sqlite_ms"] = {
            name: _median_ms(
                lambda word=word: lite.execute(
                    "SELECT COUNT(*) FROM p WHERE search_text LIKE ? ESCAPE '\\'", (f"%{word}%",)
                ).fetchone()
            )
            for name, word in WORDS.items()
        }
        lite.close()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
