"""Printed student documents: the class list, the student information sheet and the sheets of a
whole classroom. PDFs are read back with poppler, as a person opening them would read them."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scopes_disabled

from carecore.dates import format_date, to_thai_digits
from carecore.tests.test_pdf import comparable, pdf_pages, pdf_text
from conftest import make_student
from schools.models import Classroom, Grade
from students.documents import classroom_list_pdf, classroom_sheets_pdf, student_sheet_pdf
from students.models import Guardian, Student

# Made-up names with stacked marks; numbered out of creation order on purpose.
PUPILS = [
    (3, "ณัฐธิดา", "แก้วประเสริฐ", Student.Prefix.GIRL),
    (1, "กิตติพัฒน์", "ศรีสุข", Student.Prefix.BOY),
    (5, "น้ำฝน", "ทองดี", Student.Prefix.GIRL),
    (2, "ต้นกล้า", "บุญมา", Student.Prefix.BOY),
    (4, "ขวัญข้าว", "ใจงาม", Student.Prefix.GIRL),
]


def fill_classroom(world, pupils=PUPILS, *, start=500):
    """A third classroom of school A with ``pupils`` (number, first, last, prefix)."""
    a = world.a
    with scopes_disabled():
        classroom = Classroom.objects.create(
            school=a.school, academic_year=world.year, grade=Grade.P5, room=3
        )
        students = []
        for i, (number, first, last, prefix) in enumerate(pupils):
            girl = prefix == Student.Prefix.GIRL
            student = make_student(
                a.school,
                classroom,
                start + i,
                number,
                first_name=first,
                last_name=last,
                prefix=prefix,
                gender=Student.Gender.FEMALE if girl else Student.Gender.MALE,
            )
            Guardian.objects.create(
                student=student,
                prefix="นาง",
                first_name="บุญเรือน",
                last_name=last,
                relation=Guardian.Relation.GRANDMOTHER,
                phone="0812345678",
                is_primary=True,
            )
            students.append(student)
    return classroom, students


def by_number(pupils):
    return sorted(pupils, key=lambda p: p[0])


class TestClassroomList:
    def test_lists_every_student_in_number_order(self, world):
        classroom, _ = fill_classroom(world)
        with translation.override("th"):
            pdf = classroom_list_pdf(classroom=classroom)
        text = comparable(pdf_text(pdf))
        positions = [
            text.index(comparable(f"{p}{first} {last}")) for _, first, last, p in by_number(PUPILS)
        ]
        assert positions == sorted(positions)
        # Each row starts with the student's number.
        for number, first, _, _ in PUPILS:
            assert re.search(rf"(^|\s){number} \d{{5}} \S*{re.escape(comparable(first))}", text)

    def test_heading_has_the_room_the_year_and_the_homeroom_teacher_signature(self, world):
        with translation.override("th"):
            pdf = classroom_list_pdf(classroom=world.a.classroom)
            room = str(world.a.classroom)
        text = comparable(pdf_text(pdf))
        assert comparable(room) in text
        assert str(world.year.year) in text
        teacher = world.a.users["homeroom"].display_name
        assert f"({comparable(teacher)})" in text

    def test_thai_digits_school(self, world):
        classroom, students = fill_classroom(world)
        world.a.school.document_thai_digits = True
        world.a.school.save()
        with translation.override("th"):
            pdf = classroom_list_pdf(classroom=classroom)
        text = pdf_text(pdf)
        assert to_thai_digits(students[0].student_code) in text
        assert to_thai_digits(format_date(students[0].birth_date, "numeric")) in text
        assert students[0].student_code not in text

    def test_reports_progress_up_to_100(self, world):
        calls = []
        classroom_list_pdf(classroom=world.a.classroom, progress=calls.append)
        assert calls == sorted(calls) and calls[-1] == 100


class TestStudentSheet:
    def test_one_page_with_the_students_data_and_guardians(self, world):
        a = world.a
        with translation.override("th"):
            pdf = student_sheet_pdf(student=a.student)
            birth = format_date(a.student.birth_date, "long")
            room = str(a.classroom)
        text = comparable(pdf_text(pdf))
        assert pdf_pages(pdf) == 1
        assert comparable(a.student.full_name) in text
        assert a.student.student_code in text
        assert comparable(birth) in text
        assert comparable(room) in text
        assert comparable(str(a.guardian)) in text
        assert comparable(a.school.name) in text

    def test_never_prints_the_full_national_id(self, world):
        student = world.a.student
        for thai_digits in (False, True):
            world.a.school.document_thai_digits = thai_digits
            world.a.school.save()
            with translation.override("th"):
                text = pdf_text(student_sheet_pdf(student=student))
            digits_only = re.sub(
                r"\D", "", text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
            )
            assert student.national_id not in digits_only
            assert student.national_id[:9] not in digits_only
            masked = student.masked_national_id
            assert (to_thai_digits(masked) if thai_digits else masked) in text

    def test_a_student_without_a_classroom_this_year(self, world):
        with scopes_disabled():
            world.a.student.enrolments.all().delete()
        with translation.override("th"):
            pdf = student_sheet_pdf(student=world.a.student)
        assert pdf_pages(pdf) == 1


class TestClassroomSheets:
    def test_one_page_per_student_in_number_order(self, world):
        classroom, _ = fill_classroom(world)
        with translation.override("th"):
            pdf = classroom_sheets_pdf(classroom=classroom)
        assert pdf_pages(pdf) == len(PUPILS)
        for page, (_, first, last, prefix) in enumerate(by_number(PUPILS), start=1):
            text = comparable(pdf_text(pdf, page=page))
            assert comparable(f"{prefix}{first} {last}") in text
            others = [p for p in PUPILS if p[1] != first]
            assert not any(comparable(f"{o[1]} {o[2]}") in text for o in others)

    def test_queries_do_not_grow_with_the_number_of_students(self, world):
        small, _ = fill_classroom(world, PUPILS[:2])
        with scopes_disabled():
            big = Classroom.objects.create(
                school=world.a.school, academic_year=world.year, grade=Grade.P6, room=1
            )
            for i in range(8):
                make_student(world.a.school, big, 900 + i, i + 1)
        counts = []
        for classroom in (small, big):
            with CaptureQueriesContext(connection) as queries:
                classroom_sheets_pdf(classroom=classroom)
            counts.append(len(queries))
        assert counts[0] == counts[1]
        # classroom with school and year, teachers, enrolments with students, guardians
        assert counts[1] == 4

    def test_reports_progress_as_the_pages_are_laid_out(self, world):
        pupils = [(n, f"นักเรียน{n}", "ทดสอบ", Student.Prefix.BOY) for n in range(1, 13)]
        classroom, _ = fill_classroom(world, pupils)
        calls = []
        pdf = classroom_sheets_pdf(classroom=classroom, progress=calls.append)
        assert pdf_pages(pdf) == 12
        assert calls == sorted(calls) and calls[-1] == 100
        # At least one report per 10% of the students.
        assert len([c for c in calls if c < 100]) >= 10

    def test_an_empty_classroom_gives_one_page_saying_so(self, world):
        with scopes_disabled():
            empty = Classroom.objects.create(
                school=world.a.school, academic_year=world.year, grade=Grade.M1, room=1
            )
        assert pdf_pages(classroom_sheets_pdf(classroom=empty)) == 1

    def test_the_age_is_on_the_sheet(self, world):
        student = world.a.student
        age = student.age_on(timezone.localdate())
        with translation.override("en"):
            text = pdf_text(student_sheet_pdf(student=student))
        assert f"Age {age} years" in text
