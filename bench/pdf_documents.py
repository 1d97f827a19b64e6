"""Benchmark of the PDF documents, in one warm process like a worker.

    DATABASE_URL=postgres://... .venv/bin/python bench/pdf_documents.py [--out DIR] [--thai-digits]

Builds a classroom of 40 students with guardians (made-up Thai names) and a school emblem in a
throwaway test database, renders once to warm up (fonts, templates), then times a one-page
student sheet (median of 7) and the 40-page classroom batch (median of 3). Prints JSON:
{"one_page_s": ..., "batch_40_pages_s": ..., "batch_pages": 40, ...}.
Floor (2-core machine): the 40-page batch in 4 s or less.

--out DIR also writes the class list, one sheet and the batch there, to look at them
(pdftoppm -r 80 -png).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carecare-bench-media-"))

STUDENTS = 40


def emblem_png() -> bytes:
    """A round seal-like emblem, drawn (no real school's emblem)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 400), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 390, 390), fill=(30, 60, 140), outline=(200, 160, 40), width=18)
    draw.ellipse((90, 90, 310, 310), fill=(250, 250, 250))
    draw.polygon([(200, 110), (290, 290), (110, 290)], fill=(200, 160, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def build_classroom(*, students: int = STUDENTS, thai_digits: bool = False, seed: int = 2568):
    """A district, a school with an emblem, a classroom of ``students`` with guardians."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from carecore.models import Membership, Role, User
    from carecore.national_id import national_id_check_digit
    from demo import names
    from districts.models import District, Network
    from schools.models import AcademicYear, Classroom, Grade, HomeroomAssignment, School
    from schools.services import academic_year_create
    from students.models import Enrolment, Guardian, Student

    rng = random.Random(seed)
    with scopes_disabled():
        year_be = AcademicYear.be_year_for(timezone.localdate())
        year = AcademicYear.objects.filter(year=year_be).first() or academic_year_create(
            year=year_be
        )
        district = District.objects.create(
            code="BENCH1",
            name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
            level=District.Level.PRIMARY,
            province="ขอนแก่น",
        )
        network = Network.objects.create(district=district, name="กลุ่มเครือข่ายที่ 1")
        school = School.objects.create(
            code="1040999001",
            name="โรงเรียนบ้านหนองน้ำใสวิทยาคม",
            district=district,
            network=network,
            document_thai_digits=thai_digits,
        )
        school.emblem.save("emblem.png", ContentFile(emblem_png()))
        classroom = Classroom.objects.create(
            school=school, academic_year=year, grade=Grade.P5, room=2
        )
        for i, (prefix, first, last) in enumerate(
            (("นาง", "สุภาพร", "แก้วประเสริฐ"), ("นาย", "ธวัชชัย", "ศรีสุข"))
        ):
            teacher = User.objects.create(
                username=f"bench-teacher-{i}", prefix=prefix, first_name=first, last_name=last
            )
            Membership.objects.create(user=teacher, role=Role.HOMEROOM, school=school)
            HomeroomAssignment.objects.create(classroom=classroom, teacher=teacher)
        pupils = []
        for _ in range(students):
            boy = rng.random() < 0.5
            first = rng.choice(names.BOY_NAMES if boy else names.GIRL_NAMES)
            last = rng.choice(names.SURNAME_HEADS) + rng.choice(names.SURNAME_TAILS)
            pupils.append((boy, first, last))
        pupils.sort(key=lambda p: (not p[0], p[1], p[2]))
        for number, (boy, first, last) in enumerate(pupils, start=1):
            first12 = "1" + "".join(str(rng.randrange(10)) for _ in range(11))
            born = year.start.replace(year=year.start.year - 10)
            student = Student.objects.create(
                school=school,
                student_code=f"{number + 4200:05d}",
                national_id=first12 + str(national_id_check_digit(first12)),
                prefix=Student.Prefix.BOY if boy else Student.Prefix.GIRL,
                first_name=first,
                last_name=last,
                nickname=rng.choice(["น้ำ", "กิ่ง", "ต้นกล้า", "ใบเตย", "ภูผา", ""]),
                gender=Student.Gender.MALE if boy else Student.Gender.FEMALE,
                birth_date=born.replace(day=1, month=rng.randrange(1, 13)),
            )
            Enrolment.objects.create(
                student=student, classroom=classroom, academic_year=year, number=number
            )
            Guardian.objects.create(
                student=student,
                prefix="นาง",
                first_name=rng.choice(names.ADULT_FEMALE_NAMES),
                last_name=last,
                relation=Guardian.Relation.MOTHER,
                phone=f"08{rng.randrange(10**8):08d}",
                occupation=rng.choice(names.OCCUPATIONS),
                is_primary=True,
            )
            if rng.random() < 0.5:
                Guardian.objects.create(
                    student=student,
                    prefix="นาย",
                    first_name=rng.choice(names.ADULT_MALE_NAMES),
                    last_name=last,
                    relation=Guardian.Relation.GRANDFATHER,
                    phone=f"09{rng.randrange(10**8):08d}",
                    occupation=rng.choice(names.OCCUPATIONS),
                    lives_with_student=rng.random() < 0.5,
                )
    return classroom


def pdf_pages(pdf: bytes) -> int | None:
    try:
        command = ["pdfinfo", "-"]
        info = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
        info = info.stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    return next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))


def timed(fn, repeat: int) -> tuple[float, float, bytes]:
    """Median wall-clock and CPU seconds of ``repeat`` calls, and the last result. CPU time
    shows how much of the wall time was spent waiting for a busy machine."""
    wall, cpu, result = [], [], b""
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the PDFs to this folder")
    parser.add_argument("--thai-digits", action="store_true", help="school uses Thai digits")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import translation
    from django_scopes import scopes_disabled

    from students.documents import classroom_list_pdf, classroom_sheets_pdf, student_sheet_pdf

    setup_test_environment()
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"bench_{Path(str(db['NAME'])).stem}_pdf"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        classroom = build_classroom(thai_digits=args.thai_digits)
        with scopes_disabled():
            student = classroom.enrolments.order_by("number").first().student
        with translation.override("th"):
            classroom_sheets_pdf(classroom=classroom)  # warm up: fonts, templates, imports
            one_page_s, one_page_cpu, sheet = timed(lambda: student_sheet_pdf(student=student), 7)
            batch_s, batch_cpu, batch = timed(lambda: classroom_sheets_pdf(classroom=classroom), 3)
            list_s, _, class_list = timed(lambda: classroom_list_pdf(classroom=classroom), 3)
        result = {
            "one_page_s": round(one_page_s, 3),
            "batch_40_pages_s": round(batch_s, 3),
            "batch_pages": pdf_pages(batch),
            "one_page_cpu_s": round(one_page_cpu, 3),
            "batch_40_pages_cpu_s": round(batch_cpu, 3),
            "class_list_s": round(list_s, 3),
            "class_list_pages": pdf_pages(class_list),
        }
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for name, pdf in (("class_list", class_list), ("sheet", sheet), ("batch", batch)):
                (args.out / f"{name}.pdf").write_bytes(pdf)
        print(json.dumps(result))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
