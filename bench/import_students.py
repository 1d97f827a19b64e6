"""Benchmark of the student import, on the database DATABASE_URL names.

    DATABASE_URL=postgres://... .venv/bin/python bench/import_students.py [--rows 2000]

In a throwaway test database (test_<name>), seeds a school with two classrooms and writes a
2,000-row XLSX (made-up Thai names, Thai headers, dates as Excel dates) and the same rows as a
CSV in TIS-620. Times, for the XLSX: the check (``import_check``) and the import
(``import_apply``, which checks again and writes) into the empty school, then the re-import of the
same file (nothing changes), then a changed file (a tenth of the students renamed, a tenth moved
to another room). The CSV is timed the same way in a second school. Prints JSON:
{"rows": 2000, "validate_s": ..., "apply_s": ..., "reimport_s": ..., ...}.
Floor (2-core machine): import of 2,000 rows in 5 s or less.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carecare-bench-media-"))

HEADERS = ["เลขประจำตัวนักเรียน", "เลขประจำตัวประชาชน", "คำนำหน้าชื่อ", "ชื่อ", "นามสกุล", "เพศ"]
HEADERS += ["วันเกิด", "ชั้น", "ห้อง", "เลขที่"]
GRADES = ["อ.2", "อ.3", "ป.1", "ป.2", "ป.3", "ป.4", "ป.5", "ป.6", "ม.1", "ม.2", "ม.3"]


def make_rows(count: int, seed: int = 2568) -> list[list]:
    """Rows as an OBEC export has them: rooms of 35, numbers in each room from 1."""
    from carecore.national_id import national_id_check_digit
    from demo import names

    rng = random.Random(seed)
    rows = []
    per_grade = -(-count // len(GRADES))
    for i in range(count):
        grade = GRADES[i // per_grade]
        in_grade = i % per_grade
        boy = rng.random() < 0.5
        first12 = "1" + "".join(str(rng.randrange(10)) for _ in range(11))
        born = datetime.date(2010 + rng.randrange(8), rng.randrange(1, 13), rng.randrange(1, 29))
        rows.append(
            [
                f"{i + 1:05d}",
                first12 + str(national_id_check_digit(first12)),
                "ด.ช." if boy else "ด.ญ.",
                rng.choice(names.BOY_NAMES if boy else names.GIRL_NAMES),
                rng.choice(names.SURNAME_HEADS) + rng.choice(names.SURNAME_TAILS),
                "ชาย" if boy else "หญิง",
                born,
                grade,
                in_grade // 35 + 1,
                in_grade % 35 + 1,
            ]
        )
    return rows


def xlsx_bytes(rows) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        born = row[6]
        writer.writerow([*row[:6], f"{born.day:02d}/{born.month:02d}/{born.year + 543}", *row[7:]])
    return out.getvalue().encode("cp874")


def changed(rows, seed: int = 7) -> list[list]:
    """A tenth of the students renamed, a tenth moved to another room of their grade (their
    numbers left to the import)."""
    rng = random.Random(seed)
    rows = [list(r) for r in rows]
    for row in rng.sample(rows, len(rows) // 10):
        row[4] = row[4] + "ดี"
    for row in rng.sample(rows, len(rows) // 10):
        row[8] = 3 - row[8] if row[8] in (1, 2) else 1
        row[9] = None
    return rows


def seed_school(tag: int):
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from districts.models import District
    from schools.models import AcademicYear, Classroom, Grade, School
    from schools.services import academic_year_create

    with scopes_disabled():
        year_be = AcademicYear.be_year_for(timezone.localdate())
        year = AcademicYear.objects.filter(year=year_be).first() or academic_year_create(
            year=year_be
        )
        district = District.objects.get_or_create(
            code="BENCH", defaults={"name": "เขตทดสอบ", "level": District.Level.PRIMARY}
        )[0]
        school = School.objects.create(
            code=f"99000000{tag:02d}", name=f"โรงเรียนทดสอบ {tag}", district=district
        )
        Classroom.objects.create(school=school, academic_year=year, grade=Grade.P1, room=1)
        Classroom.objects.create(school=school, academic_year=year, grade=Grade.P2, room=1)
    return school, year


def timed(fn, **kwargs):
    from django_scopes import scope

    started = time.perf_counter()
    with scope(school=kwargs["school"].pk):
        report = fn(**kwargs)
    elapsed = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"unexpected problems: {report.errors[:5]}")
    return round(elapsed, 3), report


def run(rows_count: int) -> dict:
    from students.imports import import_apply, import_check

    rows = make_rows(rows_count)
    result: dict = {"rows": rows_count}
    for tag, (label, data, filename) in enumerate(
        [
            ("", xlsx_bytes(rows), "students.xlsx"),
            ("csv_", csv_bytes(rows), "students.csv"),
        ],
        start=1,
    ):
        school, year = seed_school(tag)
        common = {"data": data, "filename": filename, "school": school, "academic_year": year}
        result[f"{label}validate_s"], _ = timed(import_check, **common)
        result[f"{label}apply_s"], report = timed(import_apply, **common)
        assert report.summary["created"] == rows_count, report.summary
        result[f"{label}reimport_s"], report = timed(import_apply, **common)
        assert report.summary["unchanged"] == rows_count, report.summary
        if not label:
            data = xlsx_bytes(changed(rows))
            result["changed_apply_s"], report = timed(import_apply, **{**common, "data": data})
            result["changed_summary"] = {
                k: report.summary[k] for k in ("updated", "moved", "unchanged")
            }
            result["xlsx_bytes"] = len(common["data"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = run(args.rows)
        result["database"] = connection.vendor
        result["cpus"] = os.cpu_count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
